import { Database } from '../../src/engine/database.ts';
import { dumpDatabase } from '../../src/engine/dump.ts';
import type { FsOps } from '../../src/fs/types.ts';
import type { FieldDef, IndexDef } from '../../src/schema/types.ts';

export const f = (path: string | string[], type: FieldDef['type']): FieldDef => ({
  path: typeof path === 'string' ? [path] : path,
  type,
  constraints: [],
});

export const USERS_FIELDS: FieldDef[] = [f('id', 'int64'), f('email', 'string'), f('age', { optional: 'int64' })];
export const USERS_INDEXES: IndexDef[] = [
  { name: 'by_email', path: ['email'], kind: 'unique' },
  { name: 'by_age', path: ['age'], kind: 'non_unique' },
];
/** Multi-segment fields: the reference's checkpoint loses them, ours must not. */
export const DOCS_FIELDS: FieldDef[] = [f('slug', 'string'), f(['meta', 'title'], 'string'), f(['meta', 'words'], 'uint64')];

/** Two collections (one with multi-segment fields), a few rows, a delete, a replace. */
export function populate(db: Database, n = 20): void {
  db.registerCollection('users', USERS_FIELDS, 'id', USERS_INDEXES);
  db.registerCollection('docs', DOCS_FIELDS, 'slug', [{ name: 'by_title', path: ['meta', 'title'], kind: 'non_unique' }]);
  for (let i = 0; i < n; i++) {
    db.insert('users', { id: BigInt(i), email: `u${i}@example.com`, age: i % 3 === 0 ? null : BigInt(20 + (i % 7)) });
  }
  db.delete('users', 3n);
  db.insert('users', { id: 5n, email: 'five@example.com', age: 55n });
  for (let i = 0; i < 5; i++) {
    db.insert('docs', { slug: `doc-${i}`, meta: { title: `Title ${i % 2}`, words: BigInt(i * 100) } });
  }
}

export function openDb(fs: FsOps, path = '/db/app.typra', readOnly = false): Database {
  return Database.open(path, { fs, readOnly });
}

/** The logical state (catalog, rows, index contents) as plain JSON. */
export const logical = (db: Database) => JSON.parse(JSON.stringify(dumpDatabase(db)));

/** Logical state of the database at `path`, opened read-only (strict). */
export function logicalAt(fs: FsOps, path = '/db/app.typra'): unknown {
  const db = Database.open(path, { fs, readOnly: true });
  try {
    return logical(db);
  } finally {
    db.close();
  }
}
