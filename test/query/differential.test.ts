/**
 * Differential: random collections, rows, indexes and queries; every result must equal an
 * independent brute-force filter → sort → slice over the model's rows, through the typed API
 * with indexes, without indexes, through `queryIter`/`count`, and through SQL text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Database } from '../../src/engine/database.ts';
import type { OrderKey, Predicate } from '../../src/query/ast.ts';
import type { FieldDef, IndexDef } from '../../src/schema/types.ts';
import type { Row } from '../../src/schema/values.ts';

const FIELDS: FieldDef[] = [
  { path: ['id'], type: 'int64', constraints: [] },
  { path: ['a'], type: { optional: 'int64' }, constraints: [] },
  { path: ['b'], type: 'string', constraints: [] },
  { path: ['c'], type: { optional: 'float64' }, constraints: [] },
  { path: ['d'], type: 'bool', constraints: [] },
  { path: ['n'], type: { object: [{ path: ['x'], type: { optional: 'uint64' }, constraints: [] }] }, constraints: [] },
  { path: ['u'], type: { optional: 'string' }, constraints: [] },
];

type Leaf = { path: string[]; type: 'int64' | 'string' | 'float64' | 'bool' | 'uint64' };
const LEAVES: Leaf[] = [
  { path: ['id'], type: 'int64' },
  { path: ['a'], type: 'int64' },
  { path: ['b'], type: 'string' },
  { path: ['c'], type: 'float64' },
  { path: ['d'], type: 'bool' },
  { path: ['n', 'x'], type: 'uint64' },
  { path: ['u'], type: 'string' },
];

const STRINGS = ['', 'a', 'ab', 'b', 'z', 'é', '\u{1F600}', '\uFFFD'];
const FLOATS = [-0, 0, 1.5, -2, 1e300, -Infinity, Infinity, 0.1];
const valueArb = (t: Leaf['type']): fc.Arbitrary<unknown> => {
  switch (t) {
    case 'int64':
      return fc.integer({ min: -6, max: 6 }).map(BigInt);
    case 'uint64':
      return fc.integer({ min: 0, max: 5 }).map(BigInt);
    case 'string':
      return fc.constantFrom(...STRINGS);
    case 'float64':
      return fc.constantFrom(...FLOATS);
    case 'bool':
      return fc.boolean();
  }
};

const rowArb = fc.record({
  id: fc.integer({ min: -15, max: 15 }).map(BigInt),
  a: fc.option(valueArb('int64'), { nil: null }),
  b: valueArb('string'),
  c: fc.option(valueArb('float64'), { nil: null }),
  d: fc.boolean(),
  x: fc.option(valueArb('uint64'), { nil: null }),
  uniq: fc.boolean(),
});

type Op = { kind: 'insert'; row: ReturnType<typeof toRow> } | { kind: 'delete'; id: bigint };
function toRow(r: { id: bigint; a: unknown; b: unknown; c: unknown; d: boolean; x: unknown; uniq: boolean }) {
  return { id: r.id, a: r.a, b: r.b, c: r.c, d: r.d, n: { x: r.x }, u: r.uniq ? `u${r.id}` : null } as Record<string, unknown>;
}
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: rowArb.map((r) => ({ kind: 'insert' as const, row: toRow(r) })) },
  { weight: 1, arbitrary: fc.integer({ min: -15, max: 15 }).map((i) => ({ kind: 'delete' as const, id: BigInt(i) })) },
);

const leafPred = fc.constantFrom(...LEAVES).chain((leaf): fc.Arbitrary<Predicate> => {
  const v = valueArb(leaf.type);
  return fc.oneof(
    fc.tuple(fc.constantFrom('eq', 'ne', 'lt', 'lte', 'gt', 'gte'), v).map(([op, value]) => ({ [op]: { path: leaf.path, value } }) as unknown as Predicate),
    fc.tuple(v, v).map(([low, high]) => ({ between: { path: leaf.path, low, high } })),
    fc.array(v, { minLength: 1, maxLength: 4 }).map((values) => ({ in: { path: leaf.path, values } })),
    fc.boolean().map((neg) => (neg ? { isNotNull: { path: leaf.path } } : { isNull: { path: leaf.path } })),
  );
});

const predArb: fc.Arbitrary<Predicate> = fc.letrec<{ p: Predicate }>((tie) => ({
  p: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafPred,
    fc.array(tie('p'), { minLength: 1, maxLength: 3 }).map((items) => ({ and: items })),
    fc.array(tie('p'), { minLength: 1, maxLength: 3 }).map((items) => ({ or: items })),
    tie('p').map((item) => ({ not: item })),
  ),
})).p;

const orderArb = fc.array(
  fc.record({
    path: fc.constantFrom(...LEAVES.map((l) => l.path)),
    direction: fc.constantFrom('asc' as const, 'desc' as const),
    nulls: fc.constantFrom('first' as const, 'last' as const, undefined),
  }),
  { maxLength: 2 },
);

const indexArb = fc.subarray(
  [
    { name: 'by_a', path: ['a'], kind: 'non_unique' },
    { name: 'by_b', path: ['b'], kind: 'non_unique' },
    { name: 'by_c', path: ['c'], kind: 'non_unique' },
    { name: 'by_d', path: ['d'], kind: 'non_unique' },
    { name: 'by_x', path: ['n', 'x'], kind: 'non_unique' },
    { name: 'by_u', path: ['u'], kind: 'unique' },
    { name: 'by_id', path: ['id'], kind: 'unique' },
  ] satisfies IndexDef[],
);

// ---- brute force (independent of src/query) --------------------------------------------

const enc = new TextEncoder();
function at(row: Row, path: string[]): unknown {
  let cur: unknown = row;
  for (const s of path) {
    if (cur === null || typeof cur !== 'object' || cur instanceof Uint8Array || !Object.hasOwn(cur, s)) return undefined;
    cur = (cur as Record<string, unknown>)[s];
  }
  return cur;
}
function kindOk(type: Leaf['type'], v: unknown): boolean {
  return type === 'bool' ? typeof v === 'boolean' : type === 'string' ? typeof v === 'string' : type === 'float64' ? typeof v === 'number' : typeof v === 'bigint';
}
function cmpBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
/** Three-way compare, NaN when unordered. */
function cmp(a: unknown, b: unknown): number {
  if (typeof a === 'string') return Math.sign(cmpBytes(enc.encode(a), enc.encode(b as string)));
  const x = a as number;
  const y = b as number;
  return x < y ? -1 : x > y ? 1 : x == y ? 0 : NaN;
}
const typeOf = (path: string[]) => LEAVES.find((l) => l.path.join('.') === path.join('.'))!.type;
/** `three`: SQL's Kleene logic (null = unknown); otherwise two-valued with false on missing. */
function evalPred(p: Predicate, row: Row, three: boolean): boolean | null {
  const o = p as Record<string, any>;
  const k = Object.keys(o)[0]!;
  const b = o[k];
  if (k === 'and' || k === 'or') {
    const vs = (b as Predicate[]).map((i) => evalPred(i, row, three));
    if (k === 'and') return vs.includes(false) ? false : vs.includes(null) ? null : true;
    return vs.includes(true) ? true : vs.includes(null) ? null : false;
  }
  if (k === 'not') {
    const v = evalPred(b, row, three);
    return v === null ? null : !v;
  }
  const v = at(row, b.path);
  if (k === 'isNull' || k === 'isNotNull') return (v === undefined || v === null) === (k === 'isNull');
  const type = typeOf(b.path);
  if (!kindOk(type, v)) return three ? null : false;
  const c = (w: unknown) => cmp(v, w);
  switch (k) {
    case 'eq':
      return c(b.value) === 0;
    case 'ne':
      return c(b.value) !== 0;
    case 'lt':
      return c(b.value) < 0;
    case 'lte':
      return c(b.value) <= 0;
    case 'gt':
      return c(b.value) > 0;
    case 'gte':
      return c(b.value) >= 0;
    case 'between':
      return c(b.low) >= 0 && c(b.high) <= 0;
    case 'in':
      return (b.values as unknown[]).some((w) => c(w) === 0);
  }
  throw new Error(k);
}
function pkBytes(id: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigInt64(0, id, true);
  return out;
}
function bruteForce(rows: Row[], where: Predicate | null, order: OrderKey[], limit: number | null, offset: number, three: boolean): bigint[] {
  const hits = rows.filter((r) => where === null || evalPred(where, r, three) === true);
  hits.sort((r, s) => {
    for (const k of order) {
      const path = k.path as string[];
      const type = typeOf(path);
      const x = at(r, path);
      const y = at(s, path);
      const xn = !kindOk(type, x);
      const yn = !kindOk(type, y);
      const desc = k.direction === 'desc';
      const nullsFirst = (k.nulls ?? (desc ? 'first' : 'last')) === 'first';
      if (xn || yn) {
        if (xn && yn) continue;
        return xn === nullsFirst ? -1 : 1;
      }
      const c = cmp(x, y);
      if (c !== 0) return desc ? -c : c;
    }
    return cmpBytes(pkBytes(r.id as bigint), pkBytes(s.id as bigint));
  });
  const end = limit === null ? hits.length : offset + limit;
  return hits.slice(offset, end).map((r) => r.id as bigint);
}

