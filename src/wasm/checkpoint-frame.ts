/**
 * Thin wrapper over the checkpoint framing kernels (assembly/checkpoint.ts): streams the
 * already-encoded pieces through a staging window in WebAssembly memory (pieces that
 * already live there are referenced in place), builds each batch's (address, length) table,
 * and lets the kernels write the framed payload; the CRC-32C kernel checksums each batch's
 * output while it is still in cache. This layer knows the envelope's shape only through the
 * kernels; the segment header around it is the caller's business (`headroom` bytes are left
 * free in front of the payload so header + payload form one contiguous view to append).
 *
 * Why a window rather than one input area holding every piece: the pieces are small and
 * many (one per row), read from all over the JS heap; copied into 1 MiB batches they are
 * framed from cache, and the arena needs the payload's size plus one window instead of
 * twice the payload's size — fresh WebAssembly pages are zero-filled by the OS on first
 * touch, which costs as much as the copying.
 */
import { usageError } from '../errors.ts';
import { arenaAlloc, arenaReset, arenaUsed } from './arena.ts';
import { heap } from './memory.ts';

export interface FramedPayload {
  /** `headroom` free bytes, then the payload. A view of WebAssembly memory (see `release`). */
  readonly view: Uint8Array;
  readonly payloadLength: number;
  readonly crc: number;
  /** Frees the arena space; the view must not be used afterwards. */
  release(): void;
}

/**
 * What the caller already knows (a checkpoint sums these while gathering the pieces): with
 * them the pieces are visited once instead of twice. Only for pieces that do not live in
 * WebAssembly memory (row payloads never do: growing memory would detach them).
 */
export interface KnownSizes {
  /** `framedCheckpointLength` of the pieces. */
  readonly payloadLength: number;
  /** Length of the longest piece. */
  readonly largestPiece: number;
  /**
   * The payload's record order when `records` is not in it: the j-th record framed is
   * `records[recordOrder[j]]` (a permutation of the indices). The records are then staged
   * all at once, in the order given — pass them in the order they sit in memory (a row
   * table's insertion order) and the copy streams instead of missing the cache per row.
   */
  readonly recordOrder?: ArrayLike<number> | null;
  /** Total length of `records`; required with `recordOrder`. */
  readonly recordBytes?: number;
}

const U32_MAX = 0xffff_ffff;
const ENVELOPE_FIXED = 2 + 8 + 4 + 4 + 4;
/** Staging bytes per batch (a longer piece gets a batch of its own). */
const WINDOW = 1 << 20;
/** Table entries per batch. */
const BATCH = 8192;

function tooLarge(what: string, n: number): never {
  throw usageError('OutOfBounds', `checkpoint ${what} exceeds the u32 range of the format: ${n}`, { [what]: n });
}

/**
 * Frames FORMAT.md §11.1 (version 0) around `catalog`, `records` and `indexBlob`.
 * Throws `Usage.OutOfBounds` when a count or length exceeds u32, `known` does not match the
 * pieces, or the arena cannot hold the window plus the payload, `Io.OutOfMemory` when
 * memory cannot grow.
 */
