/**
 * Stored rows are frozen, lists and nested objects included (schema/values.ts `freezeRow`):
 * the rows `get` and `query` return are the engine's own objects, and an index bucket
 * verifies its rows once for as long as they are stored, so a caller must not be able to
 * change one behind the engine's back. The caller's input object is never frozen.
 */
import { describe, expect, it } from 'vitest';
import { createMemFs } from '../../src/fs/memfs.ts';
import { Database } from '../../src/engine/database.ts';
import type { FieldDef } from '../../src/schema/types.ts';
import type { Row } from '../../src/schema/values.ts';

const FIELDS: FieldDef[] = [
  { path: ['id'], type: 'int64', constraints: [] },
  { path: ['grp'], type: 'int64', constraints: [] },
  { path: ['tags'], type: { list: 'string' }, constraints: [] },
  { path: ['addr', 'city'], type: 'string', constraints: [] },
  { path: ['blob'], type: 'bytes', constraints: [] },
];

function expectFrozen(row: Row): void {
  expect(Object.isFrozen(row)).toBe(true);
  expect(Object.isFrozen(row['tags'])).toBe(true);
  expect(Object.isFrozen(row['addr'])).toBe(true);
  expect(() => {
    (row as Record<string, unknown>)['grp'] = 9n;
  }).toThrow(TypeError);
  expect(() => (row['tags'] as string[]).push('x')).toThrow(TypeError);
  expect(() => {
    (row['addr'] as Record<string, unknown>)['city'] = 'elsewhere';
  }).toThrow(TypeError);
}

describe('stored rows are frozen', () => {
  it('written, read back, queried through an index and reopened from the log and a checkpoint', () => {
    const fs = createMemFs({ directories: ['/data'] });
    const path = '/data/frozen.typra';
    const db = Database.open(path, { fs });
    db.registerCollection('t', FIELDS, 'id', [{ name: 'by_grp', path: ['grp'], kind: 'non_unique' }]);
    const input = { id: 1n, grp: 1n, tags: ['a', 'b'], addr: { city: 'Oslo' }, blob: new Uint8Array([1, 2]) };
    db.insert('t', input);
    expect(Object.isFrozen(input)).toBe(false);
    expect(Object.isFrozen(input.tags)).toBe(false);
    expect(Object.isFrozen(input.addr)).toBe(false);
    input.tags.push('c'); // the stored row kept its own copy
    expectFrozen(db.get('t', 1n)!);
    expect(db.get('t', 1n)!['tags']).toEqual(['a', 'b']);
    expectFrozen(db.query('t', { where: { grp: 1n } })[0]!);
    db.close();

    const reopened = Database.open(path, { fs });
    expectFrozen(reopened.get('t', 1n)!);
    reopened.checkpoint();
    reopened.close();
    const fromCheckpoint = Database.open(path, { fs });
    expectFrozen(fromCheckpoint.query('t', { where: { grp: 1n } })[0]!);
    // A failed mutation changed nothing the engine answers with.
    expect(fromCheckpoint.query('t', { where: { grp: 1n } }).map((r) => r['id'])).toEqual([1n]);
    expect(fromCheckpoint.query('t', { where: { grp: 9n } })).toEqual([]);
    // A new schema version presents every existing row reshaped (new field null): still frozen.
    fromCheckpoint.registerSchemaVersion('t', [...FIELDS, { path: ['note'], type: { optional: 'string' }, constraints: [] }], [
      { name: 'by_grp', path: ['grp'], kind: 'non_unique' },
    ]);
    const reshaped = fromCheckpoint.get('t', 1n)!;
    expect(reshaped['note']).toBeNull();
    expectFrozen(reshaped);
    fromCheckpoint.close();
    const afterReshape = Database.open(path, { fs });
    expectFrozen(afterReshape.get('t', 1n)!);
    afterReshape.close();
  });

  it('projections are the caller’s own, unfrozen objects', () => {
    const db = Database.openInMemory();
    db.registerCollection('t', FIELDS, 'id', []);
    db.insert('t', { id: 1n, grp: 1n, tags: ['a'], addr: { city: 'Oslo' }, blob: new Uint8Array() });
    const [p] = db.query('t', { select: ['id', 'addr.city'] });
    expect(Object.isFrozen(p)).toBe(false);
  });
});
