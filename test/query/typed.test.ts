import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Database } from '../../src/engine/database.ts';
import { isModelVaultError } from '../../src/errors.ts';
import { and, asc, between, desc, eq, gt, gte, inList, isNotNull, isNull, lt, lte, ne, not, or } from '../../src/query/ast.ts';
import type { Query } from '../../src/query/ast.ts';
import type { FieldDef } from '../../src/schema/types.ts';

const FIELDS: FieldDef[] = [
  { path: ['id'], type: 'int64', constraints: [] },
  { path: ['n'], type: 'int64', constraints: [] },
  { path: ['f'], type: { optional: 'float64' }, constraints: [] },
  { path: ['s'], type: 'string', constraints: [] },
  { path: ['k'], type: { enum: ['a', 'b'] }, constraints: [] },
  { path: ['u'], type: { optional: 'uuid' }, constraints: [] },
  { path: ['p'], type: { object: [{ path: ['q'], type: { optional: 'int64' }, constraints: [] }] }, constraints: [] },
  { path: ['l'], type: { list: 'int64' }, constraints: [] },
];

function make(rows = 200, indexed = true): Database {
  const db = Database.openInMemory();
  db.registerCollection(
    'r',
    FIELDS,
    'id',
    indexed
      ? [
          { name: 'by_n', path: ['n'], kind: 'non_unique' },
          { name: 'by_f', path: ['f'], kind: 'non_unique' },
          { name: 'by_s', path: ['s'], kind: 'unique' },
          { name: 'by_q', path: ['p', 'q'], kind: 'non_unique' },
        ]
      : [],
  );
  db.transaction(() => {
    for (let i = 0; i < rows; i++) {
      db.insert('r', {
        id: BigInt(i),
        n: BigInt(i % 10),
        f: i % 7 === 0 ? null : i % 11 === 0 ? -0 : i / 4,
        s: `s${String(i).padStart(4, '0')}`,
        k: i % 2 ? 'a' : 'b',
        u: null,
        p: { q: i % 3 === 0 ? null : BigInt(i % 5) },
        l: [BigInt(i)],
      });
    }
  });
  return db;
}

function err(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return isModelVaultError(e) ? e.code : `plain ${String(e)}`;
  }
  return 'none';
}

const ids = (rows: readonly { [k: string]: unknown }[]) => rows.map((r) => Number(r.id));

