// Entry of the kernel module: JS calls init() once after instantiation, then the kernels.
// The module exports its memory; the arena above SCRATCH_BASE is managed from JS.
import { crc32cInit } from './crc32c';
import { SCRATCH_BASE } from './layout';

export { crc32c } from './crc32c';
export { checkpointHead, checkpointPieces } from './checkpoint';
export { radixOrder } from './radix';

/** Builds every kernel's lookup tables in memory (they are not shipped as data). */
export function init(): void {
  crc32cInit();
}

/** First byte of the JS-managed arena; everything below belongs to the kernels. */
export function scratchBase(): usize {
  return SCRATCH_BASE;
}
