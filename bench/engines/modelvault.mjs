// modelvault through the BUILT package (dist/), exactly as a user imports it.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';

// MODELVAULT_DIST points at another build (e.g. a clean checkout's) without touching this one.
const dist = process.env.MODELVAULT_DIST ?? join(fileURLToPath(new URL('../..', import.meta.url)), 'dist/index.js');
const { Database } = await import(pathToFileURL(dist).href);

const FIELDS = [
  { path: ['id'], type: 'int64', constraints: [] },
  { path: ['name'], type: 'string', constraints: [] },
  { path: ['score'], type: 'float64', constraints: [] },
  { path: ['active'], type: 'bool', constraints: [] },
  { path: ['tags'], type: { list: 'string' }, constraints: [] },
  { path: ['grp'], type: 'int64', constraints: [] },
];
const INDEXES = [{ name: 'grp_idx', path: ['grp'], kind: 'non_unique' }];
const C = 'bench';

/** Thrown for a feature the engine does not have yet; the table shows "n/a (not implemented yet)". */
export class NotImplemented extends Error {}

export const info = {
  name: 'modelvault',
  durable: true,
  notes: 'append-only log, fsync per commit',
};

/** `lo <= field < hi` with the field's value kind (int64 → bigint, float64 → number). */
function rangeQuery(field, lo, hi) {
  const v = field === 'grp' ? BigInt : Number;
  return { where: { and: [{ gte: { path: field, value: v(lo) } }, { lt: { path: field, value: v(hi) } }] } };
}

export function open(dir, { fresh }) {
  const file = join(dir, 'bench.typra');
  const db = Database.open(file);
  if (fresh) db.registerCollection(C, FIELDS, 'id', INDEXES);
  return {
    // int64 values are bigint in modelvault's value model.
    prepare: (rows) =>
      rows.map((r) => ({ id: BigInt(r.id), name: r.name, score: r.score, active: r.active, tags: r.tags, grp: BigInt(r.grp) })),
    insertEach(rows) {
      for (const r of rows) db.insert(C, r);
    },
    insertAll(rows) {
      db.transaction(() => {
        for (const r of rows) db.insert(C, r);
      });
    },
    getMany(ids) {
      let found = 0;
      for (const id of ids) if (db.get(C, id) !== null) found++;
      return found;
    },
    getOne: (id) => db.get(C, id),
    queryGroups(groups) {
      if (typeof db.query !== 'function') throw new NotImplemented('query');
      let total = 0;
      for (const g of groups) total += db.query(C, { where: { eq: { path: 'grp', value: BigInt(g) } } }).length;
      return total;
    },
    // A half-open range on one field: an index range scan on grp, a collection scan on score.
    rangeRows(field, lo, hi) {
      if (typeof db.query !== 'function') throw new NotImplemented('query');
      return db.query(C, rangeQuery(field, lo, hi));
    },
    planOf(field, lo, hi) {
      if (typeof db.explain !== 'function') throw new NotImplemented('explain');
      const text = db.explain(C, rangeQuery(field, lo, hi));
      return { index: /\bIndexRangeScan\b/.test(text), text };
    },
    checkpoint() {
      if (typeof db.checkpoint !== 'function') throw new NotImplemented('checkpoint');
      db.checkpoint();
    },
    compact() {
      if (typeof db.compactInPlace !== 'function') throw new NotImplemented('compaction');
      db.compactInPlace();
    },
    size: () => statSync(file).size,
    close: () => db.close(),
  };
}
