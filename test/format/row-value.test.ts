import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from '../../src/format/bytes.ts';
import { isZeroWidth, newDecodeBudget, readRowValue, writeRowValue } from '../../src/format/row-value.ts';
import { truncatedRecord } from '../../src/format/scalar.ts';
import type { FieldDef, Type } from '../../src/schema/types.ts';
import type { Value } from '../../src/schema/values.ts';
import { expectCode, hex, unhex } from './payload-helpers.ts';

const f = (name: string, type: Type): FieldDef => ({ path: [name], type, constraints: [] });
const enc = (t: Type, v: Value | undefined): string => {
  const w = new ByteWriter(4);
  writeRowValue(w, t, v);
  return hex(w.finish());
};
const dec = (t: Type, h: string | Uint8Array, budget = newDecodeBudget()): Value => {
  const r = new ByteReader(typeof h === 'string' ? unhex(h) : h, truncatedRecord);
  const v = readRowValue(r, t, budget);
  expect(r.remaining).toBe(0);
  return v;
};

const dims: Type = { object: [f('w', 'int64'), f('h', { optional: 'int64' })] };

describe('row values (§7.2)', () => {
  it('worked example pieces of the composite v2 record (§18.3)', () => {
    expect(enc({ list: 'string' }, ['a', 'bc'])).toBe('02000000' + '040100000061' + '04020000006263');
    expect(enc({ optional: 'string' }, null)).toBe('00');
    expect(enc({ optional: 'string' }, undefined)).toBe('00');
    expect(enc({ enum: ['red', 'blue'] }, 'blue')).toBe('0404000000626c7565');
    expect(enc(dims, { w: 2n, h: null })).toBe('01020000000000000000');
    expect(dec(dims, '01020000000000000000')).toEqual({ w: 2n, h: null });
  });

  it('absent Optional object members encode as 0x00 and decode as explicit null', () => {
    expect(enc(dims, { w: 2n })).toBe('01020000000000000000');
    expect(dec(dims, enc(dims, { w: 2n }))).toEqual({ w: 2n, h: null });
  });

  it('extra keys of an object are not encoded; later duplicate members overwrite', () => {
    expect(enc(dims, { w: 2n, h: 3n, zzz: 'x' })).toBe(enc(dims, { w: 2n, h: 3n }));
    const dup: Type = { object: [f('a', 'int64'), f('a', 'bool')] };
    expect(dec(dup, '0105000000000000000001')).toEqual({ a: true });
  });

  it('Optional(T) present', () => {
    expect(enc({ optional: 'int64' }, 30n)).toBe('01011e00000000000000');
    expect(dec({ optional: 'int64' }, '01011e00000000000000')).toBe(30n);
    // Optional(Optional(T)): None is always the outer 0x00.
    expect(enc({ optional: { optional: 'bool' } }, null)).toBe('00');
    expect(enc({ optional: { optional: 'bool' } }, true)).toBe('01010001');
    expect(dec({ optional: { optional: 'bool' } }, '01010000')).toBe(false);
    expect(dec({ optional: { optional: 'bool' } }, '0100')).toBe(null);
  });

  it('nested lists, lists of objects and of optionals, empty lists', () => {
    const t: Type = { list: { list: 'int64' } };
    const v = [[1n, -2n], [], [3n]];
    expect(dec(t, enc(t, v))).toEqual(v);
    expect(enc({ list: 'bool' }, [])).toBe('00000000');
    const lo: Type = { list: { object: [f('k', 'string'), f('v', { optional: 'bytes' })] } };
    const lv = [{ k: 'a', v: Uint8Array.of(1) }, { k: '', v: null }];
    expect(dec(lo, enc(lo, lv))).toEqual(lv);
    const lopt: Type = { list: { optional: 'int64' } };
    expect(enc(lopt, [null, 5n])).toBe('02000000' + '00' + '01010500000000000000');
    expect(dec(lopt, enc(lopt, [null, 5n]))).toEqual([null, 5n]);
  });

  it('enum decoding does not check the variant; member named __proto__ stays an own key', () => {
    expect(dec({ enum: ['a'] }, '04010000007a')).toBe('z');
    const t: Type = { object: [f('__proto__', 'int64')] };
    const v = dec(t, '010100000000000000') as Record<string, Value>;
    expect(Object.prototype.hasOwnProperty.call(v, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
  });

  it('bad presence byte, wrong tag → RecordPayloadTypeMismatch', () => {
    expectCode(() => dec({ optional: 'int64' }, '02'), 'Format.RecordPayloadTypeMismatch');
    expectCode(() => dec({ optional: 'int64' }, 'ff'), 'Format.RecordPayloadTypeMismatch');
    expectCode(() => dec({ enum: ['a'] }, '050100000061'), 'Format.RecordPayloadTypeMismatch');
    expectCode(() => dec({ list: 'int64' }, '01000000020000000000000000'), 'Format.RecordPayloadTypeMismatch');
  });

  it('EOF → TruncatedRecordPayload; invalid UTF-8 in enum → InvalidRecordUtf8', () => {
    expectCode(() => dec({ list: 'int64' }, 'ffffffff01'), 'Format.TruncatedRecordPayload');
    expectCode(() => dec(dims, '0102000000'), 'Format.TruncatedRecordPayload');
    expectCode(() => dec({ optional: 'int64' }, ''), 'Format.TruncatedRecordPayload');
    expectCode(() => dec({ enum: ['a'] }, '0401000000ff'), 'Format.InvalidRecordUtf8');
  });

  it('writer: None only under Optional, shapes checked', () => {
    expectCode(() => enc('int64', null), 'Format.RecordPayloadTypeMismatch');
    expectCode(() => enc('int64', undefined), 'Format.RecordPayloadTypeMismatch');
    expectCode(() => enc(dims, { h: 1n }), 'Format.RecordPayloadTypeMismatch');
    expectCode(() => enc(dims, { w: null }), 'Format.RecordPayloadTypeMismatch');
    expectCode(() => enc({ list: 'int64' }, { 0: 1n }), 'Format.RecordPayloadTypeMismatch');
    expectCode(() => enc({ list: 'int64' }, [1n, null]), 'Format.RecordPayloadTypeMismatch');
    expectCode(() => enc(dims, [2n]), 'Format.RecordPayloadTypeMismatch');
    expectCode(() => enc(dims, Uint8Array.of(1)), 'Format.RecordPayloadTypeMismatch');
    expectCode(() => enc({ enum: ['a'] }, 1n), 'Format.RecordPayloadTypeMismatch');
    expectCode(() => enc({ bogus: 1 } as unknown as Type, 1n), 'Format.RecordPayloadTypeMismatch');
  });

  describe('zero-width elements (§16 hardening)', () => {
    const empty: Type = { object: [] };
    it('isZeroWidth', () => {
      expect(isZeroWidth(empty)).toBe(true);
      expect(isZeroWidth({ object: [f('a', { object: [] }), f('b', { object: [f('c', { object: [] })] })] })).toBe(true);
      expect(isZeroWidth({ object: [f('a', { optional: { object: [] } })] })).toBe(false);
      expect(isZeroWidth({ list: empty })).toBe(false);
      expect(isZeroWidth('bool')).toBe(false);
    });

    it('List(Object{}) decodes distinct objects within the budget', () => {
      const v = dec({ list: empty }, '03000000') as Value[];
      expect(v).toEqual([{}, {}, {}]);
      expect(v[0]).not.toBe(v[1]);
    });

    it('count 0xFFFFFFFF fails fast with a typed error, no iteration', () => {
      const t0 = performance.now();
      expectCode(() => dec({ list: empty }, 'ffffffff'), 'Format.DecodeLimitExceeded');
      expect(performance.now() - t0).toBeLessThan(500);
    });

    it('the budget is shared across a payload (nested lists cannot multiply it)', () => {
      const budget = newDecodeBudget(10);
      const t: Type = { list: { list: empty } };
      // 3 inner lists of 4 zero-width elements = 12 > 10.
      expectCode(
        () => dec(t, '03000000' + '04000000'.repeat(3), budget),
        'Format.DecodeLimitExceeded',
      );
      expect(dec(t, '02000000' + '05000000'.repeat(2), newDecodeBudget(10))).toHaveLength(2);
    });
  });
});
