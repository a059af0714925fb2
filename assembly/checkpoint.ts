// Checkpoint payload framing (FORMAT.md §11.1): the pieces (catalog payloads, record
// payloads, one index payload) are already encoded somewhere in memory; this kernel writes
// the envelope around them — version, replay offset, counts, u32 length prefixes — copying
// each piece once, then checksums the result while it is still hot in cache.
//
// `desc` is a table of (u32 address, u32 length) pairs: nCatalog catalog pieces, then
// nRecords record pieces, then the index blob. The caller sizes `out` exactly (it knows
// every length) and keeps it disjoint from the pieces.
import { crc32c } from './crc32c';

function frameList(desc: usize, n: u32, p: usize): usize {
  store<u32>(p, n);
  p += 4;
  for (let i: u32 = 0; i < n; i++) {
    const len = load<u32>(desc + 4);
    store<u32>(p, len);
    memory.copy(p + 4, <usize>load<u32>(desc), len);
    p += 4 + <usize>len;
    desc += 8;
  }
  return p;
}

/** Writes the whole payload at `out` and returns its CRC-32C. */
export function checkpointFrame(desc: usize, nCatalog: u32, nRecords: u32, out: usize, replayLo: u32, replayHi: u32): u32 {
  store<u16>(out, 0);
  store<u32>(out, replayLo, 2);
  store<u32>(out, replayHi, 6);
  let p = frameList(desc, nCatalog, out + 10);
  desc += <usize>nCatalog << 3;
  p = frameList(desc, nRecords, p);
  desc += <usize>nRecords << 3;
  const len = load<u32>(desc + 4);
  store<u32>(p, len);
  memory.copy(p + 4, <usize>load<u32>(desc), len);
  return crc32c(out, p + 4 + <usize>len - out, 0);
}
