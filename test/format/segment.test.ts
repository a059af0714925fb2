import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { crc32c } from '../../src/wasm/crc32c.ts';
import { SEGMENT_START, SegmentType, segmentTypeName } from '../../src/format/constants.ts';
import { encodeHeader } from '../../src/format/header.ts';
import { encodeManifest } from '../../src/format/manifest.ts';
import {
  decodeSegmentHeader,
  encodeSegment,
  encodeSegmentHeader,
  scanStrict,
  scanTolerant,
  writeSegmentHeader,
} from '../../src/format/segment.ts';
import type { ScannedSegment } from '../../src/format/segment.ts';
import { encodeSuperblock } from '../../src/format/superblock.ts';
import { encodeTxnMarker } from '../../src/format/txn-marker.ts';
import {
  LOG_18_2,
  MANIFEST_8711_PAYLOAD,
  RECORD_PAYLOAD,
  SCHEMA_PAYLOAD,
  SCHEMA_SEGMENT_8330,
  TXN_GROUP_8535,
  emptyDatabaseImage,
  errorOf,
  hex,
  memorySource,
  thrownBy,
  withBytes,
} from './framing-fixtures.ts';

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const sbFields = (generation: bigint, manifestOffset: bigint) => ({
  generation,
  manifestOffset,
  manifestLen: 18,
  checksumKind: 0,
  checkpointOffset: 0n,
  checkpointLen: 0,
});

/** The whole §18.2 file (8761 bytes), produced only by the encoders. */
function build18_2(): Uint8Array {
  const prefix = new Uint8Array(SEGMENT_START);
  prefix.set(encodeHeader({ major: 0, minor: 6, headerSize: 32, flags: 0n }), 0);
  prefix.set(encodeSuperblock(sbFields(3n, 0x2125n)), 32);
  prefix.set(encodeSuperblock(sbFields(4n, 0x2207n)), 4128);
  return concat([
    prefix,
    encodeSegment(SegmentType.Manifest, encodeManifest(8224)),
    encodeSegment(SegmentType.TxnBegin, encodeTxnMarker(1n)),
    encodeSegment(SegmentType.Schema, SCHEMA_PAYLOAD),
    encodeSegment(SegmentType.TxnCommit, encodeTxnMarker(1n)),
    encodeSegment(SegmentType.Manifest, encodeManifest(8485)),
    encodeSegment(SegmentType.TxnBegin, encodeTxnMarker(2n)),
    encodeSegment(SegmentType.Record, RECORD_PAYLOAD),
    encodeSegment(SegmentType.TxnCommit, encodeTxnMarker(2n)),
    encodeSegment(SegmentType.Manifest, encodeManifest(8711)),
  ]);
}

const EXPECTED_18_2: ScannedSegment[] = LOG_18_2.map(([offset, name, payloadLen]) => ({
  offset,
  type: SegmentType[name as keyof typeof SegmentType],
  payloadLen,
  payloadCrc: expect.any(Number) as unknown as number,
  end: offset + 32 + payloadLen,
}));

/** A well-formed header with arbitrary field values patched in and the header CRC recomputed. */
function craftedHeader(patch: { version?: number; type?: number; headerLen?: number; kind?: number; payloadLen?: bigint }) {
  const h = encodeSegmentHeader(SegmentType.Record, 0, 0);
  const v = new DataView(h.buffer);
  if (patch.version !== undefined) v.setUint16(4, patch.version, true);
  if (patch.type !== undefined) v.setUint16(6, patch.type, true);
  if (patch.headerLen !== undefined) v.setUint32(8, patch.headerLen, true);
  if (patch.payloadLen !== undefined) v.setBigUint64(12, patch.payloadLen, true);
  if (patch.kind !== undefined) h[24] = patch.kind;
  v.setUint32(28, crc32c(h.subarray(0, 28)), true);
  return h;
}