export function frameCheckpoint(
  catalog: readonly Uint8Array[],
  records: readonly Uint8Array[],
  indexBlob: Uint8Array,
  replayFromOffset: bigint,
  headroom = 0,
  known?: KnownSizes,
): FramedPayload {
  if (replayFromOffset < 0n || replayFromOffset > 0xffff_ffff_ffff_ffffn) tooLarge('replayFromOffset', Number(replayFromOffset));
  if (catalog.length > U32_MAX) tooLarge('catalogCount', catalog.length);
  if (records.length > U32_MAX) tooLarge('recordCount', records.length);
  let h = heap();
  let payloadLength: number;
  let largest: number;
  // Addresses of pieces already in wasm memory, taken now: growing memory below detaches
  // their views but keeps their bytes where they are. (Only built when such pieces exist.)
  let inPlace: Map<Uint8Array, number> | null = null;
  if (known === undefined) {
    payloadLength = ENVELOPE_FIXED - 4;
    largest = 0;
    const wasmBuffer = h.u8.buffer;
    const scan = (p: Uint8Array) => {
      if (p.length > U32_MAX) tooLarge('pieceLength', p.length);
      payloadLength += 4 + p.length;
      if (p.buffer === wasmBuffer) (inPlace ??= new Map()).set(p, p.byteOffset);
      else if (p.length > largest) largest = p.length;
    };
    for (const p of catalog) scan(p);
    for (const p of records) scan(p);
    scan(indexBlob);
  } else {
    payloadLength = known.payloadLength;
    largest = known.largestPiece;
    if (!Number.isSafeInteger(payloadLength) || payloadLength < ENVELOPE_FIXED || !Number.isSafeInteger(largest) || largest < 0) {
      throw usageError('OutOfBounds', 'checkpoint sizes must be non-negative integers', { payloadLength, largestPiece: largest });
    }
    if (largest > U32_MAX) tooLarge('pieceLength', largest);
  }

  const order = known?.recordOrder ?? null;
  const nRecords = records.length;
  let recordBytes = 0;
  if (order !== null) {
    recordBytes = known?.recordBytes ?? -1;
    if (!Number.isSafeInteger(recordBytes) || recordBytes < 0 || order.length !== nRecords) {
      throw usageError('OutOfBounds', 'a record order needs the records\' total length and one index per record', {
        recordBytes,
        orderLength: order.length,
      });
    }
  }

  const mark = arenaUsed();
  try {
    const descAt = arenaAlloc(BATCH * 8);
    const windowAt = arenaAlloc(Math.max(WINDOW, largest));
    // With a record order: every record's table entry, the permutation, the records.
    const recordDescAt = order === null ? 0 : arenaAlloc(nRecords * 8);
    const permAt = order === null ? 0 : arenaAlloc(nRecords * 4);
    const stageAt = order === null ? 0 : arenaAlloc(recordBytes);
    const outAt = arenaAlloc(headroom + payloadLength);
    // Allocation may have grown memory: every address below is taken after the last alloc.
    h = heap();
    const { k, u8 } = h;
    const dv = new DataView(u8.buffer);
    const desc = h.arenaBase + descAt;
    const window = h.arenaBase + windowAt;
    const out = h.arenaBase + outAt + headroom;
    const end = out + payloadLength;
    let p = k.checkpointHead(out, Number(replayFromOffset & 0xffff_ffffn), Number(replayFromOffset >> 32n)) >>> 0;
    let crc = k.crc32c(out, p - out, 0) >>> 0;
    let inBatch = 0;
    let filled = 0;
    // Bytes the batch will write (lengths + pieces), checked against the output's end
    // before the kernel writes them: `known` may be wrong.
    let pending = 0;
    let withCount = 0;
    let count = 0;
    const flush = () => {
      if (pending > end - p) throw usageError('OutOfBounds', 'checkpoint pieces exceed the stated payload length', { payloadLength });
      const from = p;
      p = k.checkpointPieces(desc, inBatch, p, withCount, count, 0) >>> 0;
      crc = k.crc32c(from, p - from, crc) >>> 0;
      inBatch = 0;
      filled = 0;
      pending = 0;
      withCount = 0;
    };
    const add = (piece: Uint8Array) => {
      const len = piece.length;
      const there = inPlace === null ? undefined : inPlace.get(piece);
      if (there === undefined && filled > 0 && len > WINDOW - filled) flush();
      else if (inBatch === BATCH) flush();
      let addr: number;
      if (there === undefined) {
        if (len > largest) throw usageError('OutOfBounds', 'checkpoint piece longer than the stated largest piece', { length: len });
        addr = window + filled;
        u8.set(piece, addr);
        filled += len;
      } else {
        addr = there;
      }
      const at = desc + inBatch * 8;
      dv.setUint32(at, addr, true);
      dv.setUint32(at + 4, len, true);
      inBatch++;
      pending += 4 + len;
    };
    // Each list's count goes out with its first batch (alone, for an empty list).
    const list = (pieces: readonly Uint8Array[]) => {
      if (inBatch > 0 || withCount !== 0) flush();
      withCount = 1;
      count = pieces.length;
      pending = 4;
      for (let i = 0; i < pieces.length; i++) add(pieces[i]!);
    };
    list(catalog);
    if (order === null) {
      list(records);
    } else {
      if (inBatch > 0 || withCount !== 0) flush();
      const recordDesc = h.arenaBase + recordDescAt;
      const perm = h.arenaBase + permAt;
      stageRecords(u8, dv, records, h.arenaBase + stageAt, recordBytes, recordDesc);
      writePermutation(dv, order, nRecords, perm);
      if (4 + 4 * nRecords + recordBytes > end - p) {
        throw usageError('OutOfBounds', 'checkpoint pieces exceed the stated payload length', { payloadLength });
      }
      // In batches, each checksummed right after it is written (still in cache).
      for (let j = 0; j === 0 || j < nRecords; j += BATCH) {
        const from = p;
        p = k.checkpointPieces(recordDesc, Math.min(BATCH, nRecords - j), p, j === 0 ? 1 : 0, nRecords, perm + j * 4) >>> 0;
        crc = k.crc32c(from, p - from, crc) >>> 0;
      }
    }
    add(indexBlob);
    flush();
    if (p !== end) throw usageError('OutOfBounds', 'checkpoint pieces fall short of the stated payload length', { payloadLength });
    const view = new Uint8Array(u8.buffer, h.arenaBase + outAt, headroom + payloadLength);
    let released = false;
    return {
      view,
      payloadLength,
      crc,
      release() {
        if (released) return;
        released = true;
        arenaReset(mark);
      },
    };
  } catch (e) {
    arenaReset(mark);
    throw e;
  }
}

