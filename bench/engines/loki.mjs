// LokiJS: in-memory collections persisted by serialising the WHOLE database to one file
// (no fsync). An "autocommit" write is insert + saveDatabase, which rewrites everything.
import { createRequire } from 'node:module';
import { statSync } from 'node:fs';
import { join } from 'node:path';

const Loki = createRequire(import.meta.url)('lokijs');

export const info = { name: 'lokijs', durable: false, notes: 'lokijs, whole-file save without fsync' };

export async function open(dir, { fresh }) {
  const file = join(dir, 'bench.loki');
  const db = new Loki(file, { adapter: new Loki.LokiFsAdapter(), autosave: false });
  const save = () => new Promise((ok, fail) => db.saveDatabase((e) => (e ? fail(e) : ok())));
  let coll;
  if (fresh) coll = db.addCollection('bench', { unique: ['id'], indices: ['grp'] });
  else {
    await new Promise((ok, fail) => db.loadDatabase({}, (e) => (e ? fail(e) : ok())));
    coll = db.getCollection('bench');
  }
  const upsert = (r) => {
    const old = coll.by('id', r.id);
    if (old === undefined) coll.insert(r);
    else coll.update(Object.assign(old, r));
  };
  return {
    // Loki adds $loki/meta to the objects it stores: give it its own copies.
    prepare: (rows) => rows.map((r) => ({ ...r })),
    async insertEach(rows) {
      for (const r of rows) {
        coll.insert(r);
        await save();
      }
    },
    async insertAll(rows) {
      if (coll.by('id', rows[0].id) === undefined) coll.insert(rows);
      else for (const r of rows) upsert(r);
      await save();
    },
    getMany(ids) {
      let found = 0;
      for (const id of ids) if (coll.by('id', id) !== undefined) found++;
      return found;
    },
    getOne: (id) => coll.by('id', id) ?? null,
    queryGroups(groups) {
      let total = 0;
      for (const g of groups) total += coll.find({ grp: g }).length;
      return total;
    },
    // LokiJS applies only the first operator of {field: {$gte, $lt}}, and uses a binary index
    // only for the first filter of a chain: $between (inclusive, indexed on grp) narrows to
    // [lo, hi], then $lt drops v = hi. On score (no index) both filters scan.
    rangeRows: (field, lo, hi) =>
      coll
        .chain()
        .find({ [field]: { $between: [lo, hi] } })
        .find({ [field]: { $lt: hi } })
        .data(),
    checkpoint: undefined,
    compact: undefined,
    size: () => statSync(file).size,
    close: () => new Promise((ok) => db.close(() => ok())),
  };
}