describe('segment header (FORMAT.md §4.1, §4.4)', () => {
  test('§18.1 Manifest segment byte for byte', () => {
    const f = emptyDatabaseImage();
    expect(encodeSegment(SegmentType.Manifest, encodeManifest(8224))).toEqual(f.subarray(8224));
    expect(decodeSegmentHeader(f, 8224)).toEqual({ type: SegmentType.Manifest, payloadLen: 18n, payloadCrc: 0x376ac655 });
  });

  test('§18.2 Schema segment and the TxnBegin/Record/TxnCommit group byte for byte', () => {
    expect(encodeSegment(SegmentType.Schema, SCHEMA_PAYLOAD)).toEqual(SCHEMA_SEGMENT_8330);
    const group = concat([
      encodeSegment(SegmentType.TxnBegin, encodeTxnMarker(2n)),
      encodeSegment(SegmentType.Record, RECORD_PAYLOAD),
      encodeSegment(SegmentType.TxnCommit, encodeTxnMarker(2n)),
    ]);
    expect(group).toEqual(TXN_GROUP_8535);
    expect(decodeSegmentHeader(SCHEMA_SEGMENT_8330)).toEqual({
      type: SegmentType.Schema,
      payloadLen: 67n,
      payloadCrc: 0x3d827a17,
    });
  });

  test('§18.2 final Manifest: payload CRC 0x01C7A131, header CRC 0x2006BD45', () => {
    const seg = encodeSegment(SegmentType.Manifest, MANIFEST_8711_PAYLOAD);
    const v = new DataView(seg.buffer);
    expect(v.getUint32(20, true)).toBe(0x01c7a131);
    expect(v.getUint32(28, true)).toBe(0x2006bd45);
  });

  test('the whole §18.2 file comes out of the encoders and scans back to its log table', () => {
    const file = build18_2();
    expect(file.length).toBe(8761);
    const empty = emptyDatabaseImage();
    expect(file.subarray(0, 32)).toEqual(empty.subarray(0, 32));
    expect(file.subarray(8224, 8274)).toEqual(empty.subarray(8224, 8274));
    expect(file.subarray(8330, 8429)).toEqual(SCHEMA_SEGMENT_8330);
    expect(file.subarray(8535, 8711)).toEqual(TXN_GROUP_8535);
    expect(file.subarray(8711 + 32)).toEqual(MANIFEST_8711_PAYLOAD);
    expect(scanStrict(memorySource(file), SEGMENT_START)).toEqual(EXPECTED_18_2);
    expect(scanTolerant(memorySource(file), SEGMENT_START)).toEqual({ segments: EXPECTED_18_2, stoppedAt: 8761, torn: false });
  });

  test('empty payload: CRC 0, writeSegmentHeader writes in place at an offset', () => {
    expect(encodeSegment(SegmentType.Temp, new Uint8Array(0)).subarray(20, 24)).toEqual(new Uint8Array(4));
    const target = new Uint8Array(40).fill(0xaa);
    writeSegmentHeader(target, 5, SegmentType.Index, 7, 0xdeadbeef);
    expect(target.subarray(0, 5).every((b) => b === 0xaa)).toBe(true);
    expect(target.subarray(37).every((b) => b === 0xaa)).toBe(true);
    expect(target.subarray(5, 37)).toEqual(encodeSegmentHeader(SegmentType.Index, 7, 0xdeadbeef));
    expect(decodeSegmentHeader(target, 5)).toEqual({ type: SegmentType.Index, payloadLen: 7n, payloadCrc: 0xdeadbeef });
  });

  test('segmentTypeName uses the reference names', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map(segmentTypeName)).toEqual([
      'Schema', 'Record', 'Manifest', 'Checkpoint', 'Index', 'TxnBegin', 'TxnCommit', 'TxnAbort', 'Temp',
    ]);
    expect(segmentTypeName(0)).toBe('Unknown(0)');
  });

  describe('§4.4 checks, in order', () => {
    test('1. fewer than 32 bytes from `at` → TruncatedSegmentHeader{got, expected: 32}', () => {
      const h = encodeSegmentHeader(SegmentType.Record, 0, 0);
      expect(errorOf(() => decodeSegmentHeader(h.subarray(0, 31))).details).toEqual({ got: 31, expected: 32 });
      const e = errorOf(() => decodeSegmentHeader(h, 10));
      expect(e.code).toBe('Format.TruncatedSegmentHeader');
      expect(e.details).toEqual({ got: 22, expected: 32 });
      expect(errorOf(() => decodeSegmentHeader(h, 40)).details).toEqual({ got: 0, expected: 32 });
    });

    test('2. magic → BadSegmentMagic{got}, before anything else', () => {
      const bad = withBytes(craftedHeader({ version: 3, type: 99 }), 0, [0, 0, 0, 0]);
      const e = errorOf(() => decodeSegmentHeader(bad));
      expect(e.code).toBe('Format.BadSegmentMagic');
      expect(e.details.got).toEqual(new Uint8Array(4));
    });

    test('3. version ≠ 0 → UnsupportedVersion{0, version} before the type', () => {
      const e = errorOf(() => decodeSegmentHeader(craftedHeader({ version: 1, type: 99, headerLen: 5, kind: 4 })));
      expect([e.code, e.details]).toEqual(['Format.UnsupportedVersion', { major: 0, minor: 1 }]);
    });

    test('4. type ∉ 1..=9 → UnsupportedVersion{0, code} before header_len', () => {
      for (const type of [0, 10, 0xffff]) {
        const e = errorOf(() => decodeSegmentHeader(craftedHeader({ type, headerLen: 5, kind: 4 })));
        expect([e.code, e.details]).toEqual(['Format.UnsupportedVersion', { major: 0, minor: type }]);
      }
    });

    test('5. header_len ≠ 32 → UnsupportedVersion{0, header_len mod 65536} before kind', () => {
      const e = errorOf(() => decodeSegmentHeader(craftedHeader({ headerLen: 0x0001_0021, kind: 4 })));
      expect([e.code, e.details]).toEqual(['Format.UnsupportedVersion', { major: 0, minor: 0x21 }]);
    });

    test('6. checksum_kind ≠ 0 → UnsupportedVersion{0, kind} before the CRC', () => {
      const e = errorOf(() => decodeSegmentHeader(craftedHeader({ kind: 4 })));
      expect([e.code, e.details]).toEqual(['Format.UnsupportedVersion', { major: 0, minor: 4 }]);
    });

    test('7. header CRC last: corrupt length/reserved/CRC bytes → BadSegmentHeaderChecksum', () => {
      const h = encodeSegmentHeader(SegmentType.Record, 10, 0);
      for (const at of [12, 19, 20, 25, 27, 28, 31]) {
        const e = errorOf(() => decodeSegmentHeader(withBytes(h, at, [h[at]! ^ 0x40])));
        expect(e.code).toBe('Format.BadSegmentHeaderChecksum');
      }
      // A corrupted type is an UnsupportedVersion, not a checksum error (the CRC is checked last).
      expect(errorOf(() => decodeSegmentHeader(withBytes(h, 6, [0x20]))).code).toBe('Format.UnsupportedVersion');
    });

    test('payload_len is not checked by the header decoder', () => {
      expect(decodeSegmentHeader(craftedHeader({ payloadLen: 0xffff_ffff_ffff_ffffn })).payloadLen).toBe(
        0xffff_ffff_ffff_ffffn,
      );
    });
  });

  test('encoders refuse invalid arguments with typed errors', () => {
    expect(errorOf(() => encodeSegmentHeader(0 as SegmentType, 0, 0)).code).toBe('Usage.InvalidArgument');
    expect(errorOf(() => encodeSegmentHeader(SegmentType.Record, -1, 0)).code).toBe('Usage.InvalidArgument');
    expect(errorOf(() => encodeSegmentHeader(SegmentType.Record, 0, 2 ** 32)).code).toBe('Usage.InvalidArgument');
    expect(errorOf(() => writeSegmentHeader(new Uint8Array(40), 9, SegmentType.Record, 0, 0)).code).toBe(
      'Usage.InvalidArgument',
    );
  });

  test('property: decode ∘ encode is the identity for every type, length and CRC', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        fc.nat({ max: 0xffff_ffff }),
        (type, payloadLen, payloadCrc) => {
          const h = encodeSegmentHeader(type, payloadLen, payloadCrc);
          expect(decodeSegmentHeader(h)).toEqual({ type, payloadLen: BigInt(payloadLen), payloadCrc });
        },
      ),
    );
  });

  test('property: bit flips anywhere in a header are always detected with a ModelVaultError', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.nat({ max: 1000 }), fc.nat({ max: 255 }), (type, len, bit) => {
        const h = encodeSegmentHeader(type, len, 0x12345678);
        h[bit >> 3]! ^= 1 << (bit & 7);
        expect(thrownBy(() => decodeSegmentHeader(h))).not.toBeNull();
      }),
      { numRuns: 300 },
    );
  });
});

