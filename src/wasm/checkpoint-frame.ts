/**
 * Thin wrapper over the `checkpointFrame` kernel (assembly/checkpoint.ts): copies the
 * already-encoded pieces into the arena (pieces that already live in WebAssembly memory are
 * referenced in place), builds the (address, length) table, and lets the kernel write the
 * framed payload and its CRC-32C. This layer knows the envelope's shape only through the
 * kernel; the segment header around it is the caller's business (`headroom` bytes are left
 * free in front of the payload so header + payload form one contiguous view to append).
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

const U32_MAX = 0xffff_ffff;
const ENVELOPE_FIXED = 2 + 8 + 4 + 4 + 4;

function tooLarge(what: string, n: number): never {
  throw usageError('OutOfBounds', `checkpoint ${what} exceeds the u32 range of the format: ${n}`, { [what]: n });
}

/**
 * Frames FORMAT.md §11.1 (version 0) around `catalog`, `records` and `indexBlob`.
 * Throws `Usage.OutOfBounds` when a count or length exceeds u32 or the arena cannot hold the
 * pieces plus the payload, `Io.OutOfMemory` when memory cannot grow.
 */
export function frameCheckpoint(
  catalog: readonly Uint8Array[],
  records: readonly Uint8Array[],
  indexBlob: Uint8Array,
  replayFromOffset: bigint,
  headroom = 0,
): FramedPayload {
  if (replayFromOffset < 0n || replayFromOffset > 0xffff_ffff_ffff_ffffn) tooLarge('replayFromOffset', Number(replayFromOffset));
  if (catalog.length > U32_MAX) tooLarge('catalogCount', catalog.length);
  if (records.length > U32_MAX) tooLarge('recordCount', records.length);
  const pieces = catalog.length + records.length + 1;
  let h = heap();
  let inputBytes = 0;
  let payloadLength = ENVELOPE_FIXED - 4;
  // Addresses of pieces already in wasm memory, taken now: growing memory below detaches
  // their views but keeps their bytes where they are.
  // (Only built when such pieces exist: the common case copies every piece.)
  let inPlace: Map<Uint8Array, number> | null = null;
  const wasmBuffer = h.u8.buffer;
  const count = (p: Uint8Array) => {
    if (p.length > U32_MAX) tooLarge('pieceLength', p.length);
    payloadLength += 4 + p.length;
    if (p.buffer === wasmBuffer) (inPlace ??= new Map()).set(p, p.byteOffset);
    else inputBytes += p.length;
  };
  for (const p of catalog) count(p);
  for (const p of records) count(p);
  count(indexBlob);

  const mark = arenaUsed();
  try {
    const descAt = arenaAlloc(pieces * 8);
    const inputAt = arenaAlloc(inputBytes);
    const outAt = arenaAlloc(headroom + payloadLength);
    // Allocation may have grown memory: every address below is taken after the last alloc.
    h = heap();
    const u8 = h.u8;
    const dv = new DataView(u8.buffer);
    let desc = h.arenaBase + descAt;
    let input = h.arenaBase + inputAt;
    const put = (p: Uint8Array) => {
      let addr = inPlace === null ? undefined : inPlace.get(p);
      if (addr === undefined) {
        u8.set(p, input);
        addr = input;
        input += p.length;
      }
      dv.setUint32(desc, addr, true);
      dv.setUint32(desc + 4, p.length, true);
      desc += 8;
    };
    for (const p of catalog) put(p);
    for (const p of records) put(p);
    put(indexBlob);
    const out = h.arenaBase + outAt + headroom;
    const lo = Number(replayFromOffset & 0xffff_ffffn);
    const hi = Number(replayFromOffset >> 32n);
    const crc = h.k.checkpointFrame(h.arenaBase + descAt, catalog.length, records.length, out, lo, hi) >>> 0;
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
