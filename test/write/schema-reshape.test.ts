/**
 * After a schema version bump, a live handle presents existing rows under the new schema
 * exactly as a reopen does (new optional fields null, dropped fields gone) — for get,
 * queries, iteration and dumps — and a rolled-back bump restores the old shape.
 */
import { describe, expect, it } from 'vitest';
import { Database } from '../../src/engine/database.ts';
import { dumpDatabase } from '../../src/engine/dump.ts';
import { createMemFs } from '../../src/fs/memfs.ts';
import type { MemFs } from '../../src/fs/memfs.ts';
import { isNull } from '../../src/query/ast.ts';
import type { FieldDef, IndexDef } from '../../src/schema/types.ts';
import { P, indexKeys, schemaOf, stateOf, user, userFields, withUsers } from './helpers.ts';

const withAge: FieldDef[] = [...userFields, { path: ['age'], type: { optional: 'int64' }, constraints: [] }];
const withAgeIndexes: IndexDef[] = [
  { name: 'email_unique', path: ['email'], kind: 'unique' },
  { name: 'by_team', path: ['team'], kind: 'non_unique' },
  { name: 'by_age', path: ['age'], kind: 'non_unique' },
];
const withoutTeam: FieldDef[] = userFields.filter((f) => f.path[0] !== 'team');
const withoutTeamIndexes: IndexDef[] = [{ name: 'email_unique', path: ['email'], kind: 'unique' }];

/** Everything a reader can observe, key order of the rows included. */
function observed(db: Database): unknown {
  const rows = stateOf(db);
  return {
    schema: schemaOf(db),
    rows,
    keys: Object.fromEntries(Object.entries(rows).map(([n, rs]) => [n, rs.map((r) => Object.keys(r))])),
    queried: db.collections().map((c) => db.query(c.name)),
    got: db.get('users', 2n),
    dump: dumpDatabase(db),
    indexes: db.collections().flatMap((c) => c.indexes.map((ix) => indexKeys(db, c.name, ix.name))),
  };
}

function reopened(fs: MemFs, live: Database): unknown {
  live.close();
  const db = Database.open(P, { fs });
  try {
    return observed(db);
  } finally {
    db.close();
  }
}

function seeded(): { fs: MemFs; db: Database } {
  const fs = createMemFs({ directories: ['/data'] });
  const db = withUsers(fs);
  db.insert('users', user(1, 'a@x', 'red'));
  db.insert('users', user(2, 'b@x', null));
  db.insert('users', user(3, 'c@x', 'blue'));
  return { fs, db };
}

describe('rows after a schema version bump', () => {
  it('an added optional field reads as null, live as after a reopen', () => {
    const { fs, db } = seeded();
    expect(db.registerSchemaVersion('users', withAge, withAgeIndexes)).toBe(2);
    expect(db.get('users', 1n)).toEqual({ id: 1n, email: 'a@x', team: 'red', age: null });
    expect(db.query('users', { where: isNull('age') })).toHaveLength(3);
    db.insert('users', { id: 4n, email: 'd@x', team: null, age: 40n });
    expect(db.query('users', { where: { age: 40n } })).toEqual([{ id: 4n, email: 'd@x', team: null, age: 40n }]);
    const live = observed(db);
    expect(reopened(fs, db)).toEqual(live);
  });

  it('a field dropped by a forced version is gone, live as after a reopen', () => {
    const { fs, db } = seeded();
    db.registerSchemaVersion('users', withoutTeam, withoutTeamIndexes, { force: true });
    expect(db.get('users', 1n)).toEqual({ id: 1n, email: 'a@x' });
    expect(Object.keys(db.get('users', 3n)!)).toEqual(['id', 'email']);
    expect([...db.rows('users')].every((r) => !('team' in r))).toBe(true);
    const live = observed(db);
    expect(reopened(fs, db)).toEqual(live);
  });

  it('a checkpoint after the bump holds the reshaped rows', () => {
    const { fs, db } = seeded();
    db.registerSchemaVersion('users', withAge, withAgeIndexes);
    db.checkpoint();
    db.insert('users', user(5, 'e@x', 'red'));
    const live = observed(db);
    expect(reopened(fs, db)).toEqual(live);
    // And a second checkpoint of the reopened (checkpoint-loaded) state.
    const again = Database.open(P, { fs });
    again.registerSchemaVersion('users', withoutTeam, withoutTeamIndexes, { force: true });
    again.checkpoint();
    const afterDrop = observed(again);
    expect(reopened(fs, again)).toEqual(afterDrop);
  });

  it('a rolled-back bump restores the old shape, indexes and schema', () => {
    const { fs, db } = seeded();
    const before = observed(db);
    db.begin();
    db.insert('users', user(6, 'f@x', 'green'));
    db.registerSchemaVersion('users', withAge, withAgeIndexes);
    db.insert('users', { id: 7n, email: 'g@x', team: null, age: 7n });
    expect(db.get('users', 1n)).toEqual({ id: 1n, email: 'a@x', team: 'red', age: null });
    db.rollback();
    expect(db.get('users', 1n)).toEqual({ id: 1n, email: 'a@x', team: 'red' });
    expect(observed(db)).toEqual(before);
    expect(reopened(fs, db)).toEqual(before);
  });

  it('a bump committed inside a transaction matches a reopen', () => {
    const { fs, db } = seeded();
    db.transaction(() => {
      db.insert('users', user(8, 'h@x', 'red'));
      db.registerSchemaVersion('users', withoutTeam, withoutTeamIndexes, { force: true });
      db.insert('users', { id: 9n, email: 'i@x' });
    });
    expect(db.get('users', 8n)).toEqual({ id: 8n, email: 'h@x' });
    const live = observed(db);
    expect(reopened(fs, db)).toEqual(live);
  });
});
