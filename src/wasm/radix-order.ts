/**
 * Wrapper over the `radixOrder` kernel (assembly/radix.ts): the permutation that sorts `n`
 * keys of `w` bytes each (1 to 16), given back to back in one array (key i at `i * w`). The caller's
 * only JS loop is the one that gathers the keys from wherever they live; the counting and
 * scattering passes run as compiled WebAssembly — they run once per checkpoint, too few
 * times for JS to be optimised before they finish.
 */
import { usageError } from '../errors.ts';
import { arenaAlloc, arenaReset, arenaUsed } from './arena.ts';
import { heap } from './memory.ts';

/** Largest key count: indices are u32 and the work areas 4 bytes per key. */
const MAX_KEYS = 0x4000_0000;
/** Widest key: the kernel keeps one counter table per byte position (assembly/layout.ts). */
export const RADIX_MAX_WIDTH = 16;

export function radixOrder(keys: Uint8Array, n: number, w: number): Int32Array {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_KEYS || !Number.isSafeInteger(w) || w < 1 || w > RADIX_MAX_WIDTH || keys.length !== n * w) {
    throw usageError('OutOfBounds', `radix order of ${String(n)} keys of ${String(w)} bytes is out of range`, { n, w });
  }
  const mark = arenaUsed();
  try {
    const keysAt = arenaAlloc(n * w);
    const aAt = arenaAlloc(n * 4);
    const bAt = arenaAlloc(n * 4);
    // Allocation may have grown memory: views are taken after the last alloc.
    const h = heap();
    h.u8.set(keys, h.arenaBase + keysAt);
    const at = h.k.radixOrder(h.arenaBase + keysAt, n, w, h.arenaBase + aAt, h.arenaBase + bAt) >>> 0;
    return new Int32Array(h.u8.buffer.slice(at, at + n * 4));
  } finally {
    arenaReset(mark);
  }
}
