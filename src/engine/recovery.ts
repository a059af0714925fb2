/**
 * Crash recovery: the safe-prefix computation of FORMAT.md §10.6 over a tolerant scan,
 * plus one guard the reference lacks — recovery never cuts anything that lies before the
 * published Manifest the selected superblock points to (when that manifest is present and
 * valid). Such a "tail" is damage inside committed, published data, not a torn write, and
 * is refused with a typed error naming the offset instead of being silently discarded.
 */
import { formatError } from '../errors.ts';
import { SEGMENT_HEADER_SIZE, SEGMENT_START, SegmentType } from '../format/constants.ts';
import type { ScannedSegment, TolerantScan } from '../format/segment.ts';
import {
  decodeTxnMarker,
  invalidTxnPayload,
  TXN_COMMIT_OUTSIDE,
  TXN_ID_MISMATCH,
  TXN_NESTED_BEGIN,
} from '../format/txn-marker.ts';
import { ModelVaultError } from '../errors.ts';

export type TruncateReason = 'torn_tail' | 'uncommitted_transaction' | 'torn_tail_pre_v6';

export interface SafePrefix {
  /** Where the kept log ends (a segment boundary, or the file length). */
  safeEnd: number;
  /** Set iff something after `safeEnd` would be cut. */
  reason: TruncateReason | null;
  /** The complete segments that end at or before `safeEnd`, in log order. */
  segments: ScannedSegment[];
}

/** Payload bytes of a scanned segment inside the file image. */
export function payloadOf(image: Uint8Array, s: ScannedSegment): Uint8Array {
  return image.subarray(s.offset + SEGMENT_HEADER_SIZE, s.end);
}

/** Re-raises a marker/framing error with the segment's offset attached. */
function atOffset(e: unknown, offset: number): never {
  if (e instanceof ModelVaultError && e.details.offset === undefined) {
    throw new ModelVaultError(e.code, `${e.message} (segment at offset ${offset})`, { ...e.details, offset }, { cause: e });
  }
  throw e;
}

function markerId(image: Uint8Array, s: ScannedSegment): bigint {
  try {
    return decodeTxnMarker(payloadOf(image, s));
  } catch (e) {
    return atOffset(e, s.offset);
  }
}

/**
 * §10.6. `fileLength` is the length the scan ran over. Framing violations and invalid
 * marker payloads are fatal (they throw), in every recovery mode.
 */
export function computeSafePrefix(
  image: Uint8Array,
  scan: TolerantScan,
  minor: number,
  fileLength: number,
  /** Where the scan started: the end of a loaded checkpoint on the fast open path. */
  start = SEGMENT_START,
): SafePrefix {
  const segs = scan.segments;
  if (minor < 6) {
    const last = segs[segs.length - 1];
    const safe = last === undefined ? start : last.end;
    return safe < fileLength
      ? { safeEnd: safe, reason: 'torn_tail_pre_v6', segments: segs }
      : { safeEnd: fileLength, reason: null, segments: segs };
  }
  let safe = start;
  let base: number | null = null;
  let baseIndex = 0;
  let pending: bigint | null = null;
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    switch (s.type) {
      case SegmentType.TxnBegin: {
        if (base !== null) throw invalidTxnPayload(TXN_NESTED_BEGIN, { offset: s.offset });
        pending = markerId(image, s);
        base = s.offset;
        baseIndex = i;
        safe = s.offset;
        break;
      }
      case SegmentType.TxnCommit: {
        const id = markerId(image, s);
        if (pending === null) throw invalidTxnPayload(TXN_COMMIT_OUTSIDE, { offset: s.offset });
        if (id !== pending) throw invalidTxnPayload(TXN_ID_MISMATCH, { offset: s.offset });
        base = null;
        pending = null;
        safe = s.end;
        break;
      }
      case SegmentType.TxnAbort: {
        markerId(image, s);
        base = null;
        pending = null;
        safe = s.end;
        break;
      }
      default:
        if (base === null) safe = s.end;
    }
  }
  if (base !== null) return { safeEnd: base, reason: 'uncommitted_transaction', segments: segs.slice(0, baseIndex) };
  if (safe < fileLength) {
    return { safeEnd: safe, reason: 'torn_tail', segments: segs.filter((s) => s.end <= safe) };
  }
  return { safeEnd: fileLength, reason: null, segments: segs };
}

/**
 * Refuses a cut that would reach back before `publishedManifestOffset` (the offset of a
 * Manifest that is present and valid in the file): what lies before it was committed and
 * published, so a "torn" segment there is corruption, not an interrupted append.
 */
export function guardPublishedPrefix(
  prefix: SafePrefix,
  scan: TolerantScan,
  fileLength: number,
  publishedManifestOffset: number | null,
): void {
  if (prefix.reason === null || publishedManifestOffset === null) return;
  if (prefix.safeEnd >= publishedManifestOffset) return;
  // A torn segment before the manifest is the real damage, even inside an open transaction.
  if (scan.torn && scan.stoppedAt < publishedManifestOffset) {
    const at = scan.stoppedAt;
    if (fileLength - at < SEGMENT_HEADER_SIZE) {
      throw formatError('TruncatedSegmentHeader', `truncated segment header at offset ${at}, before the published manifest`, {
        got: fileLength - at,
        expected: SEGMENT_HEADER_SIZE,
        offset: at,
        publishedManifestOffset,
      });
    }
    throw formatError(
      'SegmentPayloadPastEof',
      `segment at offset ${at} extends past end of file but lies before the published manifest at ${publishedManifestOffset}`,
      { offset: at, publishedManifestOffset },
    );
  }
  throw invalidTxnPayload('transaction without TxnCommit before the published manifest', {
    offset: prefix.safeEnd,
    publishedManifestOffset,
  });
}
