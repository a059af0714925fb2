/** The writes the crash and I/O-error suites interrupt, over a small `users` database. */
import type { Database } from '../../src/engine/database.ts';
import type { MemFs } from '../../src/fs/memfs.ts';
import type { FieldDef } from '../../src/schema/types.ts';
import type { Row } from '../../src/schema/values.ts';
import { user, userFields, userIndexes, withUsers } from '../write/helpers.ts';

export interface Snapshot {
  schema: unknown;
  rows: Record<string, Row[]>;
}

/** `users` with rows 1..3 (committed, synced). */
export function setupUsers(fs: MemFs): Database {
  const db = withUsers(fs);
  db.insert('users', user(1, 'a@x', 'red'));
  db.insert('users', user(2, 'b@x', 'red'));
  db.insert('users', user(3, 'c@x', null));
  return db;
}

const teamFields: FieldDef[] = [{ path: ['name'], type: 'string', constraints: [] }];

export const OPERATIONS: Record<string, (db: Database) => void> = {
  register: (db) => {
    db.registerCollection('teams', teamFields, 'name');
  },
  insert: (db) => db.insert('users', user(10, 'new@x', 'blue')),
  replace: (db) => db.insert('users', user(1, 'a2@x', 'blue')),
  delete: (db) => {
    db.delete('users', 2n);
  },
  'transaction of 3 writes': (db) =>
    db.transaction(() => {
      db.insert('users', user(11, 'k@x', 'red'));
      db.insert('users', user(3, 'c2@x', 'blue'));
      db.delete('users', 1n);
    }),
  'schema version': (db) => {
    db.registerSchemaVersion(
      'users',
      [...userFields, { path: ['age'], type: { optional: 'int64' }, constraints: [] }],
      [...userIndexes, { name: 'by_email', path: ['email'], kind: 'non_unique' }],
    );
  },
};
