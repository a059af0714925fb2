// Differential: typed `where` objects (translated to the engine's predicates, planned with
// and without indexes) return exactly the rows a plain JavaScript filter over the typed rows
// selects.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Database, model, t } from '../../src/index.ts';
import type { InferRow, Where } from '../../src/index.ts';

const shape = {
  id: t.int64(),
  qty: t.int64({ mode: 'number' }),
  status: t.enum(['a', 'b', 'c']),
  note: t.optional(t.string()),
  box: t.optional(t.object({ w: t.float64() })),
};
const Indexed = model('things', shape, { primaryKey: 'id', indexes: ['qty', 'status', 'note', 'box.w'] });
const Plain = model('things', shape, { primaryKey: 'id' });
type Row = InferRow<typeof Indexed>;
type W = Where<typeof shape>;

const rowArb = fc.record({
  qty: fc.integer({ min: -3, max: 3 }),
  status: fc.constantFrom('a' as const, 'b' as const, 'c' as const),
  note: fc.option(fc.constantFrom('x', 'y', ''), { nil: null }),
  box: fc.option(fc.record({ w: fc.constantFrom(0, 1.5, -2) }), { nil: null }),
});

type Leaf = { where: W; test: (r: Row) => boolean };
const qtyArb = fc.integer({ min: -3, max: 3 });
const leafArb: fc.Arbitrary<Leaf> = fc.oneof(
  qtyArb.map((v) => ({ where: { qty: v }, test: (r: Row) => r.qty === v })),
  qtyArb.map((v) => ({ where: { qty: { gte: v } }, test: (r: Row) => r.qty >= v })),
  qtyArb.map((v) => ({ where: { qty: { lt: v } }, test: (r: Row) => r.qty < v })),
  qtyArb.map((v) => ({ where: { qty: { ne: v } }, test: (r: Row) => r.qty !== v })),
  fc.tuple(qtyArb, qtyArb).map(([a, b]): Leaf => ({ where: { qty: { between: [a, b] } }, test: (r: Row) => r.qty >= a && r.qty <= b })),
  fc.constantFrom('a' as const, 'b' as const, 'c' as const).map((v) => ({ where: { status: v }, test: (r: Row) => r.status === v })),
  fc.subarray(['a', 'b', 'c'] as const).map((vs) => ({ where: { status: { in: vs } }, test: (r: Row) => (vs as readonly string[]).includes(r.status) })),
  fc.constant({ where: { note: null }, test: (r: Row) => r.note === null }),
  fc.constantFrom('x', 'y', '').map((v) => ({ where: { note: v }, test: (r: Row) => r.note === v })),
  fc.constant({ where: { box: null }, test: (r: Row) => r.box === null }),
  fc.constantFrom(0, 1.5, -2).map((v) => ({ where: { box: { w: { lte: v } } }, test: (r: Row) => r.box !== null && r.box.w <= v })),
);

const whereArb: fc.Arbitrary<Leaf> = fc.letrec<{ node: Leaf }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc.array(tie('node'), { maxLength: 3 }).map((xs) => ({ where: { $or: xs.map((x) => x.where) }, test: (r: Row) => xs.some((x) => x.test(r)) })),
    fc.array(tie('node'), { maxLength: 3 }).map((xs) => ({ where: { $and: xs.map((x) => x.where) }, test: (r: Row) => xs.every((x) => x.test(r)) })),
    tie('node').map((x) => ({ where: { $not: x.where }, test: (r: Row) => !x.test(r) })),
    fc.tuple(leafArb, leafArb).map(([a, b]) => ({ where: { ...a.where, ...b.where }, test: (r: Row) => (Object.keys(a.where).some((k) => k in b.where) ? b.test(r) : a.test(r) && b.test(r)) })),
  ),
})).node;

describe('typed where', () => {
  test('matches a brute-force filter, with and without indexes', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 25 }), whereArb, (rows, w) => {
        for (const M of [Indexed, Plain]) {
          const db = Database.openInMemory();
          const c = db.collection(M);
          c.insertMany(rows.map((r, i) => ({ id: BigInt(i), ...r })));
          const expected = c.all().filter(w.test).map((r) => r.id);
          expect(c.query({ where: w.where }).map((r) => r.id)).toEqual(expected);
          expect(c.count(w.where)).toBe(expected.length);
          db.close();
        }
      }),
      { numRuns: 150 },
    );
  });
});
