// CRC-32C (Castagnoli, reflected 0x82F63B78, init/xorout 0xFFFFFFFF), FORMAT.md §15.
//
// Two paths:
// * Inputs of at least 16 * SIMD_LANE_SHORT bytes run through a SIMD kernel that treats a
//   block as 16 contiguous lanes, transposes 16x16 byte tiles so one v128 holds the next
//   byte of every lane, and advances 16 lane CRCs at once with nibble tables
//   (i8x16.swizzle): wasm has no carry-less multiply, but a byte-table CRC step is linear,
//   so T[b] = Tlo[b & 15] ^ Thi[b >> 4], and each CRC byte is one 16-entry table. The 16
//   lane CRCs are then folded in order with a "shift by lane length" table.
// * The rest (short inputs and tails) uses scalar slicing-by-16.
import {
  CRC_NIBBLES, CRC_SHIFT_LONG, CRC_SHIFT_SHORT, CRC_STAGE, CRC_TABLES,
} from './layout';

const POLY: u32 = 0x82f63b78;
const SIMD_LANE_LONG: usize = 256;
const SIMD_LANE_SHORT: usize = 64;

/** Advances a raw CRC register over `n` zero bytes (init only). */
function appendZeros(r: u32, n: usize): u32 {
  for (let i: usize = 0; i < n; i++) r = load<u32>(CRC_TABLES + ((r & 0xff) << 2)) ^ (r >> 8);
  return r;
}

function buildShiftTable(at: usize, zeros: usize): void {
  // The map is linear over GF(2): fill the 32 single-bit images, then every byte entry
  // is the XOR of the images of its set bits.
  for (let k: usize = 0; k < 4; k++) {
    const tab = at + (k << 10);
    store<u32>(tab, 0);
    for (let bit: usize = 0; bit < 8; bit++) {
      const image = appendZeros(<u32>1 << <u32>(k * 8 + bit), zeros);
      const step: usize = <usize>1 << bit;
      for (let i: usize = 0; i < step; i++) store<u32>(tab + ((step + i) << 2), load<u32>(tab + (i << 2)) ^ image);
    }
  }
}

export function crc32cInit(): void {
  for (let i: u32 = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >> 1) ^ POLY : c >> 1;
    store<u32>(CRC_TABLES + (i << 2), c);
  }
  for (let t: usize = 1; t < 16; t++) {
    for (let i: usize = 0; i < 256; i++) {
      const prev = load<u32>(CRC_TABLES + ((t - 1) << 10) + (i << 2));
      store<u32>(CRC_TABLES + (t << 10) + (i << 2), load<u32>(CRC_TABLES + ((prev & 0xff) << 2)) ^ (prev >> 8));
    }
  }
  buildShiftTable(CRC_SHIFT_LONG, SIMD_LANE_LONG);
  buildShiftTable(CRC_SHIFT_SHORT, SIMD_LANE_SHORT);
  for (let k: usize = 0; k < 4; k++) {
    for (let i: usize = 0; i < 16; i++) {
      store<u8>(CRC_NIBBLES + (k << 4) + i, <u8>(load<u32>(CRC_TABLES + (i << 2)) >> <u32>(k << 3)));
      store<u8>(CRC_NIBBLES + 64 + (k << 4) + i, <u8>(load<u32>(CRC_TABLES + (i << 6)) >> <u32>(k << 3)));
    }
  }
}

// @ts-ignore: decorator
@inline function slice16(c: u32, p: usize): u32 {
  // Indices are pre-scaled by 4 ((x >> 6) & 0x3fc rather than ((x >> 8) & 0xff) << 2);
  // bytes that do not mix with the register are loaded directly, which trades an ALU op
  // for a load.
  // Only the first four lookups depend on the incoming register: XOR the other twelve
  // first (off the critical path) and the dependent ones in a shallow tree last, so the
  // loop-carried latency is one load plus a few XORs instead of a 16-deep XOR chain.
  const d = ((load<u32>(<usize>load<u8>(p, 4) << 2, CRC_TABLES + 11 * 1024)
    ^ load<u32>(<usize>load<u8>(p, 5) << 2, CRC_TABLES + 10 * 1024))
    ^ (load<u32>(<usize>load<u8>(p, 6) << 2, CRC_TABLES + 9 * 1024)
    ^ load<u32>(<usize>load<u8>(p, 7) << 2, CRC_TABLES + 8 * 1024)))
    ^ ((load<u32>(<usize>load<u8>(p, 8) << 2, CRC_TABLES + 7 * 1024)
    ^ load<u32>(<usize>load<u8>(p, 9) << 2, CRC_TABLES + 6 * 1024))
    ^ (load<u32>(<usize>load<u8>(p, 10) << 2, CRC_TABLES + 5 * 1024)
    ^ load<u32>(<usize>load<u8>(p, 11) << 2, CRC_TABLES + 4 * 1024)))
    ^ ((load<u32>(<usize>load<u8>(p, 12) << 2, CRC_TABLES + 3 * 1024)
    ^ load<u32>(<usize>load<u8>(p, 13) << 2, CRC_TABLES + 2 * 1024))
    ^ (load<u32>(<usize>load<u8>(p, 14) << 2, CRC_TABLES + 1 * 1024)
    ^ load<u32>(<usize>load<u8>(p, 15) << 2, CRC_TABLES)));
  const x = load<u32>(p) ^ c;
  return d ^ ((load<u32>((x << 2) & 0x3fc, CRC_TABLES + 15 * 1024)
    ^ load<u32>((x >> 6) & 0x3fc, CRC_TABLES + 14 * 1024))
    ^ (load<u32>((x >> 14) & 0x3fc, CRC_TABLES + 13 * 1024)
    ^ load<u32>((x >> 24) << 2, CRC_TABLES + 12 * 1024)));
}

