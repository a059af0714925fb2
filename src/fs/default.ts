/**
 * The filesystem a file-backed database uses unless the caller passes one: Deno's own
 * APIs under Deno, `node:fs` under Node and Bun. (Browser bundles replace this module
 * with `default.browser.ts`.)
 */
import type { FsOps } from './types.ts';
import { denoFs } from './deno.ts';
import { nodeFs } from './node.ts';

export function defaultFs(): FsOps {
  return (globalThis as { Deno?: unknown }).Deno !== undefined ? denoFs() : nodeFs();
}
