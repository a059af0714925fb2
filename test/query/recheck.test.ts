/**
 * Every candidate an index yields is re-checked against the whole predicate, the condition
 * the index lookup satisfied included: a (deliberately) wrong index entry may cost time but
 * never yields a wrong row.
 */
import { describe, expect, it } from 'vitest';
import { Database } from '../../src/engine/database.ts';
import { canonicalKey } from '../../src/format/canonical-key.ts';
import { keyString } from '../../src/engine/row-store.ts';
import { between, eq, gte, inList, lt } from '../../src/query/ast.ts';
import type { Query } from '../../src/query/ast.ts';
import type { FieldDef } from '../../src/schema/types.ts';

const FIELDS: FieldDef[] = [
  { path: ['id'], type: 'int64', constraints: [] },
  { path: ['grp'], type: 'int64', constraints: [] },
  { path: ['s'], type: 'string', constraints: [] },
];

function corrupted(): { db: Database; stray: bigint } {
  const db = Database.openInMemory();
  db.registerCollection('t', FIELDS, 'id', [
    { name: 'by_grp', path: ['grp'], kind: 'non_unique' },
    { name: 'by_s', path: ['s'], kind: 'unique' },
  ]);
  for (let i = 0; i < 40; i++) db.insert('t', { id: BigInt(i), grp: BigInt(i % 10), s: `s${i}` });
  const c = db.state.catalog.idOf('t')!;
  const stray = 7n; // its row has grp = 7 and s = 's7'
  const strayKey = keyString(canonicalKey('int64', stray));
  // Test-only corruption: file row 7 under grp = 1 and under s = 's1' as well.
  const strayRow = db.state.rows.get(c, strayKey)!;
  const byGrp = db.state.indexes.get(c, 'by_grp')!;
  byGrp.buckets.get(keyString(canonicalKey('int64', 1n)))!.rows.set(strayKey, strayRow);
  byGrp.version++;
  const byS = db.state.indexes.get(c, 'by_s')!;
  byS.buckets.get(keyString(canonicalKey('string', 's1')))!.rows.set(strayKey, strayRow);
  byS.version++;
  return { db, stray };
}

const ids = (rows: readonly { [k: string]: unknown }[]): bigint[] => rows.map((r) => r['id'] as bigint);

describe('index candidates are re-checked', () => {
  const cases: [string, Query, bigint[]][] = [
    ['equality', { where: eq('grp', 1n) }, [1n, 11n, 21n, 31n]],
    ['equality, limit', { where: eq('grp', 1n), limit: 2 }, [1n, 11n]],
    ['equality, offset', { where: eq('grp', 1n), offset: 3 }, [31n]],
    ['equality, order by', { where: eq('grp', 1n), orderBy: { path: 'id', direction: 'desc' } }, [31n, 21n, 11n, 1n]],
    ['unique equality', { where: eq('s', 's1') }, [1n]],
    ['in', { where: inList('grp', [1n, 2n]) }, [1n, 2n, 11n, 12n, 21n, 22n, 31n, 32n]],
    ['range', { where: lt('grp', 2n) }, [0n, 1n, 10n, 11n, 20n, 21n, 30n, 31n]],
    ['between', { where: between('grp', 1n, 1n) }, [1n, 11n, 21n, 31n]],
    ['equality and more', { where: { and: [eq('grp', 1n), gte('id', 0n)] } }, [1n, 11n, 21n, 31n]],
  ];
  it.each(cases)('%s', (_name, q, expected) => {
    const { db, stray } = corrupted();
    expect(db.explain('t', q)).toMatch(/^Plan:\n  Index/);
    const rows = db.query('t', q);
    expect(ids(rows)).toEqual(expected);
    expect(ids(rows)).not.toContain(stray);
    expect(ids([...db.queryIter('t', q)])).toEqual(expected);
    expect(db.count('t', q)).toBe(expected.length);
  });

  it('an index entry that outlived its row (deleted, or replaced by a row that moved) is never returned', () => {
    const db = Database.openInMemory();
    db.registerCollection('t', FIELDS, 'id', [{ name: 'by_grp', path: ['grp'], kind: 'non_unique' }]);
    for (let i = 0; i < 40; i++) db.insert('t', { id: BigInt(i), grp: BigInt(i % 10), s: `s${i}` });
    const c = db.state.catalog.idOf('t')!;
    const ghostKey = keyString(canonicalKey('int64', 3n));
    const ghost = db.state.rows.get(c, ghostKey)!;
    db.delete('t', 3n);
    const movedKey = keyString(canonicalKey('int64', 13n));
    const moved = db.state.rows.get(c, movedKey)!;
    db.insert('t', { id: 13n, grp: 4n, s: 'other' }); // moved to grp = 4: a new row object
    // Test-only corruption: the index keeps the old row objects under grp = 3.
    const bucket = db.state.indexes.get(c, 'by_grp')!.buckets.get(keyString(canonicalKey('int64', 3n)))!;
    bucket.rows.set(ghostKey, ghost);
    bucket.rows.set(movedKey, moved);
    bucket.inOrder = null;
    for (const q of [
      { where: eq('grp', 3n) },
      { where: eq('grp', 3n), limit: 10 },
      { where: inList('grp', [3n, 4n]) },
      { where: lt('grp', 5n) },
    ] as Query[]) {
      const got = ids(db.query('t', q));
      expect(got).not.toContain(3n);
      expect(got.filter((id) => id === 13n)).toHaveLength(q.where && 'eq' in q.where ? 0 : 1);
      expect(ids([...db.queryIter('t', q)])).toEqual(got);
      expect(db.count('t', q)).toBe(got.length);
    }
  });

  it('the corruption is real: the index itself lists the stray row', () => {
    const { db, stray } = corrupted();
    const entry = db.indexContents('t', 'by_grp').find((e) => e.key === 1n)!;
    expect(entry.pks).toContain(stray);
  });
});
