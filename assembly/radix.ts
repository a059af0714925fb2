// Key ordering for checkpoints (FORMAT.md §11.2 orders rows and index entries by canonical
// key bytes): an LSD radix sort of n fixed-width keys laid out back to back, producing the
// permutation, not the sorted keys. Byte positions where every key agrees (the high bytes
// of small integers) are skipped, so 100k int64 keys below 2^24 take 3 passes.
import { RADIX_COUNTS } from './layout';

/**
 * Sorts indices 0..n-1 by the `w`-byte keys at `keys` (key i at keys + i * w), stably.
 * `a` and `b` are n-u32 work areas; returns whichever holds the result.
 */
export function radixOrder(keys: usize, n: u32, w: u32, a: usize, b: usize): usize {
  for (let i: u32 = 0; i < n; i++) store<u32>(a + (<usize>i << 2), i);
  if (n < 2) return a;
  let pos = w;
  while (pos > 0) {
    pos--;
    memory.fill(RADIX_COUNTS, 0, 256 << 2);
    let at = keys + <usize>pos;
    for (let i: u32 = 0; i < n; i++) {
      const c = RADIX_COUNTS + (<usize>load<u8>(at) << 2);
      store<u32>(c, load<u32>(c) + 1);
      at += <usize>w;
    }
    if (load<u32>(RADIX_COUNTS + (<usize>load<u8>(keys + <usize>pos) << 2)) == n) continue;
    // Counts become start offsets.
    let sum: u32 = 0;
    for (let d: usize = 0; d < 256; d++) {
      const c = RADIX_COUNTS + (d << 2);
      const k = load<u32>(c);
      store<u32>(c, sum);
      sum += k;
    }
    for (let i: u32 = 0; i < n; i++) {
      const k = load<u32>(a + (<usize>i << 2));
      const c = RADIX_COUNTS + (<usize>load<u8>(keys + <usize>k * <usize>w + <usize>pos) << 2);
      const slot = load<u32>(c);
      store<u32>(c, slot + 1);
      store<u32>(b + (<usize>slot << 2), k);
    }
    const t = a;
    a = b;
    b = t;
  }
  return a;
}
