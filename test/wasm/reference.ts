// Test-only CRC-32C references (FORMAT.md §15): a bitwise one that follows the definition
// literally, and a byte-table one fast enough for multi-megabyte inputs.
const POLY = 0x82f63b78;

export function crc32cBitwise(bytes: Uint8Array, seed = 0): number {
  let c = ~seed >>> 0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
  }
  return ~c >>> 0;
}

const TABLE = new Uint32Array(256);
for (let i = 0; i < 256; i++) TABLE[i] = crc32cBitwise(Uint8Array.of(i), 0xffffffff) ^ 0xffffffff;

export function crc32cTable(bytes: Uint8Array, seed = 0): number {
  let c = ~seed >>> 0;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** Deterministic pseudo-random bytes (xorshift32), so failures reproduce. */
export function pseudoRandomBytes(length: number, seed = 0x9e3779b9): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed | 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
