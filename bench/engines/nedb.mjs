// @seald-io/nedb: in-memory documents + an append-only JSON-lines file. Appends are not
// fsynced (only compaction is), so its autocommit figure is NOT durable.
import Datastore from '@seald-io/nedb';
import { statSync } from 'node:fs';
import { join } from 'node:path';

export const info = { name: 'nedb', durable: false, notes: '@seald-io/nedb, appends without fsync' };

export async function open(dir, { fresh }) {
  const file = join(dir, 'bench.db');
  const db = new Datastore({ filename: file });
  await db.loadDatabaseAsync();
  if (fresh) {
    await db.ensureIndexAsync({ fieldName: 'id', unique: true });
    await db.ensureIndexAsync({ fieldName: 'grp' });
  }
  return {
    prepare: (rows) => rows,
    async insertEach(rows) {
      for (const r of rows) await db.insertAsync(r);
    },
    async insertAll(rows) {
      // nedb's insert refuses an existing id; an overwrite is a replace by id.
      if ((await db.countAsync({ id: rows[0].id })) === 0) await db.insertAsync(rows);
      else for (const r of rows) await db.updateAsync({ id: r.id }, r, { upsert: true });
    },
    async getMany(ids) {
      let found = 0;
      for (const id of ids) if ((await db.findOneAsync({ id })) !== null) found++;
      return found;
    },
    getOne: (id) => db.findOneAsync({ id }),
    async queryGroups(groups) {
      let total = 0;
      for (const g of groups) total += (await db.findAsync({ grp: g })).length;
      return total;
    },
    // nedb answers $gt/$gte/$lt/$lte from an index when the field has one (grp), else scans.
    rangeRows: (field, lo, hi) => db.findAsync({ [field]: { $gte: lo, $lt: hi } }),
    checkpoint: undefined,
    compact: () => db.compactDatafileAsync(),
    size: () => statSync(file).size,
    close: () => undefined,
  };
}
