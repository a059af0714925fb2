/** The golden JSON encodings: Rust float text, tagged values and schemas, both directions. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  compareUtf8,
  fieldFromJson,
  fieldToJson,
  floatFromBitsHex,
  indexFromJson,
  indexToJson,
  rowFromJson,
  rowToJson,
  rustFloatText,
  scalarFromJson,
  valueFromJson,
} from '../../src/schema/tagged-json.ts';
import type { Json } from '../../src/schema/tagged-json.ts';
import { GOLDEN_DIR } from '../golden/golden-files.ts';

function* walk(j: unknown): Generator<Record<string, unknown>> {
  if (Array.isArray(j)) for (const x of j) yield* walk(x);
  else if (j !== null && typeof j === 'object') {
    yield j as Record<string, unknown>;
    for (const v of Object.values(j)) yield* walk(v);
  }
}

const goldenJson = readdirSync(GOLDEN_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(`${GOLDEN_DIR}/${f}`, 'utf8')));

describe('rustFloatText', () => {
  it('matches every float64 text in the golden files', () => {
    let n = 0;
    for (const g of goldenJson) {
      for (const o of walk(g)) {
        if (typeof o.float64 === 'string' && typeof o.bits === 'string') {
          expect(rustFloatText(floatFromBitsHex(o.bits))).toBe(o.float64);
          n++;
        }
      }
    }
    expect(n).toBeGreaterThan(20);
  });

  it('follows Rust {:?} around the notation thresholds', () => {
    expect(rustFloatText(1)).toBe('1.0');
    expect(rustFloatText(-0)).toBe('-0.0');
    expect(rustFloatText(0.0001)).toBe('0.0001');
    expect(rustFloatText(0.00001)).toBe('1e-5');
    expect(rustFloatText(1.5e-7)).toBe('1.5e-7');
    expect(rustFloatText(1e15)).toBe('1000000000000000.0');
    expect(rustFloatText(1e16)).toBe('1e16');
    expect(rustFloatText(1.2345e20)).toBe('1.2345e20');
    expect(rustFloatText(123.456)).toBe('123.456');
    expect(rustFloatText(NaN)).toBe('NaN');
    expect(rustFloatText(-Infinity)).toBe('-inf');
  });
});

describe('tagged values', () => {
  it('decodes every scalar tag with exact 64-bit values', () => {
    expect(scalarFromJson({ int64: '-9223372036854775808' })).toEqual({ type: 'int64', value: -(2n ** 63n) });
    expect(scalarFromJson({ uint64: '18446744073709551615' })).toEqual({ type: 'uint64', value: 2n ** 64n - 1n });
    expect(Object.is(scalarFromJson({ float64: '-0.0', bits: '8000000000000000' }).value, -0)).toBe(true);
    expect(scalarFromJson({ uuid: '00010203-0405-0607-0809-0a0b0c0d0e0f' }).value).toEqual(
      Uint8Array.from({ length: 16 }, (_, i) => i),
    );
    expect(scalarFromJson({ bytes: '00ff' }).value).toEqual(Uint8Array.of(0, 255));
    expect(valueFromJson({ list: [{ bool: true }, null] })).toEqual([true, null]);
    expect(() => scalarFromJson({ int64: '9223372036854775808' })).toThrow(/out of range/);
    expect(() => scalarFromJson({ nope: 1 })).toThrow();
  });

  it('round-trips every golden row through rowFromJson/rowToJson', () => {
    let n = 0;
    for (const g of goldenJson) {
      for (const c of (g.expected_port ?? g.expected ?? []) as { fields: Json[]; rows: Json[] }[]) {
        const fields = c.fields.map(fieldFromJson);
        for (const row of c.rows) {
          expect(rowToJson(fields, rowFromJson(row))).toEqual(row);
          n++;
        }
      }
    }
    expect(n).toBeGreaterThan(100);
  });

  it('round-trips every golden schema', () => {
    for (const g of goldenJson) {
      for (const c of (g.expected ?? []) as { fields: Json[]; indexes: Json[] }[]) {
        expect(c.fields.map((f) => fieldToJson(fieldFromJson(f)))).toEqual(c.fields);
        expect(c.indexes.map((i) => indexToJson(indexFromJson(i)))).toEqual(c.indexes);
      }
    }
  });

  it('orders keys by UTF-8 bytes', () => {
    expect(['\u{1F980}', '\uFFFD', 'a'].sort(compareUtf8)).toEqual(['a', '\uFFFD', '\u{1F980}']);
  });
});

describe('stringifyJson', () => {
  it('equals JSON.stringify for ordinary values and keeps byte order for integer-like row keys', async () => {
    const { stringifyJson } = await import('../../src/schema/tagged-json.ts');
    const sample = { a: [1, 'x', null, { b: true, c: [] }], d: {}, e: 'q"\n' };
    expect(stringifyJson(sample, 2)).toBe(JSON.stringify(sample, null, 2));
    expect(stringifyJson(sample, 0)).toBe(JSON.stringify(sample));
    const fields = ['10', '9', 'a'].map((n) => ({ path: [n], type: 'bool' as const, constraints: [] }));
    const row = rowToJson(fields, { '9': true, a: false, '10': true });
    expect(stringifyJson(row, 0)).toBe('{"10":{"bool":true},"9":{"bool":true},"a":{"bool":false}}');
    expect(row).toEqual({ '9': { bool: true }, '10': { bool: true }, a: { bool: false } });
  });
});