/** A log starting at 8224 from segments, preceded by a zero prefix (scans never read it). */
function log(...segments: Uint8Array[]): Uint8Array {
  return concat([new Uint8Array(SEGMENT_START), ...segments]);
}

describe('strict scan (§4.5) and tolerant scan (§4.6)', () => {
  const manifest = encodeSegment(SegmentType.Manifest, encodeManifest(8224));
  const begin = encodeSegment(SegmentType.TxnBegin, encodeTxnMarker(1n));

  test('an empty log scans to nothing', () => {
    const f = new Uint8Array(SEGMENT_START);
    expect(scanStrict(memorySource(f), SEGMENT_START)).toEqual([]);
    expect(scanTolerant(memorySource(f), SEGMENT_START)).toEqual({ segments: [], stoppedAt: 8224, torn: false });
  });

  test('scanning from a later start (tail replay) sees only the tail', () => {
    const file = build18_2();
    expect(scanStrict(memorySource(file), 8485)).toEqual(EXPECTED_18_2.slice(4));
  });

  test('< 32 trailing bytes: strict → TruncatedSegmentHeader{got, 32, offset}; tolerant stops (torn)', () => {
    for (const junk of [hex('00'), hex('54 53 47 30 00 00'), new Uint8Array(31).fill(0xff)]) {
      const f = log(manifest, junk);
      const e = errorOf(() => scanStrict(memorySource(f), SEGMENT_START));
      expect(e.code).toBe('Format.TruncatedSegmentHeader');
      expect(e.details).toEqual({ got: junk.length, expected: 32, offset: 8274 });
      const t = scanTolerant(memorySource(f), SEGMENT_START);
      expect(t).toEqual({ segments: [expect.objectContaining({ offset: 8224, end: 8274 })], stoppedAt: 8274, torn: true });
    }
  });

  test('payload past EOF: strict → SegmentPayloadPastEof{offset}; tolerant stops at the segment', () => {
    const partial = begin.subarray(0, 40);
    const f = log(manifest, partial);
    const e = errorOf(() => scanStrict(memorySource(f), SEGMENT_START));
    expect([e.code, e.details]).toEqual(['Format.SegmentPayloadPastEof', { offset: 8274 }]);
    expect(scanTolerant(memorySource(f), SEGMENT_START)).toEqual({
      segments: [expect.objectContaining({ offset: 8224 })],
      stoppedAt: 8274,
      torn: true,
    });
    // A complete header with no payload bytes at all is torn too.
    expect(scanTolerant(memorySource(log(manifest, begin.subarray(0, 32))), SEGMENT_START).stoppedAt).toBe(8274);
  });

  test('huge payload_len (up to 2^64−1) is past EOF, never an offset overflow or allocation', () => {
    for (const payloadLen of [0xffff_ffff_ffff_ffffn, 2n ** 53n, 2n ** 32n, 19n]) {
      const f = log(manifest, craftedHeader({ payloadLen }), new Uint8Array(18));
      const reads: [number, number][] = [];
      const e = errorOf(() => scanStrict(memorySource(f, reads), SEGMENT_START));
      expect([e.code, e.details]).toEqual(['Format.SegmentPayloadPastEof', { offset: 8274 }]);
      expect(Math.max(...reads.map(([, n]) => n))).toBeLessThanOrEqual(f.length);
      expect(scanTolerant(memorySource(f), SEGMENT_START)).toMatchObject({ stoppedAt: 8274, torn: true });
    }
  });

  test('32+ bytes of zeros or garbage after the log → BadSegmentMagic in both scans', () => {
    for (const junk of [new Uint8Array(32), new Uint8Array(100).fill(0x5a)]) {
      const f = log(manifest, junk);
      for (const scan of [scanStrict, scanTolerant]) {
        const e = errorOf(() => scan(memorySource(f), SEGMENT_START));
        expect(e.code).toBe('Format.BadSegmentMagic');
        expect(e.details.offset).toBe(8274);
      }
    }
  });

  test('header errors carry the segment offset in both scans', () => {
    const badCrc = withBytes(begin, 28, [begin[28]! ^ 1]);
    const f = log(manifest, badCrc);
    for (const scan of [scanStrict, scanTolerant]) {
      const e = errorOf(() => scan(memorySource(f), SEGMENT_START));
      expect([e.code, e.details]).toEqual(['Format.BadSegmentHeaderChecksum', { offset: 8274 }]);
    }
    const unknownType = log(manifest, craftedHeader({ type: 12 }));
    const e = errorOf(() => scanTolerant(memorySource(unknownType), SEGMENT_START));
    expect([e.code, e.details]).toEqual(['Format.UnsupportedVersion', { major: 0, minor: 12, offset: 8274 }]);
  });

  test('payload CRC mismatch is fatal in both scans, except for Checkpoint and Temp', () => {
    for (const type of [1, 2, 3, 5, 6, 7, 8] as SegmentType[]) {
      const seg = encodeSegment(type, hex('01 02 03 04 05'));
      seg[34]! ^= 0x80;
      const f = log(manifest, seg);
      for (const scan of [scanStrict, scanTolerant]) {
        const e = errorOf(() => scan(memorySource(f), SEGMENT_START));
        expect([e.code, e.details]).toEqual(['Format.BadSegmentPayloadChecksum', { offset: 8274 }]);
      }
    }
    for (const type of [SegmentType.Checkpoint, SegmentType.Temp]) {
      const seg = encodeSegment(type, hex('01 02 03 04 05'));
      seg[34]! ^= 0x80;
      const f = log(manifest, seg, manifest);
      expect(scanStrict(memorySource(f), SEGMENT_START).map((s) => s.type)).toEqual([3, type, 3]);
    }
  });

  test('large payloads are checksummed in chunks (no single read beyond 1 MiB) and still verified', () => {
    const big = new Uint8Array(2_500_000);
    for (let i = 0; i < big.length; i += 4099) big[i] = i & 0xff;
    const seg = encodeSegment(SegmentType.Record, big);
    const f = log(manifest, seg, manifest);
    const reads: [number, number][] = [];
    const segs = scanStrict(memorySource(f, reads), SEGMENT_START);
    expect(segs.map((s) => [s.offset, s.payloadLen])).toEqual([
      [8224, 18],
      [8274, big.length],
      [8274 + 32 + big.length, 18],
    ]);
    expect(Math.max(...reads.map(([, n]) => n))).toBeLessThanOrEqual(1024 * 1024);
    const corrupt = withBytes(f, 8274 + 32 + 2_000_000, [0x77]);
    expect(errorOf(() => scanStrict(memorySource(corrupt), SEGMENT_START)).code).toBe('Format.BadSegmentPayloadChecksum');
  });

  test('reads are few and large, not per byte or per segment', () => {
    const segs: Uint8Array[] = [];
    for (let i = 0; i < 500; i++) segs.push(encodeSegment(SegmentType.TxnBegin, encodeTxnMarker(BigInt(i))));
    const f = log(...segs);
    const reads: [number, number][] = [];
    expect(scanStrict(memorySource(f, reads), SEGMENT_START)).toHaveLength(500);
    expect(reads.length).toBeLessThan(5);
  });

  test('start beyond the end scans nothing; a non-integer start is a usage error', () => {
    const f = log(manifest);
    expect(scanStrict(memorySource(f), f.length)).toEqual([]);
    expect(scanTolerant(memorySource(f), f.length + 10)).toEqual({ segments: [], stoppedAt: f.length, torn: false });
    expect(errorOf(() => scanStrict(memorySource(f), -1)).code).toBe('Usage.InvalidArgument');
  });

  test('property: random log bytes (with and without a valid first header) only yield ModelVaultErrors', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.integer({ min: 1, max: 9 }),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.boolean(),
        (junk, type, payloadLen, lead) => {
          const first = lead ? [craftedHeader({ type, payloadLen })] : [];
          const f = log(...first, junk);
          const reads: [number, number][] = [];
          thrownBy(() => scanStrict(memorySource(f, reads), SEGMENT_START));
          thrownBy(() => scanTolerant(memorySource(f, reads), SEGMENT_START));
          thrownBy(() => decodeSegmentHeader(junk));
          for (const [, n] of reads) expect(n).toBeLessThanOrEqual(f.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('property: truncating a clean log anywhere — tolerant keeps exactly the complete prefix, strict fails unless on a boundary', () => {
    const file = build18_2();
    const full = scanStrict(memorySource(file), SEGMENT_START);
    fc.assert(
      fc.property(fc.integer({ min: SEGMENT_START, max: file.length }), (cut) => {
        const f = file.subarray(0, cut);
        const kept = full.filter((s) => s.end <= cut);
        const boundary = cut === SEGMENT_START || full.some((s) => s.end === cut);
        const firstCut = full.find((s) => s.end > cut);
        expect(scanTolerant(memorySource(f), SEGMENT_START)).toEqual({
          segments: kept,
          stoppedAt: boundary ? cut : firstCut!.offset,
          torn: !boundary,
        });
        const e = thrownBy(() => scanStrict(memorySource(f), SEGMENT_START));
        if (boundary) expect(e).toBeNull();
        else {
          expect(e!.code).toBe(cut - firstCut!.offset < 32 ? 'Format.TruncatedSegmentHeader' : 'Format.SegmentPayloadPastEof');
          expect(e!.details.offset).toBe(firstCut!.offset);
        }
      }),
      { numRuns: 300 },
    );
  });

  test('property: mutated logs (bit flips, junk, truncation) only ever yield ModelVaultErrors and in-bounds reads', () => {
    const file = build18_2();
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: (file.length - SEGMENT_START) * 8 - 1 }), { minLength: 1, maxLength: 4 }),
        fc.uint8Array({ maxLength: 80 }),
        fc.nat({ max: file.length - SEGMENT_START }),
        (bits, tail, cut) => {
          const f = concat([file.subarray(0, file.length - cut), tail]);
          for (const bit of bits) {
            const at = SEGMENT_START + (bit >> 3);
            if (at < f.length) f[at]! ^= 1 << (bit & 7);
          }
          const reads: [number, number][] = [];
          const strict = thrownBy(() => scanStrict(memorySource(f, reads), SEGMENT_START));
          let tolerant: ReturnType<typeof scanTolerant> | null = null;
          const te = thrownBy(() => (tolerant = scanTolerant(memorySource(f, reads), SEGMENT_START)));
          // Strict success implies tolerant success with the same segments and no torn tail.
          if (strict === null) {
            expect(te).toBeNull();
            expect(tolerant!.torn).toBe(false);
          }
          // Tolerant failure implies strict failure with the same error.
          if (te !== null) expect(strict?.code).toBe(te.code);
        },
      ),
      { numRuns: 300 },
    );
  });
});
