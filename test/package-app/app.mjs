// The bundler check's tiny application: imports the package by name only. Shared by the
// Node and browser entries; returns what it saw so the caller can report it.
import { AsyncDatabase, Database, crc32c, isModelVaultError } from 'modelvault';

export function check() {
  const db = Database.openInMemory();
  db.registerCollection(
    'notes',
    [
      { path: ['id'], type: 'int64', constraints: [] },
      { path: ['title'], type: 'string', constraints: [{ kind: 'regex', value: '^[a-z ]+$' }] },
    ],
    'id',
    [{ name: 'by_title', path: ['title'], kind: 'unique' }],
  );
  db.insert('notes', { id: 1n, title: 'hello world' });
  let refused = '';
  try {
    db.insert('notes', { id: 2n, title: 'NOT LOWER CASE' });
  } catch (e) {
    refused = isModelVaultError(e) ? e.code : String(e);
  }
  const again = Database.fromSnapshotBytes(db.snapshotBytes());
  const seen = {
    row: again.get('notes', 1n)?.title,
    refused,
    crc: crc32c(new TextEncoder().encode('123456789')),
    asyncApi: typeof AsyncDatabase.open,
  };
  const ok = seen.row === 'hello world' && refused.startsWith('Validation.') && seen.crc === 0xe3069283 && seen.asyncApi === 'function';
  return { ok, seen };
}
