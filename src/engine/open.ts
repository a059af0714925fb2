/**
 * The open algorithm (FORMAT.md §13.2) over a complete file image held in memory: header,
 * superblock selection, manifest validation, crash recovery, checkpoint, replay. It never
 * writes: it reports what recovery would cut and leaves truncation, healing and new-file
 * creation to the caller (database.ts), which only acts once the whole load has succeeded.
 */
import { formatError, ioError, ModelVaultError } from '../errors.ts';
import { HEADER_SIZE, SEGMENT_HEADER_SIZE, SEGMENT_START, SegmentType, SUPERBLOCK_A_OFFSET, SUPERBLOCK_SIZE } from '../format/constants.ts';
import { decodeHeader } from '../format/header.ts';
import type { FileHeader } from '../format/header.ts';
import { decodeManifest } from '../format/manifest.ts';
import { decodeSegmentHeader, scanTolerant } from '../format/segment.ts';
import type { ByteSource, ScannedSegment, TolerantScan } from '../format/segment.ts';
import { selectSuperblock } from '../format/superblock.ts';
import type { Superblock } from '../format/superblock.ts';
import { Catalog } from './catalog.ts';
import { loadCheckpoint } from './checkpoint-load.ts';
import { IndexState } from './index-state.ts';
import { rehomeLazyRows } from './lazy-rows.ts';
import { CheckpointTable } from './row-table.ts';
import { computeSafePrefix, guardPublishedPrefix } from './recovery.ts';
import type { SafePrefix, TruncateReason } from './recovery.ts';
import { replay, reshapeRows } from './replay.ts';
import type { LoadState } from './replay.ts';
import { RowStore } from './row-store.ts';

export type RecoveryMode = 'auto-truncate' | 'strict';

export interface EngineState {
  catalog: Catalog;
  rows: RowStore;
  indexes: IndexState;
}

/** What happened to the checkpoint the selected superblock points to. */
export type CheckpointUse = 'none' | 'loaded' | 'ignored-invalid' | 'ignored-unusable';

export interface ImageAnalysis {
  header: FileHeader;
  selected: { slot: 'A' | 'B'; sb: Superblock };
  /** Why the published manifest failed validation (auto-truncate only; strict throws). */
  manifestError: ModelVaultError | null;
  scan: TolerantScan;
  prefix: SafePrefix;
  checkpoint: CheckpointUse;
  checkpointError: ModelVaultError | null;
  /** Offset and payload length of the checkpoint that was loaded. */
  checkpointPointer: { offset: number; len: number } | null;
  state: EngineState;
}

export function bufferSource(image: Uint8Array): ByteSource {
  return {
    length: () => image.length,
    readAt: (position, length) => {
      if (position > image.length || length > image.length - position) {
        throw ioError('UnexpectedEof', `short read at ${position}`, { position, length });
      }
      return image.subarray(position, position + length);
    },
  };
}

/** §2.3 plus the length rules of §13.2 steps 3–5 for minor ≥ 3 files. */
export function decodeFileHeader(image: Uint8Array): FileHeader {
  if (image.length < HEADER_SIZE) {
    throw formatError('TruncatedHeader', `truncated header: got ${image.length} bytes, expected ${HEADER_SIZE}`, {
      got: image.length,
      expected: HEADER_SIZE,
    });
  }
  return decodeHeader(image.subarray(0, HEADER_SIZE));
}

/** §13.2 step 6: selection; neither slot valid is fatal in every mode. */
export function selectFromImage(image: Uint8Array): { slot: 'A' | 'B'; sb: Superblock } {
  const a = image.subarray(SUPERBLOCK_A_OFFSET, SUPERBLOCK_A_OFFSET + SUPERBLOCK_SIZE);
  const b = image.subarray(SUPERBLOCK_A_OFFSET + SUPERBLOCK_SIZE, SEGMENT_START);
  const selected = selectSuperblock(a, b);
  if (selected === null) throw formatError('BadSuperblockChecksum', 'superblock checksum mismatch (no valid superblock)');
  return selected;
}