describe('typed queries', () => {
  it('equality, ranges, in, null tests, nested paths and logic', () => {
    const db = make();
    expect(ids(db.query('r', { where: eq('n', 3), limit: 3 }))).toEqual([3, 13, 23]);
    expect(ids(db.query('r', { where: and(gte('n', 8n), lt('id', 30)) }))).toEqual([8, 9, 18, 19, 28, 29]);
    expect(ids(db.query('r', { where: between('id', 5, 7) }))).toEqual([5, 6, 7]);
    expect(ids(db.query('r', { where: inList('s', ['s0004', 's0002', 'zzz']) }))).toEqual([2, 4]);
    expect(db.count('r', { where: isNull('f') })).toBe(29);
    expect(db.count('r', { where: isNotNull('f') })).toBe(171);
    expect(db.count('r', { where: isNull('p.q') })).toBe(67);
    expect(ids(db.query('r', { where: and(eq(['p', 'q'], 4), lte('id', 20)) }))).toEqual([4, 14, 19]);
    expect(ids(db.query('r', { where: or(eq('id', 1), eq('id', 150)) }))).toEqual([1, 150]);
    expect(db.count('r', { where: not(eq('k', 'a')) })).toBe(100);
    expect(db.count('r', { where: ne('k', 'a') })).toBe(100);
    expect(db.count('r', { where: { and: [] } })).toBe(200);
    expect(db.count('r', { where: { or: [] } })).toBe(0);
  });

  it('shorthand equality objects: { path: value }, null = IS NULL, several AND-ed', () => {
    const db = make(40);
    expect(ids(db.query('r', { where: { n: 3 } }))).toEqual([3, 13, 23, 33]);
    expect(ids(db.query('r', { where: { n: 3n, k: 'a' } }))).toEqual([3, 13, 23, 33]);
    expect(ids(db.query('r', { where: { 'p.q': 4, f: null } }))).toEqual([14]);
    expect(db.explain('r', { where: { n: 3 } })).toBe('Plan:\n  IndexLookup index="by_n" kind=NonUnique\n');
    expect(err(() => db.query('r', { where: {} }))).toBe('Query.InvalidPredicate');
    expect(err(() => db.query('r', { where: { p: { q: 1 } } }))).toBe('Query.InvalidPredicate');
    expect(err(() => db.query('r', { where: { zz: 1 } }))).toBe('Query.UnknownField');
  });

  it('float semantics: −0 equals +0 (also through the index), NaN matches nothing', () => {
    const db = make();
    const zeros = ids(db.query('r', { where: eq('f', 0) }));
    const scan = ids(make(200, false).query('r', { where: eq('f', 0) }));
    expect(zeros).toEqual(scan);
    expect(zeros).toEqual([11, 22, 33, 44, 55, 66, 88, 99, 110, 121, 132, 143, 165, 176, 187, 198]);
    expect(db.count('r', { where: eq('f', NaN) })).toBe(0);
    expect(db.count('r', { where: lt('f', NaN) })).toBe(0);
    expect(db.count('r', { where: gte('f', -0) })).toBe(171);
  });

  it('orders by several keys with nulls placement, then by primary key; offset and limit after ordering', () => {
    const db = make(30);
    const rows = db.query('r', { orderBy: [desc('n'), asc('f', 'first')], offset: 1, limit: 4 });
    expect(ids(rows)).toEqual([19, 29, 28, 8]);
    const nullsLast = db.query('r', { where: lt('id', 15), orderBy: 'f' });
    expect(ids(nullsLast).slice(-3)).toEqual([0, 7, 14]);
    expect(ids(nullsLast).slice(0, 2)).toEqual([11, 1]);
    const nullsFirstDesc = db.query('r', { where: lt('id', 15), orderBy: { path: 'f', direction: 'desc' } });
    expect(ids(nullsFirstDesc).slice(0, 3)).toEqual([0, 7, 14]);
  });

  it('projects chosen paths, merging nested ones and never touching stored rows', () => {
    const db = make(5);
    const rows = db.query('r', { where: eq('id', 4), select: ['s', 'p.q', ['p'], 'f'] });
    expect(rows).toEqual([{ s: 's0004', p: { q: 4n }, f: 1 }]);
    expect(db.query('r', { where: eq('id', 3), select: ['p.q', 'f'] })).toEqual([{ p: { q: null }, f: 0.75 }]);
    expect(db.get('r', 4n)).toMatchObject({ p: { q: 4n } });
  });

  it('queryIter pulls lazily and stops at limit', () => {
    const db = make();
    const it1 = db.queryIter('r', { where: gt('n', 5) });
    expect(it1.next().value).toMatchObject({ id: 6n });
    expect(it1.next().value).toMatchObject({ id: 7n });
    expect([...db.queryIter('r', { where: eq('n', 1), offset: 2, limit: 2 })].map((r) => r.id)).toEqual([21n, 31n]);
    // Rows deleted while iterating are skipped, not resurrected.
    const it2 = db.queryIter('r', { where: lt('id', 5) });
    expect(it2.next().value).toMatchObject({ id: 0n });
    db.delete('r', 1n);
    expect([...it2].map((r) => r.id)).toEqual([2n, 3n, 4n]);
  });

  it('explain: reference text for reference plans, a reason for new ones', () => {
    const db = make();
    expect(db.explain('r', { where: eq('n', 3) })).toBe('Plan:\n  IndexLookup index="by_n" kind=NonUnique\n');
    expect(db.explain('r', { where: and(eq('n', 3), eq('s', 's0003')), limit: 2, orderBy: desc('id') })).toBe(
      'Plan:\n  IndexLookup index="by_s" kind=Unique\n  ResidualFilter Eq { path: FieldPath(["n"]), value: Int64(3) }\n  Limit 2\n  OrderBy FieldPath(["id"]) Desc\n',
    );
    expect(db.explain('r', { where: gt('f', 48.5) })).toBe(
      'Plan:\n  IndexRangeScan index="by_f" kind=NonUnique range=(Float64(48.5) .. +inf)\n' +
        '  Why: range on an indexed path: the value-ordered index reads 3 of 200 rows (the reference has no range scans and would use a CollectionScan)\n',
    );
    expect(db.explain('r', { where: and(gte('n', 9), lt('n', 10), eq('k', 'a')) })).toContain('range=[Int64(9) .. Int64(10))');
    expect(db.explain('r', { where: inList('n', [1, 2, 2]) })).toMatch(/^Plan:\n  IndexMultiLookup index="by_n" kind=NonUnique keys=2\n  Why: /);
    // A wide range is not worth the index.
    expect(db.explain('r', { where: gt('n', 0) })).toBe('Plan:\n  CollectionScan\n  Filter Gt { path: FieldPath(["n"]), value: Int64(0) }\n');
    // The most selective usable index wins.
    expect(db.explain('r', { where: and(eq('n', 3), lt('f', 1)) })).toContain('IndexRangeScan index="by_f"');
    expect(db.explain('r', { where: eq('k', 'a'), offset: 3, select: ['id'], orderBy: asc('f', 'first') })).toBe(
      'Plan:\n  CollectionScan\n  Filter Eq { path: FieldPath(["k"]), value: String("a") }\n  Offset 3\n  OrderBy FieldPath(["f"]) Asc NullsFirst\n  Project [FieldPath(["id"])]\n',
    );
  });

  it('indexes follow writes (ordered view rebuilt after changes)', () => {
    const db = make(50);
    expect(ids(db.query('r', { where: gt('f', 11) }))).toEqual([45, 46, 47, 48]);
    db.insert('r', { id: 1000n, n: 0n, f: 99, s: 'new', k: 'a', u: null, p: { q: null }, l: [] });
    db.insert('r', { id: 46n, n: 0n, f: 1, s: 'moved', k: 'a', u: null, p: { q: null }, l: [] });
    expect(ids(db.query('r', { where: gt('f', 11) }))).toEqual([45, 47, 48, 1000]);
    expect(db.explain('r', { where: gt('f', 11) })).toContain('reads 4 of 51 rows');
    db.delete('r', 1000n);
    expect(db.count('r', { where: gt('f', 11) })).toBe(3);
  });

  it.each<[string, Query, string]>([
    ['unknown field', { where: eq('nope', 1) }, 'Query.UnknownField'],
    ['unknown nested member', { where: eq('p.zz', 1) }, 'Query.UnknownField'],
    ['path through a scalar', { where: eq('n.x', 1) }, 'Query.UnknownField'],
    ['string vs int field', { where: eq('n', '1') }, 'Query.TypeMismatch'],
    ['float for int field', { where: gt('n', 1.5) }, 'Query.TypeMismatch'],
    ['unsafe number for int64', { where: eq('n', 2 ** 60) }, 'Query.TypeMismatch'],
    ['out of int64 range', { where: eq('n', 1n << 63n) }, 'Query.TypeMismatch'],
    ['bool vs string', { where: eq('s', true) }, 'Query.TypeMismatch'],
    ['compare a list', { where: eq('l', 1) }, 'Query.TypeMismatch'],
    ['bad uuid text', { where: eq('u', 'not-a-uuid') }, 'Query.TypeMismatch'],
    ['short uuid bytes', { where: eq('u', new Uint8Array(3)) }, 'Query.TypeMismatch'],
    ['unknown operator', { where: { like: { path: 's', value: 'x' } } as never }, 'Query.InvalidPredicate'],
    ['two operators', { where: { eq: { path: 's', value: 'x' }, lt: { path: 's', value: 'x' } } as never }, 'Query.InvalidPredicate'],
    ['null predicate body', { where: { eq: null } as never }, 'Query.InvalidPredicate'],
    ['empty path', { where: eq('', 1) }, 'Query.InvalidPath'],
    ['negative limit', { limit: -1 }, 'Query.InvalidQuery'],
    ['fractional offset', { offset: 1.5 }, 'Query.InvalidQuery'],
    ['order by list', { orderBy: 'l' }, 'Query.TypeMismatch'],
    ['bad direction', { orderBy: { path: 'n', direction: 'up' as never } }, 'Query.InvalidQuery'],
    ['select unknown', { select: ['zz'] }, 'Query.UnknownField'],
  ])('bad query: %s', (_name, q, code) => {
    const db = make(3);
    expect(err(() => db.query('r', q))).toBe(code);
    expect(err(() => db.explain('r', q))).toBe(code);
    expect(err(() => db.count('r', q))).toBe(code);
  });

  it('deep predicates are refused, not a stack overflow', () => {
    const db = make(3);
    let p = eq('n', 1);
    for (let i = 0; i < 10_000; i++) p = not(p);
    expect(err(() => db.query('r', { where: p }))).toBe('Query.InvalidPredicate');
  });

  it('unknown collection and closed handles', () => {
    const db = make(3);
    expect(err(() => db.query('nope', {}))).toBe('Schema.UnknownCollectionName');
    expect(err(() => db.query(99, {}))).toBe('Schema.UnknownCollection');
    db.close();
    expect(err(() => db.query('r', {}))).toBe('Usage.Closed');
  });

  it('limit 0 is empty; no limit returns everything in primary-key byte order', () => {
    const db = Database.fromSnapshotBytes(readFileSync('/work/shared/golden/big_index_scan.typra'));
    expect(db.query('events', { limit: 0 })).toEqual([]);
    const all = db.query('events');
    expect(all.length).toBe(1130);
    expect(all).toEqual([...db.rows('events')]);
  });
});
