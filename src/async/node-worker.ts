/**
 * A ready-made worker_threads entry: serves databases on `parentPort` with the default
 * filesystem. Applications write the same two lines in their own worker file (see
 * docs/runtimes.md); the tests bundle this one.
 */
import { parentPort } from 'node:worker_threads';
import { serveDatabases } from './host.ts';

if (parentPort !== null) serveDatabases(parentPort);
