/**
 * Where encoded record payloads that rows keep (`StoredRow.encoded`) get their bytes: views
 * carved one after another out of shared chunks instead of one ArrayBuffer each.
 *
 * Why: a checkpoint copies every live row's payload into WebAssembly memory in primary-key
 * order. With one ArrayBuffer per record that is 100k separate backing stores visited in an
 * order unrelated to where they sit (each copy a cache miss, plus 100k buffers for the GC
 * to track); rows written in key order — bulk loads, increasing ids — now lie back to back
 * in a chunk, and `frameCheckpoint` copies such runs with one `set` each.
 *
 * Chunks are small (`CHUNK` bytes) because a chunk stays alive while any view of it does: a
 * row that outlives its neighbours keeps at most one chunk alive, not a transaction's worth.
 * Payloads larger than a quarter chunk get their own buffer (they gain nothing from sharing).
 * Views are never written after they are handed out (rows and their payloads are immutable).
 */
export const CHUNK = 16 * 1024;

export class RecordSlab {
  private chunk = new Uint8Array(0);
  private at = 0;

  /** `length` fresh bytes, contiguous with the previous allocation when it fits. */
  alloc(length: number): Uint8Array {
    if (length > CHUNK >> 2) return new Uint8Array(length);
    if (length > this.chunk.length - this.at) {
      this.chunk = new Uint8Array(CHUNK);
      this.at = 0;
    }
    const start = this.at;
    this.at = start + length;
    return this.chunk.subarray(start, this.at);
  }
}
