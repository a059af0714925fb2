/**
 * Worker entry for Node (worker_threads): serves databases on `parentPort` with the
 * default filesystem. Built to dist/worker.js; `new Worker(new URL('./worker.js', …))`.
 */
import { parentPort } from 'node:worker_threads';
import { serveDatabases } from './host.ts';

if (parentPort !== null) serveDatabases(parentPort);
