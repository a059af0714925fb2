import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BoundOrderKey } from '../../src/query/order.ts';
import { sortRows, topRows } from '../../src/query/order.ts';

const keysArb = fc.array(
  fc.record({
    path: fc.constantFrom(['a'], ['b'], ['c', 'd']),
    desc: fc.boolean(),
    nullsFirst: fc.boolean(),
  }),
  { maxLength: 3 },
).map((ks) =>
  ks.map((k): BoundOrderKey => ({ ...k, type: k.path[0] === 'a' ? 'int64' : k.path[0] === 'b' ? 'float64' : 'string' })),
);

const rowsArb = fc.uniqueArray(
  fc.record({
    pk: fc.string({ maxLength: 3 }),
    a: fc.option(fc.integer({ min: -3, max: 3 }).map(BigInt), { nil: null }),
    b: fc.option(fc.constantFrom(0, -0, 1.5, NaN, -Infinity, 2), { nil: null }),
    d: fc.option(fc.constantFrom('', 'a', 'é', '\u{1F600}', '\uFFFD'), { nil: null }),
  }),
  { selector: (r) => r.pk, maxLength: 60 },
).map((rs) => rs.map((r) => ({ pk: r.pk, row: { a: r.a, b: r.b, c: { d: r.d } } })));

describe('ORDER BY', () => {
  it('top-k equals the prefix of the full sort', () => {
    fc.assert(
      fc.property(rowsArb, keysArb, fc.integer({ min: 0, max: 70 }), (rows, keys, k) => {
        const full = sortRows([...rows], keys);
        expect(topRows(rows, keys, k)).toEqual(full.slice(0, k));
      }),
      { numRuns: 400 },
    );
  });

  it('orders strings by code point (UTF-8 bytes), not UTF-16 units; NaN after numbers; nulls by rule', () => {
    const rows = [
      { pk: '1', row: { d: '\uFFFD' } },
      { pk: '2', row: { d: '\u{1F600}' } },
      { pk: '3', row: { d: null } },
      { pk: '4', row: { d: 'a' } },
    ];
    const asc: BoundOrderKey = { path: ['d'], type: 'string', desc: false, nullsFirst: false };
    expect(sortRows([...rows], [asc]).map((r) => r.pk)).toEqual(['4', '1', '2', '3']);
    expect(sortRows([...rows], [{ ...asc, desc: true, nullsFirst: true }]).map((r) => r.pk)).toEqual(['3', '2', '1', '4']);
    const nums = [
      { pk: 'x', row: { b: NaN } },
      { pk: 'y', row: { b: 1 } },
      { pk: 'z', row: { b: -Infinity } },
    ];
    const b: BoundOrderKey = { path: ['b'], type: 'float64', desc: false, nullsFirst: false };
    expect(sortRows([...nums], [b]).map((r) => r.pk)).toEqual(['z', 'y', 'x']);
    expect(sortRows([...nums], [{ ...b, desc: true }]).map((r) => r.pk)).toEqual(['x', 'y', 'z']);
  });
});
