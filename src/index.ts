// Public entry point (ESM/CJS builds). Runtime-neutral; Node-only modules that it reaches
// get a `*.browser.ts` sibling which the browser build substitutes (scripts/build.mjs).
export { ModelVaultError, isModelVaultError } from './errors.ts';
export type { ErrorKind } from './errors.ts';
export { crc32c, crc32cUpdate } from './wasm/crc32c.ts';
export { ready } from './wasm/module.ts';
export { Database } from './engine/database.ts';
export type { OpenOptions, RecoveryInfo, RecoveryMode, IndexEntryView } from './engine/database.ts';
export { dumpDatabase } from './engine/dump.ts';
export type { RegisteredCollection, SchemaVersionWriteOptions } from './engine/writer.ts';
// Maintenance: checkpoint, compaction, snapshots, events (docs/maintenance.md).
export type { CheckpointResult } from './maintenance/checkpoint.ts';
export type { CompactResult, MaintenanceOptions } from './maintenance/database-ops.ts';
export type { RestoreResult } from './maintenance/snapshot.ts';
export { CHANNEL_NAME as MAINTENANCE_CHANNEL } from './maintenance/events.ts';
export type { EventListener, MaintenanceEvent, MaintenanceOp } from './maintenance/events.ts';
// Queries: the typed AST and its builders, SQL results (docs/queries.md).
export { and, asc, between, desc, eq, gt, gte, inList, isNotNull, isNull, lt, lte, ne, not, or } from './query/ast.ts';
export type { ComparisonOp, Direction, OrderKey, PathLike, Predicate, Query } from './query/ast.ts';
export type { SqlResult } from './query/sql/execute.ts';
// Filesystem adapters and the crash / I/O-error simulator (usable for your own crash tests).
export { nodeFs, createNodeFs } from './fs/node.ts';
export type { FlockBinding, NodeFsOptions } from './fs/node.ts';
export { createMemFs, MemFs } from './fs/memfs.ts';
export type { CallInfo, CrashMode, CrashOptions, FaultErrno, FaultOptions, MemFsOptions } from './fs/memfs.ts';
export { forEachCrashPoint, forEachFaultPoint } from './fs/crash-points.ts';
export type { CrashPoint, CrashPointOptions, EnumerationResult, FaultPoint, FaultPointOptions } from './fs/crash-points.ts';
export type { FileHandle, FsCapabilities, FsOps, LockHandle, LockMode, OpenMode } from './fs/types.ts';
// The engine in a Worker / worker_threads behind promises, and the OPFS adapter (browsers).
export { AsyncDatabase, DatabaseWorkerClient, serveDatabases, toEndpoint } from './async/index.ts';
export type { AsyncOpenOptions, DatabaseHostOptions, Endpoint, Promisified, WorkerLike } from './async/index.ts';
export { openOpfsFs, OpfsFs } from './fs/opfs.ts';
export type { OpfsDirectory, OpfsFileEntry, OpfsOptions, OpfsSyncAccessHandle } from './fs/opfs.ts';
// TypeScript-first models: schema builder, typed collections, migrations (docs/models.md).
export * from './model/index.ts';