/**
 * Copies `records` back to back to `stage` in the order given and writes each one's
 * (address, length) entry at `desc`. Consecutive records lying back to back in one buffer
 * (engine/record-slab.ts) are copied with one `set` per run.
 */
function stageRecords(u8: Uint8Array, dv: DataView, records: readonly Uint8Array[], stage: number, recordBytes: number, desc: number): void {
  let staged = 0;
  let runFirst: Uint8Array | null = null;
  let runBuffer: ArrayBufferLike | null = null;
  let runStart = 0;
  let runEnd = -1;
  const copyRun = () => {
    if (runFirst === null) return;
    const len = runEnd - runStart;
    u8.set(len === runFirst.length ? runFirst : new Uint8Array(runBuffer!, runStart, len), stage + staged - len);
  };
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const len = r.length;
    if (len > recordBytes - staged) {
      throw usageError('OutOfBounds', 'checkpoint records exceed their stated total length', { recordBytes });
    }
    const buffer = r.buffer;
    const offset = r.byteOffset;
    if (buffer !== runBuffer || offset !== runEnd) {
      copyRun();
      runFirst = r;
      runBuffer = buffer;
      runStart = offset;
    }
    runEnd = offset + len;
    dv.setUint32(desc + i * 8, stage + staged, true);
    dv.setUint32(desc + i * 8 + 4, len, true);
    staged += len;
  }
  copyRun();
  if (staged !== recordBytes) {
    throw usageError('OutOfBounds', 'checkpoint records fall short of their stated total length', { recordBytes });
  }
}

/** `order` as u32 at `at`, checked to be a permutation of 0..n-1 first: the kernel indexes the table with it. */
function writePermutation(dv: DataView, order: ArrayLike<number>, n: number, at: number): void {
  const seen = new Uint8Array(n);
  for (let j = 0; j < n; j++) {
    const i = order[j]!;
    if (!(i >= 0 && i < n) || seen[i] !== 0) {
      throw usageError('OutOfBounds', 'record order is not a permutation of the records', { at: j });
    }
    seen[i] = 1;
    dv.setUint32(at + j * 4, i, true);
  }
}

/** Exact payload length `frameCheckpoint` produces (lets a writer place replay_from first). */
export function framedCheckpointLength(
  catalog: readonly Uint8Array[],
  records: readonly Uint8Array[],
  indexBlob: Uint8Array,
): number {
  let n = ENVELOPE_FIXED + indexBlob.length;
  for (const p of catalog) n += 4 + p.length;
  for (const p of records) n += 4 + p.length;
  return n;
}
