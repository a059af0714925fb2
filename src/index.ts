// Public entry point (ESM/CJS builds). Runtime-neutral; Node-only modules that it reaches
// get a `*.browser.ts` sibling which the browser build substitutes (scripts/build.mjs).
export { ModelVaultError, isModelVaultError } from './errors.ts';
export type { ErrorKind } from './errors.ts';
export { crc32c, crc32cUpdate } from './wasm/crc32c.ts';
export { ready } from './wasm/module.ts';
export { Database } from './engine/database.ts';
export type { OpenOptions, RecoveryInfo, RecoveryMode, IndexEntryView } from './engine/database.ts';
export { dumpDatabase } from './engine/dump.ts';
