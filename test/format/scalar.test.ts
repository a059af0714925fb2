import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from '../../src/format/bytes.ts';
import { readTaggedScalar, scalarTag, truncatedRecord, writeTaggedScalar } from '../../src/format/scalar.ts';
import type { ScalarType, Type } from '../../src/schema/types.ts';
import type { ScalarValue } from '../../src/schema/values.ts';
import { expectCode, hex, unhex } from './payload-helpers.ts';

const enc = (t: ScalarType, v: ScalarValue): string => {
  const w = new ByteWriter(4);
  writeTaggedScalar(w, t, v);
  return hex(w.finish());
};
const dec = (t: Type, bytes: Uint8Array): { v: ScalarValue; rest: number } => {
  const r = new ByteReader(bytes, truncatedRecord);
  const v = readTaggedScalar(r, t);
  return { v, rest: r.remaining };
};

const UUID = Uint8Array.from({ length: 16 }, (_, i) => i * 17);

describe('tagged scalars (§7.1)', () => {
  it('tags', () => {
    const types: ScalarType[] = ['bool', 'int64', 'uint64', 'float64', 'string', 'bytes', 'uuid', 'timestamp'];
    expect(types.map(scalarTag)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expectCode(() => scalarTag('int32' as ScalarType), 'Format.RecordPayloadTypeMismatch');
  });

  const cases: [ScalarType, ScalarValue, string][] = [
    ['bool', false, '0000'],
    ['bool', true, '0001'],
    ['int64', 1n, '010100000000000000'],
    ['int64', -1n, '01ffffffffffffffff'],
    ['int64', -(1n << 63n), '010000000000000080'],
    ['int64', (1n << 63n) - 1n, '01ffffffffffffff7f'],
    ['uint64', 0n, '020000000000000000'],
    ['uint64', (1n << 64n) - 1n, '02ffffffffffffffff'],
    ['float64', 1.5, '03000000000000f83f'],
    ['float64', -0, '030000000000000080'],
    ['float64', Infinity, '03000000000000f07f'],
    ['float64', -Infinity, '03000000000000f0ff'],
    ['float64', 5e-324, '030100000000000000'],
    ['string', '', '0400000000'],
    ['string', 'Ann', '0403000000416e6e'],
    ['string', 'é🦀', '0406000000c3a9f09fa680'],
    ['string', 'nul\u0000', '04040000006e756c00'],
    ['bytes', new Uint8Array(0), '0500000000'],
    ['bytes', Uint8Array.of(0, 255), '050200000000ff'],
    ['uuid', UUID, `06${hex(UUID)}`],
    ['timestamp', 1700000000000000n, '0700401e18240a0600'],
    ['timestamp', -5n, '07fbffffffffffffff'],
  ];

  for (const [t, v, h] of cases) {
    it(`${t} ${String(v instanceof Uint8Array ? hex(v) : v)}`, () => {
      expect(enc(t, v)).toBe(h);
      const { v: back, rest } = dec(t, unhex(h));
      expect(rest).toBe(0);
      if (typeof v === 'number') expect(Object.is(back, v)).toBe(true);
      else expect(back).toEqual(v);
    });
  }

  it('NaN keeps its bit pattern through write and read', () => {
    const bytes = unhex('03010000000000f87f'); // a quiet NaN with payload 1
    const { v } = dec('float64', bytes);
    expect(Number.isNaN(v)).toBe(true);
    expect(enc('float64', v)).toBe('03010000000000f87f');
    expect(enc('float64', NaN)).toBe('03000000000000f87f');
  });

  it('readers treat any non-zero bool byte as true', () => {
    expect(dec('bool', unhex('0002')).v).toBe(true);
    expect(dec('bool', unhex('00ff')).v).toBe(true);
  });

  it('decoded bytes/uuid are copies, not views of the payload', () => {
    const payload = unhex('050200000000ff');
    const { v } = dec('bytes', payload);
    payload[5] = 7;
    expect(v).toEqual(Uint8Array.of(0, 255));
  });

  it('wrong tag → RecordPayloadTypeMismatch', () => {
    expectCode(() => dec('int64', unhex('020100000000000000')), 'Format.RecordPayloadTypeMismatch');
    expectCode(() => dec('timestamp', unhex('010100000000000000')), 'Format.RecordPayloadTypeMismatch');
    expectCode(() => dec('bool', unhex('0401000000')), 'Format.RecordPayloadTypeMismatch');
    expectCode(() => dec('string', unhex('0500000000')), 'Format.RecordPayloadTypeMismatch');
    expectCode(() => dec('uuid', unhex('ff')), 'Format.RecordPayloadTypeMismatch');
  });

  it('composite expected type consumes the tag, then RecordPayloadUnsupportedType', () => {
    for (const t of [{ optional: 'int64' }, { list: 'int64' }, { object: [] }, { enum: ['a'] }] as Type[]) {
      const r = new ByteReader(unhex('0400000000'), truncatedRecord);
      expectCode(() => readTaggedScalar(r, t), 'Format.RecordPayloadUnsupportedType');
      expect(r.pos).toBe(1);
    }
  });

  it('EOF anywhere → TruncatedRecordPayload', () => {
    for (const [t, , h] of cases) {
      const full = unhex(h);
      for (let n = 0; n < full.length; n++) expectCode(() => dec(t, full.subarray(0, n)), 'Format.TruncatedRecordPayload');
    }
    // A string length far beyond the payload fails before allocating.
    expectCode(() => dec('string', unhex('04ffffffff')), 'Format.TruncatedRecordPayload');
  });

  it('invalid UTF-8 → InvalidRecordUtf8', () => {
    expectCode(() => dec('string', unhex('0401000000ff')), 'Format.InvalidRecordUtf8');
    expectCode(() => dec('string', unhex('0403000000eda080')), 'Format.InvalidRecordUtf8');
    expectCode(() => dec('string', unhex('0402000000c0af')), 'Format.InvalidRecordUtf8');
  });

  it('writer refuses values of the wrong shape or range', () => {
    const bad: [ScalarType, unknown][] = [
      ['bool', 1],
      ['int64', 1],
      ['int64', 1n << 63n],
      ['int64', -(1n << 63n) - 1n],
      ['timestamp', 1.5],
      ['uint64', -1n],
      ['uint64', 1n << 64n],
      ['float64', 1n],
      ['string', Uint8Array.of(1)],
      ['bytes', 'ab'],
      ['uuid', new Uint8Array(15)],
      ['uuid', 'x'],
      ['blob' as ScalarType, 1n],
    ];
    for (const [t, v] of bad) expectCode(() => enc(t, v as ScalarValue), 'Format.RecordPayloadTypeMismatch');
  });
});
