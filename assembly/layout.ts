// Fixed memory map of the kernel module. Everything below SCRATCH_BASE belongs to the
// kernels (tables built by init(), no data segments so the binary stays small enough
// for synchronous compilation); everything from SCRATCH_BASE up is the JS-managed arena.
// Later kernels take their table space from the free range [KERNEL_FREE, SCRATCH_BASE).

/** 16 slicing tables of 256 u32 each: table k maps a byte to its CRC after k more zero bytes. */
export const CRC_TABLES: usize = 0x0400;
/**
 * One 4 KiB set per SIMD lane length (3 sets): 4 byte tables of 256 u32 holding the
 * linear map "append `lane` zero bytes" to a CRC register.
 */
export const CRC_SHIFTS: usize = CRC_TABLES + 16 * 1024;
/** 8 v128 nibble tables: low-nibble then high-nibble table for each of the 4 CRC bytes. */
export const CRC_NIBBLES: usize = CRC_SHIFTS + 3 * 4096;
/** 256-byte staging area for the transposed 16x16 block (and the 16 lane CRCs). */
export const CRC_STAGE: usize = CRC_NIBBLES + 128;
/** 256-byte staging area for the half-transposed block. */
export const CRC_HALF: usize = CRC_STAGE + 256;
/** Widest key the radix sort takes (radix.ts). */
export const RADIX_MAX_WIDTH: usize = 16;
/** The radix sort's digit counters: 256 u32 per key byte position. */
export const RADIX_COUNTS: usize = CRC_HALF + 256;
export const KERNEL_FREE: usize = RADIX_COUNTS + RADIX_MAX_WIDTH * 1024;

export const SCRATCH_BASE: usize = 0x10000;
