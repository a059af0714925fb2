/**
 * CRC-32C (Castagnoli) as stored in every ModelVault checksum (FORMAT.md §15), computed by
 * the WebAssembly kernel. `seed` is a previous finished CRC to continue, so
 * `crc32c(b, crc32c(a)) === crc32c(concat(a, b))`.
 *
 * Bytes that already live in WebAssembly memory (views from arena.ts) are checksummed in
 * place; anything else is copied into a fixed window in chunks, which never grows memory.
 * Small inputs are always copied: reading `bytes.buffer` costs more than copying them.
 */
import { usageError } from '../errors.ts';
import { COPY_WINDOW, heap } from './memory.ts';

const ZERO_COPY_MIN = 1024;

export function crc32c(bytes: Uint8Array, seed = 0): number {
  const h = heap();
  if (!(bytes instanceof Uint8Array)) {
    throw usageError('InvalidArgument', 'crc32c expects a Uint8Array', { got: typeof bytes });
  }
  const k = h.k;
  const n = bytes.length;
  if (n >= ZERO_COPY_MIN && bytes.buffer === h.u8.buffer) return k.crc32c(bytes.byteOffset, n, seed) >>> 0;
  if (n <= COPY_WINDOW) {
    h.u8.set(bytes, h.copyBase);
    return k.crc32c(h.copyBase, n, seed) >>> 0;
  }
  let crc = seed;
  for (let at = 0; at < n; at += COPY_WINDOW) {
    const chunk = bytes.subarray(at, Math.min(n, at + COPY_WINDOW));
    h.u8.set(chunk, h.copyBase);
    crc = k.crc32c(h.copyBase, chunk.length, crc);
  }
  return crc >>> 0;
}

export const crc32cUpdate = (crc: number, bytes: Uint8Array): number => crc32c(bytes, crc);