/** §5.3: the manifest the superblock points to; errors are thrown for the caller to judge. */
export function validateManifest(image: Uint8Array, sb: Superblock): void {
  const L = image.length;
  if (sb.manifestOffset > BigInt(L) || BigInt(SEGMENT_HEADER_SIZE) > BigInt(L) - sb.manifestOffset) {
    throw ioError('UnexpectedEof', `manifest header at ${sb.manifestOffset} lies past end of file (${L})`, {
      offset: sb.manifestOffset,
    });
  }
  const at = Number(sb.manifestOffset);
  const header = decodeSegmentHeader(image, at);
  if (header.type !== SegmentType.Manifest) {
    throw formatError('UnsupportedVersion', `superblock manifest pointer ${at} does not point at a Manifest segment`, {
      major: 0,
      minor: 0,
      offset: at,
    });
  }
  const remaining = L - at - SEGMENT_HEADER_SIZE;
  if (header.payloadLen > BigInt(remaining)) {
    throw ioError('UnexpectedEof', `manifest payload at ${at} extends past end of file`, { offset: at });
  }
  const start = at + SEGMENT_HEADER_SIZE;
  decodeManifest(image.subarray(start, start + Number(header.payloadLen)));
}

function unclean(prefix: SafePrefix): ModelVaultError {
  return formatError(
    'UncleanLogTail',
    `unclean log tail (strict open): ${prefix.reason}; safe truncate end offset ${prefix.safeEnd}`,
    { safeEnd: prefix.safeEnd, reason: prefix.reason as TruncateReason },
  );
}

function newState(): LoadState {
  return { catalog: new Catalog(), rows: new RowStore() };
}

/**
 * Runs §13.2 steps 3–10 over `image` (a minor 3..6 file). In strict mode every refusal
 * throws; in auto-truncate mode the state is built over the safe prefix and the caller
 * decides whether to cut the file.
 */
export function analyzeImage(image: Uint8Array, mode: RecoveryMode): ImageAnalysis;
/** @internal The fast path: `null` when the given checkpoint does not load. */
export function analyzeImage(image: Uint8Array, mode: RecoveryMode, fast: FastStart): ImageAnalysis | null;
export function analyzeImage(image: Uint8Array, mode: RecoveryMode, fast?: FastStart): ImageAnalysis | null {
  const header = decodeFileHeader(image);
  const L = image.length;
  if (header.minor === 2) {
    throw formatError('UnsupportedVersion', 'unsupported format version 0.2 (only a 32-byte minor-2 file can be upgraded)', {
      major: 0,
      minor: 2,
    });
  }
  if (L < SEGMENT_START) {
    throw formatError('TruncatedSuperblock', `truncated superblock: got ${L} bytes, expected ${SEGMENT_START}`, {
      got: L,
      expected: SEGMENT_START,
    });
  }
  const selected = selectFromImage(image);
  let manifestError: ModelVaultError | null = null;
  let publishedManifest: number | null = null;
  if (selected.sb.manifestOffset !== 0n) {
    try {
      validateManifest(image, selected.sb);
      publishedManifest = Number(selected.sb.manifestOffset);
    } catch (e) {
      if (mode === 'strict' || !(e instanceof ModelVaultError)) throw e;
      manifestError = e;
    }
  }

  const scanStart = fast?.checkpoint.end ?? SEGMENT_START;
  const scan = scanTolerant(bufferSource(image), scanStart);
  const prefix = computeSafePrefix(image, scan, header.minor, L, scanStart);
  guardPublishedPrefix(prefix, scan, L, publishedManifest);
  if (mode === 'strict' && prefix.reason !== null) throw unclean(prefix);

  const view = image.subarray(0, prefix.safeEnd);
  const segments = prefix.segments;
  const cp = loadCheckpoint(view, selected.sb, fast ? [fast.checkpoint, ...segments] : segments, prefix.safeEnd);
  if (fast !== undefined && cp.kind !== 'loaded') return null;
  let state: LoadState;
  let checkpoint: CheckpointUse = 'none';
  let checkpointError: ModelVaultError | null = null;
  let checkpointPointer: { offset: number; len: number } | null = null;
  if (cp.kind === 'loaded') {
    state = cp.state;
    checkpoint = 'loaded';
    checkpointPointer = { offset: cp.segment.offset, len: cp.segment.payloadLen };
    replay(state, view, segmentsFrom(segments, cp.replayFrom), header.minor);
  } else {
    if (cp.kind === 'error') {
      if (mode === 'strict') throw cp.error;
      checkpoint = 'ignored-invalid';
      checkpointError = cp.error;
    } else if (cp.kind === 'unusable') {
      checkpoint = 'ignored-unusable';
    }
    state = newState();
    replay(state, view, segments, header.minor);
  }
  reshapeRows(state);
  // Only the part of a sparse (fast path) image that was read occupies memory.
  // (A checkpoint's table is left alone: reading its rows would build every row object.)
  const mapTables = [...state.rows.tables()].filter((t) => !(t instanceof CheckpointTable));
  rehomeLazyRows(mapTables, image.length - (fast?.checkpoint.offset ?? 0));
  const indexes = new IndexState();
  for (const c of state.catalog.list()) {
    indexes.rebuild(c.id, c.fields, c.indexes, () => state.rows.values(c.id));
  }
  return {
    header,
    selected,
    manifestError,
    scan,
    prefix,
    checkpoint,
    checkpointError,
    checkpointPointer,
    state: { catalog: state.catalog, rows: state.rows, indexes },
  };
}

