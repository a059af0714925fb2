/** Shared fixtures for the write-path tests. */
import { Database } from '../../src/engine/database.ts';
import { isModelVaultError } from '../../src/errors.ts';
import type { MemFs } from '../../src/fs/memfs.ts';
import type { FieldDef, IndexDef } from '../../src/schema/types.ts';
import type { Row } from '../../src/schema/values.ts';

export const P = '/data/app.typra';

export function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (isModelVaultError(e)) return e.code;
    throw e;
  }
  throw new Error('expected a ModelVaultError, nothing was thrown');
}

export const userFields: FieldDef[] = [
  { path: ['id'], type: 'int64', constraints: [] },
  { path: ['email'], type: 'string', constraints: [] },
  { path: ['team'], type: { optional: 'string' }, constraints: [] },
];

export const userIndexes: IndexDef[] = [
  { name: 'email_unique', path: ['email'], kind: 'unique' },
  { name: 'by_team', path: ['team'], kind: 'non_unique' },
];

export function user(id: number, email: string, team: string | null = null): Row {
  return { id: BigInt(id), email, team };
}

/** A database with collection `users` (id 1) registered. */
export function withUsers(fs: MemFs, path = P): Database {
  const db = Database.open(path, { fs });
  db.registerCollection('users', userFields, 'id', userIndexes);
  return db;
}

/** Rows of every collection, by collection name, in primary-key order (for state comparisons). */
export function stateOf(db: Database): Record<string, Row[]> {
  const out: Record<string, Row[]> = {};
  for (const c of db.collections()) out[c.name] = [...db.rows(c.id)];
  return out;
}

export function schemaOf(db: Database): unknown {
  return db.collections().map((c) => ({ ...c }));
}

export function indexKeys(db: Database, collection: string, index: string): Array<[unknown, unknown[]]> {
  return db.indexContents(collection, index).map((e) => [e.key, e.pks]);
}