// ---- SQL rendering ------------------------------------------------------------------------

function toSql(p: Predicate, params: unknown[]): string {
  const o = p as Record<string, any>;
  const k = Object.keys(o)[0]!;
  const b = o[k];
  if (k === 'and' || k === 'or') return `(${(b as Predicate[]).map((i) => toSql(i, params)).join(k === 'and' ? ' AND ' : ' OR ')})`;
  if (k === 'not') return `NOT (${toSql(b, params)})`;
  const path = (b.path as string[]).join('.');
  if (k === 'isNull') return `${path} IS NULL`;
  if (k === 'isNotNull') return `${path} IS NOT NULL`;
  if (k === 'between') {
    params.push(b.low, b.high);
    return `${path} BETWEEN ? AND ?`;
  }
  if (k === 'in') {
    params.push(...b.values);
    return `${path} IN (${b.values.map(() => '?').join(', ')})`;
  }
  const ops: Record<string, string> = { eq: '=', ne: '<>', lt: '<', lte: '<=', gt: '>', gte: '>=' };
  params.push(b.value);
  return `${path} ${ops[k]} ?`;
}

// ---- the property -------------------------------------------------------------------------

describe('queries: differential against brute force', () => {
  it('typed API (with and without indexes), queryIter, count and SQL agree with brute force', () => {
    fc.assert(
      fc.property(
        indexArb,
        fc.array(opArb, { minLength: 8, maxLength: 60 }),
        fc.array(
          fc.record({
            // Bare leaves and two-leaf conjunctions are what index plans serve; weight them up.
            where: fc.option(
              fc.oneof(
                { weight: 2, arbitrary: predArb },
                { weight: 2, arbitrary: leafPred },
                { weight: 1, arbitrary: fc.tuple(leafPred, leafPred).map(([x, y]) => ({ and: [x, y] })) },
              ),
              { nil: null, freq: 6 },
            ),
            order: orderArb,
            limit: fc.option(fc.integer({ min: 0, max: 8 }), { nil: null }),
            offset: fc.integer({ min: 0, max: 3 }),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        (indexes, ops, queries) => {
          const withIx = Database.openInMemory();
          const plain = Database.openInMemory();
          withIx.registerCollection('t', FIELDS, 'id', indexes);
          plain.registerCollection('t', FIELDS, 'id', []);
          const model = new Map<bigint, Row>();
          for (const op of ops) {
            if (op.kind === 'insert') {
              withIx.insert('t', op.row);
              plain.insert('t', op.row);
              model.set(op.row.id as bigint, withIx.get('t', op.row.id)!);
            } else {
              withIx.delete('t', op.id);
              plain.delete('t', op.id);
              model.delete(op.id);
            }
          }
          const rows = [...model.values()];
          for (const q of queries) {
            const query = { where: q.where, orderBy: q.order, limit: q.limit, offset: q.offset };
            const want = bruteForce(rows, q.where, q.order, q.limit, q.offset, false);
            const ids = (rs: Row[]) => rs.map((r) => r.id as bigint);
            expect(ids(withIx.query('t', query))).toEqual(want);
            expect(ids(plain.query('t', query))).toEqual(want);
            expect(ids([...withIx.queryIter('t', query)])).toEqual(want);
            expect(withIx.count('t', query)).toBe(want.length);
            const params: unknown[] = [];
            let text = 'SELECT * FROM t';
            if (q.where !== null) text += ` WHERE ${toSql(q.where, params)}`;
            if (q.order.length > 0) {
              text += ` ORDER BY ${q.order.map((k) => `${k.path.join('.')} ${k.direction.toUpperCase()}${k.nulls ? ` NULLS ${k.nulls.toUpperCase()}` : ''}`).join(', ')}`;
            }
            if (q.limit !== null) {
              text += ' LIMIT ?';
              params.push(q.limit);
            }
            if (q.offset > 0) text += ` OFFSET ${q.offset}`;
            const sqlWant = bruteForce(rows, q.where, q.order, q.limit, q.offset, true);
            expect(ids(withIx.sql(text, params).rows)).toEqual(sqlWant);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
