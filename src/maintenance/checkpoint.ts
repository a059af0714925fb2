/**
 * Writing a checkpoint (FORMAT.md §11.3): raise the header to minor 6, append one
 * Checkpoint segment framed by the WebAssembly encoder plus the Manifest that publishes it,
 * fsync, then rotate the superblock (with the checkpoint pointer) and fsync again.
 *
 * The two fsyncs order the commit point: the superblock is written only once the segment
 * and manifest it names are durable, so a crash leaves either the old superblock (the new
 * bytes are an ignored tail) or the new one over complete data. A failure before the
 * superblock write cuts the appended bytes again (best effort) so the log ends where it
 * did; a failure after it leaves a consistent file either way.
 */
import { usageError } from '../errors.ts';
import { HEADER_SIZE, SEGMENT_HEADER_SIZE, SEGMENT_START, SegmentType, U32_MAX } from '../format/constants.ts';
import { decodeHeader, encodeHeader } from '../format/header.ts';
import { writeSegmentHeader } from '../format/segment.ts';
import type { EngineState } from '../engine/open.ts';
import { manifestSegment, publishSuperblock } from '../engine/publish.ts';
import type { Store } from '../storage/store.ts';
import { frameCheckpoint, framedCheckpointLength } from '../wasm/checkpoint-frame.ts';
import { buildCheckpointPieces } from './checkpoint-image.ts';

export interface CheckpointResult {
  /** Offset of the Checkpoint segment. */
  offset: number;
  payloadLength: number;
  /** replay_from_offset: end of the Checkpoint segment, where the publishing Manifest starts. */
  replayFrom: number;
  rows: number;
  bytesBefore: number;
  bytesAfter: number;
}

/**
 * §13.4 "→ 6": one header rewrite + fsync per minor step (3 → 4 → 5 → 6), as the
 * reference does, so every intermediate header is one some engine wrote. Returns the minor.
 */
export function raiseMinorTo6(store: Store, minor: number): number {
  if (minor >= 6) return minor;
  const h = decodeHeader(store.readAt(0, HEADER_SIZE));
  for (let m = Math.max(h.minor, 3) + 1; m <= 6; m++) {
    store.writeAt(0, encodeHeader({ ...h, minor: m }));
    store.sync();
  }
  return 6;
}

/** Appends and publishes a checkpoint of `state` (the header must already be minor 6). */
export function appendCheckpoint(store: Store, state: EngineState): CheckpointResult {
  const pieces = buildCheckpointPieces(state);
  const bytesBefore = store.length();
  const C = Math.max(bytesBefore, SEGMENT_START);
  // The envelope length is additive per piece; the records' total is already known.
  const P = framedCheckpointLength(pieces.catalog, [], pieces.indexBlob) + 4 * pieces.records.length + pieces.recordBytes;
  if (P > U32_MAX) {
    // The superblock stores the checkpoint length as u32 (§3.1).
    throw usageError('OutOfBounds', `checkpoint payload of ${P} bytes exceeds the format's u32 limit`, { payloadLength: P });
  }
  const replayFrom = C + SEGMENT_HEADER_SIZE + P;
  let largestPiece = Math.max(pieces.largestRecord, pieces.indexBlob.length);
  for (const p of pieces.catalog) largestPiece = Math.max(largestPiece, p.length);
  // The sizes are known, so the framer visits each record once.
  const framed = frameCheckpoint(pieces.catalog, pieces.records, pieces.indexBlob, BigInt(replayFrom), SEGMENT_HEADER_SIZE, {
    payloadLength: P,
    largestPiece,
    recordOrder: pieces.recordOrder,
    recordBytes: pieces.recordBytes,
  });
  let published = false;
  try {
    writeSegmentHeader(framed.view, 0, SegmentType.Checkpoint, P, framed.crc);
    store.writeAt(C, framed.view);
    framed.release();
    store.writeAt(replayFrom, manifestSegment(replayFrom));
    store.sync();
    published = true;
    publishSuperblock(store, replayFrom, { offset: C, len: P });
  } catch (e) {
    framed.release();
    if (!published) cutBack(store, bytesBefore);
    throw e;
  }
  return { offset: C, payloadLength: P, replayFrom, rows: pieces.records.length, bytesBefore, bytesAfter: store.length() };
}

/** Best effort: the original error is what the caller reports. */
function cutBack(store: Store, length: number): void {
  try {
    if (store.length() > length) {
      store.truncate(length);
      store.sync();
    }
  } catch {
    /* the unpublished tail is cut by recovery at the next open */
  }
}
