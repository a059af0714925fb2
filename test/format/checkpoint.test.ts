import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { SegmentType } from '../../src/format/constants.ts';
import { checkpointEnvelopeLength, decodeCheckpoint, encodeCheckpointEnvelope } from '../../src/format/checkpoint.ts';
import { encodeSegment } from '../../src/format/segment.ts';
import {
  RECORD_PAYLOAD,
  SCHEMA_PAYLOAD,
  checkpointPayload18_3,
  errorOf,
  hex,
  thrownBy,
  withBytes,
} from './framing-fixtures.ts';

const EMPTY_INDEX_BLOB = hex('02 00 00 00 00 00');

describe('checkpoint payload envelope (FORMAT.md §11.1)', () => {
  test('§18.3: the 135-byte checkpoint payload byte for byte, and back', () => {
    const p = { replayFromOffset: 8928n, catalog: [SCHEMA_PAYLOAD], records: [RECORD_PAYLOAD], indexBlob: EMPTY_INDEX_BLOB };
    const bytes = encodeCheckpointEnvelope(p);
    expect(bytes).toEqual(checkpointPayload18_3());
    expect(bytes.length).toBe(135);
    expect(checkpointEnvelopeLength(p)).toBe(135);
    // replay_from_offset = C + 32 + P for the segment at C = 8761.
    expect(8761 + encodeSegment(SegmentType.Checkpoint, bytes).length).toBe(8928);
    expect(decodeCheckpoint(bytes)).toEqual(p);
  });

  test('decoded entries are views into the payload, not copies', () => {
    const bytes = checkpointPayload18_3();
    const d = decodeCheckpoint(bytes);
    expect(d.catalog[0]!.buffer).toBe(bytes.buffer);
    expect(d.records[0]!.byteOffset).toBe(bytes.byteOffset + 2 + 8 + 4 + 4 + 67 + 4 + 4);
    expect(d.indexBlob.buffer).toBe(bytes.buffer);
  });

  test('empty lists and an empty index blob', () => {
    const p = { replayFromOffset: 0n, catalog: [], records: [], indexBlob: new Uint8Array(0) };
    const bytes = encodeCheckpointEnvelope(p);
    expect(bytes).toEqual(hex('00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00'));
    expect(decodeCheckpoint(bytes)).toEqual(p);
  });

  test('version ≠ 0 → UnsupportedVersion{0, version}', () => {
    const e = errorOf(() => decodeCheckpoint(withBytes(checkpointPayload18_3(), 0, [5, 0])));
    expect([e.code, e.details]).toEqual(['Format.UnsupportedVersion', { major: 0, minor: 5 }]);
  });

  test('every truncation → InvalidCatalogPayload "unexpected eof"', () => {
    const bytes = checkpointPayload18_3();
    for (let n = 0; n < bytes.length; n++) {
      const e = errorOf(() => decodeCheckpoint(bytes.subarray(0, n)));
      expect([e.code, e.details]).toEqual(['Format.InvalidCatalogPayload', { message: 'unexpected eof' }]);
    }
  });

  test('leftover bytes → InvalidCatalogPayload "trailing bytes in checkpoint payload"', () => {
    const bytes = checkpointPayload18_3();
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    const e = errorOf(() => decodeCheckpoint(longer));
    expect([e.code, e.details]).toEqual([
      'Format.InvalidCatalogPayload',
      { message: 'trailing bytes in checkpoint payload' },
    ]);
  });

  test('hostile counts and lengths fail as unexpected eof without allocating', () => {
    // catalog_count = 2^32 − 1 with only a few bytes left.
    const hugeCount = hex('00 00  00 00 00 00 00 00 00 00  ff ff ff ff  00 00 00 00');
    expect(errorOf(() => decodeCheckpoint(hugeCount)).details).toEqual({ message: 'unexpected eof' });
    // One catalog entry whose u32 length is 2^32 − 1.
    const hugeLen = hex('00 00  00 00 00 00 00 00 00 00  01 00 00 00  ff ff ff ff  00');
    expect(errorOf(() => decodeCheckpoint(hugeLen)).details).toEqual({ message: 'unexpected eof' });
    const hugeBlob = hex('00 00  00 00 00 00 00 00 00 00  00 00 00 00  00 00 00 00  ff ff ff ff');
    expect(errorOf(() => decodeCheckpoint(hugeBlob)).details).toEqual({ message: 'unexpected eof' });
  });

  test('the embedded payloads are not interpreted by the envelope decoder', () => {
    const p = { replayFromOffset: 1n, catalog: [hex('ff')], records: [new Uint8Array(0)], indexBlob: hex('00') };
    expect(decodeCheckpoint(encodeCheckpointEnvelope(p))).toEqual(p);
  });

  test('encoder refuses a replay offset outside u64', () => {
    const p = { replayFromOffset: -1n, catalog: [], records: [], indexBlob: new Uint8Array(0) };
    expect(errorOf(() => encodeCheckpointEnvelope(p)).code).toBe('Usage.InvalidArgument');
  });

  const arbPayload = fc.record({
    replayFromOffset: fc.bigInt({ min: 0n, max: 0xffff_ffff_ffff_ffffn }),
    catalog: fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 6 }),
    records: fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 6 }),
    indexBlob: fc.uint8Array({ maxLength: 40 }),
  });

  test('property: decode ∘ encode is the identity', () => {
    fc.assert(
      fc.property(arbPayload, (p) => {
        const bytes = encodeCheckpointEnvelope(p);
        expect(bytes.length).toBe(checkpointEnvelopeLength(p));
        expect(decodeCheckpoint(bytes)).toEqual(p);
      }),
      { numRuns: 200 },
    );
  });

  test('property: mutated and random payloads decode or throw only ModelVaultError', () => {
    fc.assert(
      fc.property(arbPayload, fc.array(fc.nat(), { maxLength: 4 }), fc.nat(), fc.uint8Array({ maxLength: 60 }), (p, flips, cut, junk) => {
        const bytes = encodeCheckpointEnvelope(p);
        for (const f of flips) bytes[f % bytes.length]! ^= 1 << (f % 8);
        thrownBy(() => decodeCheckpoint(bytes.subarray(0, bytes.length - (cut % (bytes.length + 1)))));
        thrownBy(() => decodeCheckpoint(bytes));
        thrownBy(() => decodeCheckpoint(junk));
      }),
      { numRuns: 300 },
    );
  });
});
