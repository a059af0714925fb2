// better-sqlite3 in the default rollback-journal mode (synchronous=FULL: every commit is
// fsynced) or in WAL mode. better-sqlite3 builds SQLite with WAL synchronous=NORMAL, which
// does not fsync commits; the benchmark asks for durable commits, so WAL runs with
// synchronous=FULL (set on every open: the setting is per connection). Rows come back as
// the same logical object modelvault returns (booleans, parsed tag list), so both sides pay
// for a full row.
import { createRequire } from 'node:module';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

const Sqlite = createRequire(import.meta.url)('better-sqlite3');

export function make(mode) {
  return {
    info: {
      name: mode === 'wal' ? 'sqlite-wal' : 'sqlite',
      durable: true,
      notes: mode === 'wal' ? 'better-sqlite3, journal_mode=WAL, synchronous=FULL' : 'better-sqlite3, default rollback journal, synchronous=FULL',
    },
    open(dir, { fresh }) {
      const file = join(dir, 'bench.sqlite');
      const db = new Sqlite(file);
      if (mode === 'wal') db.pragma('synchronous = FULL');
      if (fresh) {
        if (mode === 'wal') db.pragma('journal_mode = WAL');
        db.exec(
          'CREATE TABLE bench (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL NOT NULL, active INTEGER NOT NULL, tags TEXT NOT NULL, grp INTEGER NOT NULL);' +
            'CREATE INDEX bench_grp ON bench(grp);',
        );
      }
      const ins = db.prepare('INSERT OR REPLACE INTO bench (id, name, score, active, tags, grp) VALUES (?, ?, ?, ?, ?, ?)');
      const sel = db.prepare('SELECT id, name, score, active, tags, grp FROM bench WHERE id = ?');
      const byGrp = db.prepare('SELECT id, name, score, active, tags, grp FROM bench WHERE grp = ?');
      // Ranges: grp has bench_grp (SEARCH … USING INDEX), score has no index (SCAN bench).
      const RANGE_SQL = {
        grp: 'SELECT id, name, score, active, tags, grp FROM bench WHERE grp >= ? AND grp < ?',
        score: 'SELECT id, name, score, active, tags, grp FROM bench WHERE score >= ? AND score < ?',
      };
      const byRange = { grp: db.prepare(RANGE_SQL.grp), score: db.prepare(RANGE_SQL.score) };
      const put = (r) => ins.run(r.id, r.name, r.score, r.active ? 1 : 0, JSON.stringify(r.tags), r.grp);
      const decode = (x) =>
        x === undefined ? null : { id: x.id, name: x.name, score: x.score, active: x.active === 1, tags: JSON.parse(x.tags), grp: x.grp };
      const insertAll = db.transaction((rows) => {
        for (const r of rows) put(r);
      });
      const sizeOf = (p) => (existsSync(p) ? statSync(p).size : 0);
      return {
        prepare: (rows) => rows,
        insertEach(rows) {
          for (const r of rows) put(r);
        },
        insertAll,
        getMany(ids) {
          let found = 0;
          for (const id of ids) if (decode(sel.get(id)) !== null) found++;
          return found;
        },
        getOne: (id) => decode(sel.get(id)),
        queryGroups(groups) {
          let total = 0;
          for (const g of groups) total += byGrp.all(g).map(decode).length;
          return total;
        },
        rangeRows: (field, lo, hi) => byRange[field].all(lo, hi).map(decode),
        planOf(field, lo, hi) {
          const text = db
            .prepare('EXPLAIN QUERY PLAN ' + RANGE_SQL[field])
            .all(lo, hi)
            .map((x) => x.detail)
            .join('; ');
          return { index: /USING INDEX bench_grp/.test(text), text };
        },
        checkpoint: mode === 'wal' ? () => db.pragma('wal_checkpoint(TRUNCATE)') : undefined,
        // In WAL mode VACUUM writes the new image into the WAL; the file shrinks only once
        // that is checkpointed, so compaction there is VACUUM + a truncating checkpoint.
        compact: () => {
          db.exec('VACUUM');
          if (mode === 'wal') db.pragma('wal_checkpoint(TRUNCATE)');
        },
        size: () => sizeOf(file) + sizeOf(file + '-wal') + sizeOf(file + '-journal'),
        close: () => db.close(),
      };
    },
  };
}