function segmentsFrom(segments: readonly ScannedSegment[], offset: number): ScannedSegment[] {
  let lo = 0;
  let hi = segments.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (segments[mid]!.offset < offset) lo = mid + 1;
    else hi = mid;
  }
  return segments.slice(lo);
}

/** A checkpoint segment found from the superblock alone, without scanning the log before it. */
export interface FastStart {
  checkpoint: ScannedSegment;
}

const READ_CHUNK = 16 * 1024 * 1024;

/**
 * Opening a checkpointed file without reading the log the checkpoint covers: header,
 * superblocks, the Checkpoint segment the selected superblock points to (payload CRC
 * checked, decoded), then recovery and replay over the tail only. The bytes before the
 * checkpoint are neither read nor checksummed (`verify` does that); they lie before a
 * published manifest, so recovery could never cut them anyway.
 *
 * Returns null whenever the fast path does not apply — no checkpoint pointer, no published
 * manifest after it, a pointer that does not lead to a Checkpoint segment whose
 * replay_from_offset is its own end, or a checkpoint that does not load — and the caller
 * runs the full algorithm, which also produces the right error for damaged files.
 */
export function analyzeCheckpointed(src: ByteSource, mode: RecoveryMode): ImageAnalysis | null {
  const L = src.length();
  if (L < SEGMENT_START) return null;
  const head = src.readAt(0, SEGMENT_START);
  let sb: Superblock;
  try {
    if (decodeFileHeader(head).minor < 3) return null;
    sb = selectFromImage(head).sb;
  } catch {
    return null;
  }
  if (sb.checkpointLen === 0 || sb.checkpointOffset < BigInt(SEGMENT_START) || sb.checkpointOffset >= BigInt(L)) return null;
  const C = Number(sb.checkpointOffset);
  if (L - C < SEGMENT_HEADER_SIZE) return null;
  const segHead = src.readAt(C, SEGMENT_HEADER_SIZE);
  let h: ReturnType<typeof decodeSegmentHeader>;
  try {
    h = decodeSegmentHeader(segHead);
  } catch {
    return null;
  }
  if (h.type !== SegmentType.Checkpoint || h.payloadLen > BigInt(L - C - SEGMENT_HEADER_SIZE)) return null;
  const P = Number(h.payloadLen);
  const end = C + SEGMENT_HEADER_SIZE + P;
  if (sb.manifestOffset < BigInt(end)) return null;
  // A sparse image: absolute offsets keep every later step unchanged; the untouched prefix
  // stays zero pages that are never read.
  const image = new Uint8Array(L);
  image.set(head, 0);
  image.set(segHead, C);
  for (let at = C + SEGMENT_HEADER_SIZE; at < L; at += READ_CHUNK) {
    image.set(src.readAt(at, Math.min(READ_CHUNK, L - at)), at);
  }
  if (P < 10 || readU64(image, C + SEGMENT_HEADER_SIZE + 2) !== BigInt(end)) return null;
  const checkpoint: ScannedSegment = { offset: C, type: SegmentType.Checkpoint, payloadLen: P, payloadCrc: h.payloadCrc, end };
  return analyzeImage(image, mode, { checkpoint });
}

function readU64(b: Uint8Array, at: number): bigint {
  return new DataView(b.buffer, b.byteOffset + at, 8).getBigUint64(0, true);
}

/** The open analysis of a store: the checkpoint fast path when it applies, else the full one. */
export function analyzeStore(src: ByteSource, mode: RecoveryMode): ImageAnalysis {
  const fast = analyzeCheckpointed(src, mode);
  if (fast !== null) return fast;
  const L = src.length();
  const image = new Uint8Array(L);
  for (let at = 0; at < L; at += READ_CHUNK) image.set(src.readAt(at, Math.min(READ_CHUNK, L - at)), at);
  return analyzeImage(image, mode);
}
