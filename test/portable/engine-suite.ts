/**
 * A representative engine suite, parameterised by filesystem like the conformance suites,
 * so the same body runs on Node (vitest), Deno, Bun and in a browser (the runtime shim):
 * create → write → close → reopen → read, indexes, transactions, rollback, read-only.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Database } from '../../src/engine/database.ts';
import { dumpDatabase } from '../../src/engine/dump.ts';
import type { FieldDef, IndexDef } from '../../src/schema/types.ts';
import type { FsFixture } from '../conformance/fsops-suite.ts';
import { expectCode, thrown } from '../conformance/fsops-suite.ts';

export const USER_FIELDS: FieldDef[] = [
  { path: ['id'], type: 'int64', constraints: [] },
  { path: ['email'], type: 'string', constraints: [{ kind: 'email' }] },
  { path: ['age'], type: { optional: 'int64' }, constraints: [] },
  { path: ['avatar'], type: { optional: 'bytes' }, constraints: [] },
];
export const USER_INDEXES: IndexDef[] = [
  { name: 'by_email', path: ['email'], kind: 'unique' },
  { name: 'by_age', path: ['age'], kind: 'non_unique' },
];

/** Writes the reference data set used by the engine suite and the cross-runtime check. */
export function writeUsers(db: Database, count: number): void {
  db.registerCollection('users', USER_FIELDS, 'id', USER_INDEXES);
  db.transaction(() => {
    for (let i = 1; i <= count; i++) {
      db.insert('users', { id: BigInt(i), email: `user${i}@example.com`, age: BigInt(20 + (i % 7)), avatar: new Uint8Array([i & 255, 1, 2]) });
    }
  });
  db.delete('users', 2n);
  db.insert('users', { id: 3n, email: 'three@example.com', age: null, avatar: null });
}

/** What `writeUsers(db, count)` leaves, as plain JSON (the dump of the reopened file). */
export function dumpJson(db: Database): unknown {
  return JSON.parse(JSON.stringify(dumpDatabase(db)));
}

export function runEngineSuite(name: string, makeFs: () => FsFixture): void {
  describe(`engine round trip: ${name}`, () => {
    let fx: FsFixture;
    const path = () => `${fx.dir}/app.typra`;
    beforeEach(() => {
      fx = makeFs();
    });
    afterEach(() => fx.cleanup());

    it('creates, writes, and reads everything back after reopening', () => {
      const db = Database.open(path(), { fs: fx.fs });
      writeUsers(db, 50);
      const before = dumpJson(db);
      expect(db.rowCount('users')).toBe(49);
      db.close();
      const again = Database.open(path(), { fs: fx.fs, readOnly: true });
      expect(again.recoveryInfo.truncatedBytes).toBe(0);
      expect(again.rowCount('users')).toBe(49);
      expect(again.get('users', 2n)).toBeNull();
      expect(again.get('users', 3n)).toEqual({ id: 3n, email: 'three@example.com', age: null, avatar: null });
      expect(again.get('users', 10n)).toEqual({ id: 10n, email: 'user10@example.com', age: 23n, avatar: new Uint8Array([10, 1, 2]) });
      const byEmail = again.indexContents('users', 'by_email');
      expect(byEmail.length).toBe(49);
      expect(byEmail.find((e) => e.key === 'three@example.com')?.pks).toEqual([3n]);
      expect(dumpJson(again)).toEqual(before);
      again.close();
    });

    it('a rolled-back transaction and a refused write leave the file unchanged', () => {
      const db = Database.open(path(), { fs: fx.fs });
      writeUsers(db, 5);
      const snapshot = db.snapshotBytes();
      db.begin();
      db.insert('users', { id: 100n, email: 'new@example.com', age: 1n, avatar: null });
      expect(db.get('users', 100n)?.email).toBe('new@example.com');
      db.rollback();
      expect(db.get('users', 100n)).toBeNull();
      expectCode(() => db.insert('users', { id: 101n, email: 'user1@example.com', age: null, avatar: null }), 'Schema.UniqueIndexViolation');
      expect(thrown(() => db.insert('users', { id: 102n, email: 'not an email', age: null, avatar: null })).kind).toBe('Validation');
      expect(() =>
        db.transaction(() => {
          db.insert('users', { id: 103n, email: 'x@example.com', age: null, avatar: null });
          throw new Error('abort');
        }),
      ).toThrow('abort');
      expect(db.snapshotBytes()).toEqual(snapshot);
      db.close();
      const again = Database.open(path(), { fs: fx.fs, readOnly: true });
      expect(again.rowCount('users')).toBe(4);
      expect(again.get('users', 103n)).toBeNull();
      again.close();
    });

    it('one writer at a time; read-only handles refuse writes', () => {
      const db = Database.open(path(), { fs: fx.fs });
      expect(thrown(() => Database.open(path(), { fs: fx.fs })).kind).toBe('Io');
      db.registerCollection('t', [{ path: ['k'], type: 'string', constraints: [] }], 'k');
      db.close();
      const ro = Database.open(path(), { fs: fx.fs, readOnly: true });
      expect(thrown(() => ro.insert('t', { k: 'a' })).code).toMatch(/^(Io|Usage)\./);
      ro.close();
      const reader = Database.open(path(), { fs: fx.fs, readOnly: true });
      expect(reader.collections().map((c) => c.name)).toEqual(['t']);
      reader.close();
    });

    it('the file is byte-identical to the same writes made in memory', () => {
      const db = Database.open(path(), { fs: fx.fs });
      writeUsers(db, 20);
      db.close();
      const mem = Database.openInMemory();
      writeUsers(mem, 20);
      const h = fx.fs.open(path(), 'read');
      const bytes = new Uint8Array(h.length());
      h.readAt(bytes, 0);
      h.close();
      expect(bytes).toEqual(mem.snapshotBytes());
      mem.close();
    });
  });
}