// @ts-ignore: decorator
@inline function shift(c: u32, tab: usize): u32 {
  return load<u32>(tab + ((c << 2) & 0x3fc)) ^ load<u32>(tab + ((c >> 6) & 0x3fc), 0x400)
    ^ load<u32>(tab + ((c >> 14) & 0x3fc), 0x800) ^ load<u32>(tab + ((c >> 24) << 2), 0xc00);
}

// @ts-ignore: decorator
@inline function zipLo(a: v128, b: v128): v128 {
  return i8x16.shuffle(a, b, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
}
// @ts-ignore: decorator
@inline function zipHi(a: v128, b: v128): v128 {
  return i8x16.shuffle(a, b, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
}

/**
 * Raw register `c` advanced over `blocks` blocks of 16 lanes x `lane` bytes at `p`
 * (`lane` a multiple of 16); `shiftTab` appends `lane` zero bytes.
 */
function simdBlocks(c: u32, p: usize, blocks: usize, lane: usize, shiftTab: usize): u32 {
  const lo0 = v128.load(CRC_NIBBLES), lo1 = v128.load(CRC_NIBBLES, 16);
  const lo2 = v128.load(CRC_NIBBLES, 32), lo3 = v128.load(CRC_NIBBLES, 48);
  const hi0 = v128.load(CRC_NIBBLES, 64), hi1 = v128.load(CRC_NIBBLES, 80);
  const hi2 = v128.load(CRC_NIBBLES, 96), hi3 = v128.load(CRC_NIBBLES, 112);
  const nib = i8x16.splat(0x0f);
  const zero = i8x16.splat(0);
  for (; blocks > 0; blocks--) {
    // Byte-sliced lane registers: cK holds byte K of the 16 lane CRCs. Lane 0 continues
    // `c`; the other lanes start from 0 and are folded in afterwards.
    let c0 = i8x16.replace_lane(zero, 0, <i8>c);
    let c1 = i8x16.replace_lane(zero, 0, <i8>(c >> 8));
    let c2 = i8x16.replace_lane(zero, 0, <i8>(c >> 16));
    let c3 = i8x16.replace_lane(zero, 0, <i8>(c >> 24));
    const end = p + lane;
    for (; p < end; p += 16) {
      // Four zip rounds pairing row i with row i+8 transpose a 16x16 byte tile: afterwards
      // vector t holds byte t of every lane.
      const l1 = lane, l2 = lane * 2, l3 = lane * 3, l4 = lane * 4, l5 = lane * 5, l6 = lane * 6;
      const l7 = lane * 7, l8 = lane * 8;
      const q = p + l8;
      const a0 = v128.load(p), a1 = v128.load(p + l1), a2 = v128.load(p + l2), a3 = v128.load(p + l3);
      const a4 = v128.load(p + l4), a5 = v128.load(p + l5), a6 = v128.load(p + l6), a7 = v128.load(p + l7);
      const a8 = v128.load(q), a9 = v128.load(q + l1), a10 = v128.load(q + l2), a11 = v128.load(q + l3);
      const a12 = v128.load(q + l4), a13 = v128.load(q + l5), a14 = v128.load(q + l6), a15 = v128.load(q + l7);
      const b0 = zipLo(a0, a8), b1 = zipHi(a0, a8), b2 = zipLo(a1, a9), b3 = zipHi(a1, a9);
      const b4 = zipLo(a2, a10), b5 = zipHi(a2, a10), b6 = zipLo(a3, a11), b7 = zipHi(a3, a11);
      const b8 = zipLo(a4, a12), b9 = zipHi(a4, a12), b10 = zipLo(a5, a13), b11 = zipHi(a5, a13);
      const b12 = zipLo(a6, a14), b13 = zipHi(a6, a14), b14 = zipLo(a7, a15), b15 = zipHi(a7, a15);
      const d0 = zipLo(b0, b8), d1 = zipHi(b0, b8), d2 = zipLo(b1, b9), d3 = zipHi(b1, b9);
      const d4 = zipLo(b2, b10), d5 = zipHi(b2, b10), d6 = zipLo(b3, b11), d7 = zipHi(b3, b11);
      const d8 = zipLo(b4, b12), d9 = zipHi(b4, b12), d10 = zipLo(b5, b13), d11 = zipHi(b5, b13);
      const d12 = zipLo(b6, b14), d13 = zipHi(b6, b14), d14 = zipLo(b7, b15), d15 = zipHi(b7, b15);
      const e0 = zipLo(d0, d8), e1 = zipHi(d0, d8), e2 = zipLo(d1, d9), e3 = zipHi(d1, d9);
      const e4 = zipLo(d2, d10), e5 = zipHi(d2, d10), e6 = zipLo(d3, d11), e7 = zipHi(d3, d11);
      const e8 = zipLo(d4, d12), e9 = zipHi(d4, d12), e10 = zipLo(d5, d13), e11 = zipHi(d5, d13);
      const e12 = zipLo(d6, d14), e13 = zipHi(d6, d14), e14 = zipLo(d7, d15), e15 = zipHi(d7, d15);
      v128.store(CRC_STAGE, zipLo(e0, e8)); v128.store(CRC_STAGE, zipHi(e0, e8), 16);
      v128.store(CRC_STAGE, zipLo(e1, e9), 32); v128.store(CRC_STAGE, zipHi(e1, e9), 48);
      v128.store(CRC_STAGE, zipLo(e2, e10), 64); v128.store(CRC_STAGE, zipHi(e2, e10), 80);
      v128.store(CRC_STAGE, zipLo(e3, e11), 96); v128.store(CRC_STAGE, zipHi(e3, e11), 112);
      v128.store(CRC_STAGE, zipLo(e4, e12), 128); v128.store(CRC_STAGE, zipHi(e4, e12), 144);
      v128.store(CRC_STAGE, zipLo(e5, e13), 160); v128.store(CRC_STAGE, zipHi(e5, e13), 176);
      v128.store(CRC_STAGE, zipLo(e6, e14), 192); v128.store(CRC_STAGE, zipHi(e6, e14), 208);
      v128.store(CRC_STAGE, zipLo(e7, e15), 224); v128.store(CRC_STAGE, zipHi(e7, e15), 240);
      for (let s: usize = CRC_STAGE; s < CRC_STAGE + 256; s += 16) {
        // One table step, crc = T[(crc ^ b) & 0xff] ^ (crc >> 8), for 16 lanes.
        const x = v128.xor(c0, v128.load(s));
        const lo = v128.and(x, nib);
        const hi = v128.and(i16x8.shr_u(x, 4), nib);
        c0 = v128.xor(v128.xor(c1, i8x16.swizzle(lo0, lo)), i8x16.swizzle(hi0, hi));
        c1 = v128.xor(v128.xor(c2, i8x16.swizzle(lo1, lo)), i8x16.swizzle(hi1, hi));
        c2 = v128.xor(v128.xor(c3, i8x16.swizzle(lo2, lo)), i8x16.swizzle(hi2, hi));
        c3 = v128.xor(i8x16.swizzle(lo3, lo), i8x16.swizzle(hi3, hi));
      }
    }
    p += lane * 15;
    // Re-interleave the byte slices into 16 u32 lane CRCs, then fold them in message
    // order: crc = shift(crc) ^ lane_i.
    const w01 = zipLo(c0, c1), x01 = zipHi(c0, c1), w23 = zipLo(c2, c3), x23 = zipHi(c2, c3);
    v128.store(CRC_STAGE, i16x8.shuffle(w01, w23, 0, 8, 1, 9, 2, 10, 3, 11));
    v128.store(CRC_STAGE, i16x8.shuffle(w01, w23, 4, 12, 5, 13, 6, 14, 7, 15), 16);
    v128.store(CRC_STAGE, i16x8.shuffle(x01, x23, 0, 8, 1, 9, 2, 10, 3, 11), 32);
    v128.store(CRC_STAGE, i16x8.shuffle(x01, x23, 4, 12, 5, 13, 6, 14, 7, 15), 48);
    c = load<u32>(CRC_STAGE);
    for (let s: usize = CRC_STAGE + 4; s < CRC_STAGE + 64; s += 4) c = shift(c, shiftTab) ^ load<u32>(s);
  }
  return c;
}

/** CRC-32C of `len` bytes at `ptr`, continuing the finished CRC `seed` (0 to start). */
export function crc32c(ptr: usize, len: usize, seed: u32): u32 {
  let c = ~seed;
  let p = ptr, n = len;
  const longBlock: usize = SIMD_LANE_LONG << 4, shortBlock: usize = SIMD_LANE_SHORT << 4;
  if (n >= longBlock) {
    const blocks = n / longBlock;
    c = simdBlocks(c, p, blocks, SIMD_LANE_LONG, CRC_SHIFT_LONG);
    p += blocks * longBlock;
    n -= blocks * longBlock;
  }
  if (n >= shortBlock) {
    const blocks = n / shortBlock;
    c = simdBlocks(c, p, blocks, SIMD_LANE_SHORT, CRC_SHIFT_SHORT);
    p += blocks * shortBlock;
    n -= blocks * shortBlock;
  }
  for (; n >= 16; n -= 16, p += 16) c = slice16(c, p);
  for (; n > 0; n--, p++) c = load<u32>(CRC_TABLES + (((c ^ <u32>load<u8>(p)) & 0xff) << 2)) ^ (c >> 8);
  return ~c;
}
