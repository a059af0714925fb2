// lmdb-js (LMDB, memory-mapped B+tree). LMDB has no secondary indexes: the grp index is
// the usual hand-made one, a dupSort table grp → id maintained in the same transaction.
// overlappingSync off and noSync off: a synchronous transaction returns after its fsync.
import { open as openLmdb } from 'lmdb';
import { statSync } from 'node:fs';
import { join } from 'node:path';

export const info = { name: 'lmdb', durable: true, notes: 'lmdb-js, transactionSync per write, hand-made grp index table' };

export function open(dir) {
  const file = join(dir, 'bench.mdb');
  const env = openLmdb({ path: file, overlappingSync: false, noSync: false });
  const main = env.openDB({ name: 'bench', keyEncoding: 'uint32' });
  const grp = env.openDB({ name: 'grp', keyEncoding: 'uint32', dupSort: true, encoding: 'ordered-binary' });
  const put = (r) => {
    main.put(r.id, r);
    grp.put(r.grp, r.id);
  };
  return {
    prepare: (rows) => rows,
    insertEach(rows) {
      for (const r of rows) env.transactionSync(() => put(r));
    },
    insertAll(rows) {
      env.transactionSync(() => {
        for (const r of rows) put(r);
      });
    },
    getMany(ids) {
      let found = 0;
      for (const id of ids) if (main.get(id) !== undefined) found++;
      return found;
    },
    getOne: (id) => main.get(id) ?? null,
    queryGroups(groups) {
      let total = 0;
      for (const g of groups) {
        const rows = [];
        for (const id of grp.getValues(g)) rows.push(main.get(id));
        total += rows.length;
      }
      return total;
    },
    // grp: a key range over the hand-made index table (ordered uint32 keys, every duplicate
    // id in it), then the rows by id; score has no index table, so every row is read.
    rangeRows(field, lo, hi) {
      const rows = [];
      if (field === 'grp') {
        for (const { value: id } of grp.getRange({ start: lo, end: hi })) rows.push(main.get(id));
      } else {
        for (const { value: r } of main.getRange()) if (r[field] >= lo && r[field] < hi) rows.push(r);
      }
      return rows;
    },
    checkpoint: undefined,
    compact: undefined,
    size: () => statSync(file).size,
    close: () => env.close(),
  };
}
