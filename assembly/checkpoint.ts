// Checkpoint payload framing (FORMAT.md §11.1): the pieces (catalog payloads, record
// payloads, one index payload) are already encoded somewhere in memory; these kernels write
// the envelope around them — version, replay offset, counts, u32 length prefixes — copying
// each piece once. The caller streams the pieces through in batches (so they are copied
// from a staging window that stays in cache) and checksums the payload with `crc32c` as
// each batch is written.
//
// A payload is `checkpointHead`, then `checkpointPieces` calls in order: the catalog list
// (with its count), the record list (its count with the first batch), and the index blob as
// one more piece without a count. `desc` is a table of (u32 address, u32 length) pairs. The
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
 * Writes `count` at `p` when `withCount` is non-zero, then the `n` pieces of `desc`, each
 * behind its u32 length; returns the end.
 */
export function checkpointPieces(desc: usize, n: u32, p: usize, withCount: u32, count: u32): usize {
  if (withCount != 0) {
    store<u32>(p, count);
    p += 4;
  }
  for (let i: u32 = 0; i < n; i++) {
    const len = load<u32>(desc + 4);
    store<u32>(p, len);
    memory.copy(p + 4, <usize>load<u32>(desc), len);
    p += 4 + <usize>len;
    desc += 8;
  }
  return p;
}
