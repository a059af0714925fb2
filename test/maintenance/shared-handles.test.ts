import { describe, expect, it } from 'vitest';
import { Database } from '../../src/engine/database.ts';
import { createMemFs } from '../../src/fs/memfs.ts';
import { USERS_FIELDS, USERS_INDEXES, f, logical, logicalAt, openDb, populate } from './helpers.ts';

const PATH = '/db/app.typra';

function setup() {
  const fs = createMemFs({ directories: ['/db'] });
  const writer = openDb(fs);
  populate(writer, 6);
  return { fs, writer };
}

describe('same-process handles on one path', () => {
  it('read-only handles share the writer state and see its commits; they cannot write', () => {
    const { fs, writer } = setup();
    const view = Database.open(PATH, { fs, readOnly: true });
    const view2 = Database.open('/db/../db/app.typra', { fs, readOnly: true });
    expect(logical(view)).toEqual(logical(writer));
    writer.insert('users', { id: 42n, email: 'new@x.io', age: 1n });
    expect(view.get('users', 42n)).toMatchObject({ email: 'new@x.io' });
    expect(view2.rowCount('users')).toBe(writer.rowCount('users'));
    expect(() => view.insert('users', { id: 43n, email: 'no@x.io', age: null })).toThrow(expect.objectContaining({ code: 'Io.ReadOnly' }));
    view.close();
    writer.insert('users', { id: 44n, email: 'still@x.io', age: null });
    expect(view2.get('users', 44n)).not.toBeNull();
    view2.close();
    writer.close();
  });

  it('views outlive the writer and follow the next writer of this process', () => {
    const { fs, writer } = setup();
    const view = Database.open(PATH, { fs, readOnly: true });
    writer.close();
    expect(view.rowCount('users')).toBe(5);
    const next = Database.open(PATH, { fs });
    next.insert('users', { id: 50n, email: 'next@x.io', age: null });
    expect(view.get('users', 50n)).not.toBeNull();
    next.close();
    view.close();
    // Everything released: a fresh writer and a strict reader work again.
    expect(logicalAt(fs)).toEqual(logical(Database.open(PATH, { fs })));
  });

  it('a closed writer releases its rows; its views keep the committed state, not staged writes', () => {
    const { fs, writer } = setup();
    const view = Database.open(PATH, { fs, readOnly: true });
    writer.begin();
    writer.insert('users', { id: 70n, email: 'staged@x.io', age: null });
    const internals = writer as unknown as { state: { rows: { count(id: number): number } } };
    writer.close();
    expect(internals.state.rows.count(1)).toBe(0);
    expect(view.rowCount('users')).toBe(5);
    expect(view.get('users', 70n)).toBeNull();
    expect(view.query('users', { where: { email: 'staged@x.io' } })).toEqual([]);
    view.close();
  });

  it('compactInPlace refreshes the views (their reads and snapshots use the new file)', () => {
    const { fs, writer } = setup();
    const view = Database.open(PATH, { fs, readOnly: true });
    writer.compactInPlace();
    expect(Buffer.from(view.snapshotBytes()).equals(Buffer.from(fs.peek(PATH)!))).toBe(true);
    writer.insert('users', { id: 60n, email: 'post@x.io', age: null });
    expect(view.get('users', 60n)).not.toBeNull();
    view.close();
    writer.close();
    expect(logicalAt(fs)).toMatchObject([{ row_count: 6 }, { row_count: 5 }]);
  });

  it('restore onto an open path replaces the file and refreshes writer and views', () => {
    const { fs, writer } = setup();
    const other = openDb(fs, '/db/other.typra');
    populate(other, 2);
    other.insert('users', { id: 7n, email: 'only-in-other@x.io', age: null });
    other.exportSnapshotTo('/db/snap.typra');
    const otherState = logical(other);
    other.close();
    const view = Database.open(PATH, { fs, readOnly: true });
    const r = Database.restoreSnapshotTo('/db/snap.typra', PATH, { fs });
    expect(r.rows).toBe(4 + 5);
    expect(logical(writer)).toEqual(otherState);
    expect(logical(view)).toEqual(otherState);
    writer.insert('users', { id: 70n, email: 'after-restore@x.io', age: null });
    expect(view.get('users', 70n)).not.toBeNull();
    const final = logical(writer);
    view.close();
    writer.close();
    expect(logicalAt(fs)).toEqual(final);
  });

  it('restore is refused inside a transaction of the open writer', () => {
    const { fs, writer } = setup();
    writer.exportSnapshotTo('/db/snap.typra');
    writer.begin();
    expect(() => Database.restoreSnapshotTo('/db/snap.typra', PATH, { fs })).toThrow(
      expect.objectContaining({ code: 'Transaction.NestedTransaction' }),
    );
    writer.rollback();
    writer.close();
  });
});

