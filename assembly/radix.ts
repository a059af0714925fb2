// Key ordering for checkpoints (FORMAT.md §11.2 orders rows and index entries by canonical
// key bytes): an LSD radix sort of n fixed-width keys laid out back to back, producing the
// permutation, not the sorted keys. One pass counts every byte position at once; positions
// where every key agrees (the high bytes of small integers) are then skipped, so 100k int64
// keys below 2^24 take that pass plus 3 scatter passes.
import { RADIX_COUNTS, RADIX_MAX_WIDTH } from './layout';

/**
 * Sorts indices 0..n-1 by the `w`-byte keys at `keys` (key i at keys + i * w), stably.
 * `a` and `b` are n-u32 work areas; returns whichever holds the result. `w` is at most
 * RADIX_MAX_WIDTH.
 */
export function radixOrder(keys: usize, n: u32, w: u32, a: usize, b: usize): usize {
  for (let i: u32 = 0; i < n; i++) store<u32>(a + (<usize>i << 2), i);
  if (n < 2 || w == 0 || w > RADIX_MAX_WIDTH) return a;
  // counts for position j at RADIX_COUNTS + j * 1 KiB
  memory.fill(RADIX_COUNTS, 0, <usize>w << 10);
  let at = keys;
  for (let i: u32 = 0; i < n; i++) {
    for (let j: usize = 0; j < <usize>w; j++) {
      const c = RADIX_COUNTS + (j << 10) + (<usize>load<u8>(at + j) << 2);
      store<u32>(c, load<u32>(c) + 1);
    }
    at += <usize>w;
  }
  let pos = <usize>w;
  while (pos > 0) {
    pos--;
    const counts = RADIX_COUNTS + (pos << 10);
    if (load<u32>(counts + (<usize>load<u8>(keys + pos) << 2)) == n) continue;
    // Counts become start offsets.
    let sum: u32 = 0;
    for (let d: usize = 0; d < 256; d++) {
      const c = counts + (d << 2);
      const k = load<u32>(c);
      store<u32>(c, sum);
      sum += k;
    }
    for (let i: u32 = 0; i < n; i++) {
      const k = load<u32>(a + (<usize>i << 2));
      const c = counts + (<usize>load<u8>(keys + <usize>k * <usize>w + pos) << 2);
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
