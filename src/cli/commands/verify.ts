/**
 * `modelvault verify FILE`: a full strict check. Header, superblocks, the published manifest,
 * a strict scan of the whole log (every header and payload checksum; Temp scratch payloads,
 * which never hold data, excepted), every payload decoded —
 * transaction markers, manifests, catalog records, index payloads, every checkpoint (payload
 * checksum and contents) — then a strict open that replays every committed record.
 * Exit 0 with a summary, or exit 1 naming the first problem and its offset. Never writes.
 */
import type { CliCommand } from '../command.ts';
import { EXIT_FAILURE, EXIT_OK } from '../command.ts';
import { loadCheckpoint } from '../../engine/checkpoint-load.ts';
import { analyzeImage, bufferSource, decodeFileHeader, selectFromImage } from '../../engine/open.ts';
import { payloadOf } from '../../engine/recovery.ts';
import { withOffset } from '../../engine/replay.ts';
import { isModelVaultError } from '../../errors.ts';
import { decodeCatalogRecord } from '../../format/catalog.ts';
import { SEGMENT_START, SegmentType, segmentTypeName } from '../../format/constants.ts';
import { decodeIndexPayload } from '../../format/index-payload.ts';
import { decodeManifest } from '../../format/manifest.ts';
import { scanStrict } from '../../format/segment.ts';
import type { ScannedSegment } from '../../format/segment.ts';
import { decodeTxnMarker } from '../../format/txn-marker.ts';
import { offsetText, parseArgs, readDatabaseFile } from './file-args.ts';

export interface VerifySummary {
  minor: number;
  segments: number;
  byType: Record<string, number>;
  rows: number;
  collections: number;
}

function checkSegment(image: Uint8Array, s: ScannedSegment, all: readonly ScannedSegment[]): void {
  const payload = payloadOf(image, s);
  withOffset(s.offset, () => {
    switch (s.type) {
      case SegmentType.Manifest:
        decodeManifest(payload);
        break;
      case SegmentType.TxnBegin:
      case SegmentType.TxnCommit:
      case SegmentType.TxnAbort:
        decodeTxnMarker(payload);
        break;
      case SegmentType.Schema:
        decodeCatalogRecord(payload);
        break;
      case SegmentType.Index:
        decodeIndexPayload(payload);
        break;
      case SegmentType.Checkpoint: {
        const sb = {
          version: 1 as const,
          generation: 0n,
          manifestOffset: 0n,
          manifestLen: 0,
          checksumKind: 0,
          checkpointOffset: BigInt(s.offset),
          checkpointLen: Math.max(1, s.payloadLen),
        };
        const r = loadCheckpoint(image, sb, all, image.length);
        if (r.kind === 'error') throw r.error;
        break;
      }
      default:
        // Record payloads need the catalog: the strict open below decodes every committed one.
        break;
    }
  });
}

/** Throws the first problem (a ModelVaultError, with `details.offset` where one applies). */
export function verifyImage(image: Uint8Array): VerifySummary {
  const header = decodeFileHeader(image);
  if (header.minor >= 3) selectFromImage(image);
  const segments = image.length >= SEGMENT_START ? scanStrict(bufferSource(image), SEGMENT_START) : [];
  const byType: Record<string, number> = {};
  for (const s of segments) {
    checkSegment(image, s, segments);
    const n = segmentTypeName(s.type);
    byType[n] = (byType[n] ?? 0) + 1;
  }
  const a = analyzeImage(image, 'strict');
  let rows = 0;
  const list = a.state.catalog.list();
  for (const c of list) rows += a.state.rows.count(c.id);
  return { minor: header.minor, segments: segments.length, byType, rows, collections: list.length };
}

export const verifyCommand: CliCommand = {
  summary: 'check every checksum and decode every payload (strict); exit 1 on the first problem',
  usage: '<file>',
  run(args, io) {
    const a = parseArgs(args, [], []);
    try {
      const s = verifyImage(readDatabaseFile(a.file));
      const by = Object.entries(s.byType)
        .sort(([x], [y]) => (x < y ? -1 : 1))
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      io.stdout(
        `ok: format 0.${s.minor} segments=${s.segments} (${by}) collections=${s.collections} rows=${s.rows}\n`,
      );
      return EXIT_OK;
    } catch (e) {
      if (!isModelVaultError(e)) throw e;
      if (e.kind === 'Usage') throw e;
      io.stdout(`FAILED${offsetText(e)}: ${e.code}: ${e.message}\n`);
      return EXIT_FAILURE;
    }
  },
};