describe('maintenance and open transactions', () => {
  it('compactTo and export refuse while the (shared) state holds uncommitted writes', () => {
    const { fs, writer } = setup();
    const view = Database.open(PATH, { fs, readOnly: true });
    writer.begin();
    writer.insert('users', { id: 88n, email: 'uncommitted@x.io', age: null });
    for (const h of [writer, view]) {
      expect(() => h.compactTo('/db/c.typra')).toThrow(expect.objectContaining({ code: 'Transaction.NestedTransaction' }));
      expect(() => h.exportSnapshotTo('/db/s.typra')).toThrow(expect.objectContaining({ code: 'Transaction.NestedTransaction' }));
    }
    writer.rollback();
    view.compactTo('/db/c.typra');
    expect(logicalAt(fs, '/db/c.typra')).toEqual(logical(writer));
    view.close();
    writer.close();
  });
});

describe('views read the last committed state', () => {
  it('writes staged in an open transaction of the writer stay invisible to views until commit', () => {
    const { fs, writer } = setup();
    const view = Database.open(PATH, { fs, readOnly: true });
    const committed = logical(view);
    const before = view.query('users');
    writer.begin();
    writer.insert('users', { id: 90n, email: 'staged@x.io', age: 3n });
    writer.delete('users', 1n);
    writer.registerCollection('notes', [{ path: ['id'], type: 'int64', constraints: [] }], 'id');
    // The writer sees its own writes …
    expect(writer.get('users', 90n)).not.toBeNull();
    expect(writer.get('users', 1n)).toBeNull();
    // … views do not: rows, queries, counts, catalog, indexes.
    expect(view.get('users', 90n)).toBeNull();
    expect(view.get('users', 1n)).not.toBeNull();
    expect(view.query('users')).toEqual(before);
    expect(view.count('users', { where: { email: 'staged@x.io' } })).toBe(0);
    expect(view.collections().map((c) => c.name)).not.toContain('notes');
    expect(logical(view)).toEqual(committed);
    // Writes staged after the view's first read stay invisible too.
    writer.insert('users', { id: 91n, email: 'later@x.io', age: null });
    expect(view.get('users', 91n)).toBeNull();
    writer.commit();
    expect(view.get('users', 90n)).not.toBeNull();
    expect(view.get('users', 91n)).not.toBeNull();
    expect(view.get('users', 1n)).toBeNull();
    expect(view.collections().map((c) => c.name)).toContain('notes');
    expect(logical(view)).toEqual(logical(writer));
    view.close();
    writer.close();
  });

  it('a schema version bump staged in a transaction of the writer is invisible to views until commit', () => {
    const { fs, writer } = setup();
    const view = Database.open(PATH, { fs, readOnly: true });
    const committed = logical(view);
    const oldShape = view.get('users', 2n)!;
    writer.begin();
    writer.registerSchemaVersion('users', [...USERS_FIELDS, f('nick', { optional: 'string' })], USERS_INDEXES);
    expect(writer.get('users', 2n)).toEqual({ ...oldShape, nick: null });
    expect(view.get('users', 2n)).toEqual(oldShape);
    expect(view.collections().find((c) => c.name === 'users')!.schemaVersion).toBe(1);
    expect(logical(view)).toEqual(committed);
    writer.commit();
    expect(view.get('users', 2n)).toEqual({ ...oldShape, nick: null });
    expect(logical(view)).toEqual(logical(writer));
    view.close();
    writer.close();
  });

  it('a rolled-back transaction never shows; transaction(fn) is isolated the same way', () => {
    const { fs, writer } = setup();
    const view = Database.open(PATH, { fs, readOnly: true });
    const committed = logical(view);
    writer.begin();
    writer.insert('users', { id: 92n, email: 'gone@x.io', age: null });
    expect(view.get('users', 92n)).toBeNull();
    writer.rollback();
    expect(view.get('users', 92n)).toBeNull();
    expect(logical(view)).toEqual(committed);
    let seenInside: unknown = 'unset';
    writer.transaction(() => {
      writer.insert('users', { id: 93n, email: 'fn@x.io', age: null });
      seenInside = view.get('users', 93n);
    });
    expect(seenInside).toBeNull();
    expect(view.get('users', 93n)).not.toBeNull();
    view.close();
    writer.close();
  });
});
