/**
 * The framing codecs against every golden file written by the Rust engine: header, both
 * superblocks and the engine's selection, and a full scan compared with the `layout` key of
 * NAME.json (offsets, types, payload lengths, payload CRC status, torn-tail problems).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { crc32c } from '../../src/wasm/crc32c.ts';
import {
  SEGMENT_HEADER_SIZE,
  SEGMENT_START,
  SUPERBLOCK_A_OFFSET,
  SUPERBLOCK_B_OFFSET,
  SUPERBLOCK_SIZE,
  SegmentType,
  segmentTypeName,
} from '../../src/format/constants.ts';
import { decodeCheckpoint, encodeCheckpointEnvelope } from '../../src/format/checkpoint.ts';
import { decodeHeader } from '../../src/format/header.ts';
import { decodeManifest, encodeManifest } from '../../src/format/manifest.ts';
import { decodeSegmentHeader, scanStrict, scanTolerant } from '../../src/format/segment.ts';
import type { ScannedSegment } from '../../src/format/segment.ts';
import { decodeSuperblock, selectSuperblock } from '../../src/format/superblock.ts';
import { decodeTxnMarker, encodeTxnMarker } from '../../src/format/txn-marker.ts';
import { errorOf, memorySource, readGolden } from './framing-fixtures.ts';

const GOLDEN = '/work/shared/golden';

interface LayoutSegment {
  offset: number;
  type: string;
  payload_len: number;
  payload_crc_ok?: boolean;
}
interface LayoutSuperblock {
  slot: 'A' | 'B';
  offset: number;
  valid: boolean;
  error?: string;
  version?: number;
  generation?: number;
  manifest_offset?: number;
  manifest_len?: number;
  checkpoint_offset?: number;
  checkpoint_len?: number;
}
interface Layout {
  file_size: number;
  header: { format_major: number; format_minor: number; header_size: number; flags: number };
  superblocks: LayoutSuperblock[];
  selected_superblock: 'A' | 'B' | null;
  segment_count: number;
  segment_count_by_type: Record<string, number>;
  segments: (LayoutSegment | string)[];
  log_end_problem?: { offset: number; problem: string; type?: string; payload_len?: number };
}

const scenarios = readdirSync(GOLDEN)
  .filter((f) => f.endsWith('.typra'))
  .map((f) => f.slice(0, -'.typra'.length))
  .sort();

function layoutOf(name: string): Layout {
  return (JSON.parse(readFileSync(`${GOLDEN}/${name}.json`, 'utf8')) as { layout: Layout }).layout;
}

/** `Format(BadSuperblockChecksum)` → `Format.BadSuperblockChecksum`. */
function codeOf(debug: string): string {
  const m = /^(\w+)\((\w+)/.exec(debug);
  if (!m) throw new Error(`unparsable error ${debug}`);
  return `${m[1]}.${m[2]}`;
}

/** The listed segments are the first n and last m of the log (a string marks the omitted middle). */
function compareSegments(listed: (LayoutSegment | string)[], scanned: ScannedSegment[], file: Uint8Array): void {
  const gap = listed.findIndex((s) => typeof s === 'string');
  const head = (gap < 0 ? listed : listed.slice(0, gap)) as LayoutSegment[];
  const tail = (gap < 0 ? [] : listed.slice(gap + 1)) as LayoutSegment[];
  const pairs: [LayoutSegment, ScannedSegment][] = [
    ...head.map((l, i): [LayoutSegment, ScannedSegment] => [l, scanned[i]!]),
    ...tail.map((l, i): [LayoutSegment, ScannedSegment] => [l, scanned[scanned.length - tail.length + i]!]),
  ];
  for (const [l, s] of pairs) {
    expect({ offset: s.offset, type: segmentTypeName(s.type), payload_len: s.payloadLen }).toEqual({
      offset: l.offset,
      type: l.type,
      payload_len: l.payload_len,
    });
    const payload = file.subarray(s.offset + SEGMENT_HEADER_SIZE, s.end);
    expect(crc32c(payload) === s.payloadCrc).toBe(l.payload_crc_ok !== false);
  }
}

function countByType(segments: ScannedSegment[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of segments) out[segmentTypeName(s.type)] = (out[segmentTypeName(s.type)] ?? 0) + 1;
  return out;
}

describe.each(scenarios)('golden %s', (name) => {
  const file = readGolden(`${name}.typra`);
  const layout = layoutOf(name);

  test('header', () => {
    expect(file.length).toBe(layout.file_size);
    const h = decodeHeader(file);
    expect(h).toEqual({
      major: layout.header.format_major,
      minor: layout.header.format_minor,
      headerSize: layout.header.header_size,
      flags: BigInt(layout.header.flags),
    });
  });

  test('superblocks and selection', () => {
    const slots = {
      A: file.subarray(SUPERBLOCK_A_OFFSET, SUPERBLOCK_A_OFFSET + SUPERBLOCK_SIZE),
      B: file.subarray(SUPERBLOCK_B_OFFSET, SUPERBLOCK_B_OFFSET + SUPERBLOCK_SIZE),
    };
    for (const l of layout.superblocks) {
      const slot = slots[l.slot];
      expect(l.offset).toBe(l.slot === 'A' ? SUPERBLOCK_A_OFFSET : SUPERBLOCK_B_OFFSET);
      if (!l.valid) {
        expect(errorOf(() => decodeSuperblock(slot)).code).toBe(codeOf(l.error!));
        continue;
      }
      expect(decodeSuperblock(slot)).toEqual({
        version: l.version,
        generation: BigInt(l.generation!),
        manifestOffset: BigInt(l.manifest_offset!),
        manifestLen: l.manifest_len,
        checksumKind: 0,
        checkpointOffset: BigInt(l.checkpoint_offset!),
        checkpointLen: l.checkpoint_len,
      });
    }
    expect(selectSuperblock(slots.A, slots.B)?.slot ?? null).toBe(layout.selected_superblock);
  });

  test('scans match the layout', () => {
    const src = memorySource(file);
    const problem = layout.log_end_problem;
    const tolerant = scanTolerant(src, SEGMENT_START);
    expect(tolerant.segments).toHaveLength(layout.segment_count);
    expect(countByType(tolerant.segments)).toEqual(layout.segment_count_by_type);
    compareSegments(layout.segments, tolerant.segments, file);
    if (problem === undefined) {
      expect(tolerant).toMatchObject({ stoppedAt: file.length, torn: false });
      expect(scanStrict(src, SEGMENT_START)).toEqual(tolerant.segments);
    } else {
      expect(tolerant).toMatchObject({ stoppedAt: problem.offset, torn: true });
      const e = errorOf(() => scanStrict(src, SEGMENT_START));
      expect(e.details.offset).toBe(problem.offset);
      if (problem.type === undefined) {
        expect(e.code).toBe('Format.TruncatedSegmentHeader');
        expect(e.details.got).toBe(file.length - problem.offset);
      } else {
        expect(e.code).toBe('Format.SegmentPayloadPastEof');
        const h = decodeSegmentHeader(file, problem.offset);
        expect([segmentTypeName(h.type), h.payloadLen]).toEqual([problem.type, BigInt(problem.payload_len!)]);
      }
    }
  });

  test('manifest, marker and checkpoint payloads decode and re-encode identically', () => {
    const { segments } = scanTolerant(memorySource(file), SEGMENT_START);
    for (const s of segments) {
      const payload = file.subarray(s.offset + SEGMENT_HEADER_SIZE, s.end);
      switch (s.type) {
        case SegmentType.Manifest:
          expect(decodeManifest(payload)).toEqual({ version: 0, lastSegmentOffset: BigInt(s.offset), lastSegmentLen: 50n });
          expect(encodeManifest(s.offset)).toEqual(payload);
          break;
        case SegmentType.TxnBegin:
        case SegmentType.TxnCommit:
        case SegmentType.TxnAbort:
          expect(encodeTxnMarker(decodeTxnMarker(payload))).toEqual(payload);
          break;
        case SegmentType.Checkpoint: {
          if (crc32c(payload) !== s.payloadCrc) break; // the deliberately corrupted one
          const c = decodeCheckpoint(payload);
          expect(c.replayFromOffset).toBe(BigInt(s.end));
          expect(encodeCheckpointEnvelope(c)).toEqual(payload);
          break;
        }
        default:
          break;
      }
    }
    const selected = selectSuperblock(
      file.subarray(SUPERBLOCK_A_OFFSET, SUPERBLOCK_A_OFFSET + SUPERBLOCK_SIZE),
      file.subarray(SUPERBLOCK_B_OFFSET, SUPERBLOCK_B_OFFSET + SUPERBLOCK_SIZE),
    );
    // §5.3: the selected superblock's manifest pointer lands on a Manifest segment of the log.
    const at = Number(selected!.sb.manifestOffset);
    if (at !== 0) {
      expect(segments.some((s) => s.offset === at && s.type === SegmentType.Manifest)).toBe(true);
      expect(decodeSegmentHeader(file, at).type).toBe(SegmentType.Manifest);
    }
    const cp = Number(selected!.sb.checkpointOffset);
    if (cp !== 0) {
      const seg = segments.find((s) => s.offset === cp);
      expect(seg?.type).toBe(SegmentType.Checkpoint);
      expect(seg?.payloadLen).toBe(selected!.sb.checkpointLen);
    }
  });
});
