/**
 * Browser build of `node.ts`: there is no Node filesystem in a browser, so the Node adapter
 * constructors exist (the entry point exports them on every platform) but refuse with a
 * typed error naming the adapters that do work there (OPFS, memfs).
 */
import { usageError } from '../errors.ts';
import type { FsOps } from './types.ts';

export interface FlockBinding {
  flockSync(fd: number, flags: string): void;
}

export interface NodeFsOptions {
  locks?: 'auto' | 'os' | 'process-file';
  flock?: FlockBinding;
}

function unavailable(): never {
  throw usageError(
    'Unsupported',
    'the Node filesystem adapter is not available in the browser build; use openOpfsFs() or createMemFs()',
  );
}

export function nodeFs(): FsOps {
  return unavailable();
}

export function createNodeFs(_options: NodeFsOptions = {}): FsOps {
  return unavailable();
}
