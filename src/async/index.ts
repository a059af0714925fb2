// AsyncDatabase (caller side) and serveDatabases (worker side).
export { AsyncDatabase, DatabaseWorkerClient } from './async-database.ts';
export type { AsyncOpenOptions, Promisified } from './async-database.ts';
export { serveDatabases } from './host.ts';
export type { DatabaseHostOptions } from './host.ts';
export { toEndpoint } from './endpoint.ts';
export type { Endpoint, WorkerLike } from './endpoint.ts';
