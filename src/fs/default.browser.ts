/**
 * Browser replacement for `default.ts` (substituted by the browser build): there is no
 * filesystem to default to, so file-backed databases need an explicit adapter.
 */
import type { FsOps } from './types.ts';
import { usageError } from '../errors.ts';

export function defaultFs(): FsOps {
  throw usageError('NoDefaultFs', 'pass options.fs in browsers (e.g. an OPFS adapter)');
}
