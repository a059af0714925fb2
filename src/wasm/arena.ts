/**
 * The zero-copy path: bytes written straight into WebAssembly memory can be checksummed
 * (and, later, framed) by the kernels without a copy.
 *
 * Two ways to use it:
 *
 * - **Scratch** (transient): `wasmScratch(n)` returns a view of `n` bytes of free memory
 *   at the top of the arena. Fill it, then `crc32cScratch(offset, length)` (offsets
 *   relative to the view) or `crc32c(view.subarray(a, b))`. The bytes are not reserved:
 *   the next `wasmScratch` or `arenaAlloc` may hand out the same memory.
 * - **Allocations** (kept until reset): `arenaAlloc(n)` reserves `n` bytes (16-byte
 *   aligned) and returns their arena offset; `arenaView(offset, n)` views them and
 *   `crc32cArena(offset, n)` checksums them. `arenaUsed()` is a mark and
 *   `arenaReset(mark)` frees everything allocated after it (stack discipline).
 *
 * Lifetime rule for every view: it stays valid until the next `wasmScratch`/`arenaAlloc`
 * call that has to grow memory — growth detaches the old buffer (its views read as
 * length 0). Re-fetch views after allocating instead of holding them across calls.
 * `crc32c()` itself never grows memory, so it never invalidates views.
 *
 * Offsets are relative to the arena start, not absolute addresses.
 */
import { usageError } from '../errors.ts';
import { arenaCapacity, arenaLimit, ensureArenaBytes, heap } from './memory.ts';

const ALIGN = 16;

let used = 0;
let scratchStart = 0;
let scratchLength = 0;

function checkLength(name: string, n: number, limit: number): void {
  if (!Number.isSafeInteger(n) || n < 0 || n > limit) {
    throw usageError('OutOfBounds', `${name} must be an integer in [0, ${limit}], got ${String(n)}`, { [name]: n });
  }
}

function checkRange(offset: number, length: number, start: number, size: number, what: string): void {
  if (
    !Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 ||
    offset > size || length > size - offset
  ) {
    throw usageError('OutOfBounds', `${what} range [${offset}, +${length}) is outside [0, ${size})`, {
      offset,
      length,
      size,
      start,
    });
  }
}

const alignUp = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

/** Bytes currently allocated (use as a mark for `arenaReset`). */
export function arenaUsed(): number {
  return used;
}

/** Reserves `length` bytes and returns their arena offset (a multiple of 16). May grow memory. */
export function arenaAlloc(length: number): number {
  const h = heap();
  const limit = arenaLimit(h);
  const offset = alignUp(used);
  checkLength('length', length, Math.max(0, limit - offset));
  ensureArenaBytes(offset + length, h);
  used = offset + length;
  return offset;
}

/** Frees every allocation made after `mark` (a value `arenaUsed()` returned earlier). */
export function arenaReset(mark = 0): void {
  checkLength('mark', mark, used);
  used = mark;
}

/** A view of allocated arena bytes `[offset, offset + length)`. */
export function arenaView(offset: number, length: number): Uint8Array {
  const h = heap();
  checkRange(offset, length, 0, used, 'arena');
  return new Uint8Array(h.u8.buffer, h.arenaBase + offset, length);
}

/** CRC-32C of allocated arena bytes, without copying; `seed` continues a finished CRC. */
export function crc32cArena(offset: number, length: number, seed = 0): number {
  const h = heap();
  checkRange(offset, length, 0, used, 'arena');
  return h.k.crc32c(h.arenaBase + offset, length, seed) >>> 0;
}

/**
 * A view of `length` free bytes at the top of the arena (not reserved). Valid until the
 * next `wasmScratch`/`arenaAlloc` (see the lifetime rule above).
 */
export function wasmScratch(length: number): Uint8Array {
  const h = heap();
  const start = alignUp(used);
  checkLength('length', length, Math.max(0, arenaLimit(h) - start));
  ensureArenaBytes(start + length, h);
  scratchStart = start;
  scratchLength = length;
  return new Uint8Array(h.u8.buffer, h.arenaBase + start, length);
}

/** CRC-32C of bytes `[offset, offset + length)` of the last `wasmScratch` view, without copying. */
export function crc32cScratch(offset: number, length: number, seed = 0): number {
  const h = heap();
  checkRange(offset, length, scratchStart, scratchLength, 'scratch');
  return h.k.crc32c(h.arenaBase + scratchStart + offset, length, seed) >>> 0;
}

/** Arena bytes available without growing memory. */
export function arenaCommitted(): number {
  return arenaCapacity();
}
