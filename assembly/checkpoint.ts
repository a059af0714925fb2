// Checkpoint payload framing (FORMAT.md §11.1): the pieces (catalog payloads, record
// payloads, one index payload) are already encoded somewhere in memory; these kernels write
// the envelope around them — version, replay offset, counts, u32 length prefixes — copying
// each piece once. The caller streams the pieces through in batches (so they are copied
// from a staging window that stays in cache) and checksums the payload with `crc32c` as
// each batch is written.
//
// A payload is `checkpointHead`, then `checkpointPieces` calls in order: the catalog list
// (with its count), the record list (its count with the first batch), and the index blob as
// one more piece without a count (the record list may also go in one call, through a
// permutation). `desc` is a table of (u32 address, u32 length) pairs. The
// caller sizes the output exactly (it knows every length) and keeps it disjoint from the
// pieces.

/** Writes version 0 and the replay offset at `out`; returns where the catalog count goes. */
export function checkpointHead(out: usize, replayLo: u32, replayHi: u32): usize {
  store<u16>(out, 0);
  store<u32>(out, replayLo, 2);
  store<u32>(out, replayHi, 6);
  return out + 10;
}

/**
 * Writes `count` at `p` when `withCount` is non-zero, then `n` pieces behind their u32
 * lengths, and returns the end. Piece i is `desc` entry i, or entry `perm[i]` when `perm`
 * (n u32 indices) is non-zero: the table can then stay in the order the pieces were
 * gathered in (where they sat in memory) while the payload lists them in key order.
 */
export function checkpointPieces(desc: usize, n: u32, p: usize, withCount: u32, count: u32, perm: usize): usize {
  if (withCount != 0) {
    store<u32>(p, count);
    p += 4;
  }
  for (let i: u32 = 0; i < n; i++) {
    const d = perm == 0 ? desc + (<usize>i << 3) : desc + (<usize>load<u32>(perm + (<usize>i << 2)) << 3);
    const len = load<u32>(d + 4);
    store<u32>(p, len);
    memory.copy(p + 4, <usize>load<u32>(d), len);
    p += 4 + <usize>len;
  }
  return p;
}
