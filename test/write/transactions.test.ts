/** Explicit and closure transactions: read-your-writes, rollback, nesting, ids. */
import { describe, expect, it } from 'vitest';
import { Database } from '../../src/engine/database.ts';
import { createMemFs } from '../../src/fs/memfs.ts';
import { P, code, indexKeys, stateOf, user, userFields, withUsers } from './helpers.ts';

/** Transaction ids of the TxnBegin segments appended after `from`. */
function txnIds(img: Uint8Array, from: number): bigint[] {
  const ids: bigint[] = [];
  for (let at = from; at < img.length; ) {
    const v = new DataView(img.buffer, img.byteOffset + at);
    if (v.getUint16(6, true) === 6) ids.push(v.getBigUint64(32 + 2, true));
    at += 32 + Number(v.getBigUint64(12, true));
  }
  return ids;
}

describe('transactions', () => {
  it('reads inside see the transaction’s own writes (rows, indexes, catalog)', () => {
    const fs = createMemFs({ directories: ['/data'] });
    const db = withUsers(fs);
    db.insert('users', user(1, 'a', 'red'));
    const len = fs.peek(P)!.length;
    db.begin();
    expect(db.inTransaction).toBe(true);
    db.insert('users', user(2, 'b', 'red'));
    db.delete('users', 1n);
    db.registerCollection('teams', [{ path: ['name'], type: 'string', constraints: [] }], 'name');
    db.insert('teams', { name: 'red' });
    expect(db.get('users', 2n)).toEqual(user(2, 'b', 'red'));
    expect(db.get('users', 1n)).toBeNull();
    expect(indexKeys(db, 'users', 'by_team')).toEqual([['red', [2n]]]);
    expect(db.collection('teams')!.id).toBe(2);
    // A unique violation inside sees staged state and leaves earlier staged writes alone.
    expect(code(() => db.insert('users', user(3, 'b')))).toBe('Schema.UniqueIndexViolation');
    expect(fs.peek(P)!.length).toBe(len);
    db.commit();
    expect(db.inTransaction).toBe(false);
    const state = stateOf(db);
    db.close();
    const again = Database.open(P, { fs, recovery: 'strict' });
    expect(stateOf(again)).toEqual(state);
    again.close();
  });

  it('rollback and a throwing closure write nothing and restore state, indexes and catalog', () => {
    const fs = createMemFs({ directories: ['/data'] });
    const db = withUsers(fs);
    db.insert('users', user(1, 'a', 'red'));
    const bytes = fs.peek(P)!.slice();
    const state = stateOf(db);
    const teams = indexKeys(db, 'users', 'by_team');
    db.begin();
    db.insert('users', user(1, 'z', 'blue'));
    db.insert('users', user(2, 'b'));
    db.registerSchemaVersion('users', userFields, []);
    db.registerCollection('teams', [{ path: ['name'], type: 'string', constraints: [] }], 'name');
    db.rollback();
    expect(() =>
      db.transaction(() => {
        db.delete('users', 1n);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(fs.peek(P)).toEqual(bytes);
    expect(stateOf(db)).toEqual(state);
    expect(indexKeys(db, 'users', 'by_team')).toEqual(teams);
    expect(db.collections().map((c) => [c.name, c.schemaVersion, c.indexes.length])).toEqual([['users', 1, 2]]);
    // Rolled-back work keeps its catalog id free and its unique keys free.
    expect(db.registerCollection('teams', [{ path: ['name'], type: 'string', constraints: [] }], 'name').id).toBe(2);
    db.insert('users', user(3, 'z'));
    db.close();
  });

  it('nesting is refused; commit without a transaction is NoActiveTransaction; rollback without is a no-op', () => {
    const db = Database.openInMemory();
    db.begin();
    expect(code(() => db.begin())).toBe('Transaction.NestedTransaction');
    expect(code(() => db.transaction(() => 1))).toBe('Transaction.NestedTransaction');
    db.commit();
    expect(code(() => db.commit())).toBe('Transaction.NoActiveTransaction');
    db.rollback();
  });

  it('transaction(fn) returns fn’s value; an async fn is refused and rolled back', () => {
    const db = Database.openInMemory();
    db.registerCollection('users', userFields, 'id');
    const before = db.snapshotBytes();
    expect(db.transaction(() => 42)).toBe(42);
    expect(
      code(() =>
        db.transaction(async () => {
          db.insert('users', user(1, 'a'));
        }),
      ),
    ).toBe('Usage.AsyncTransaction');
    expect(db.inTransaction).toBe(false);
    expect(db.get('users', 1n)).toBeNull();
    expect(db.snapshotBytes()).toEqual(before);
  });

  it('transaction ids: every begin and every writing autocommit takes one; refusals and no-op deletes none', () => {
    const fs = createMemFs({ directories: ['/data'] });
    const db = Database.open(P, { fs }); // session 1
    const start = fs.peek(P)!.length;
    db.registerCollection('users', userFields, 'id'); // 1
    db.begin(); // 2 (empty)
    db.commit();
    db.begin(); // 3 (rolled back)
    db.insert('users', user(9, 'x'));
    db.rollback();
    expect(code(() => db.insert('users', { id: 1n }))).toBe('Validation.Invalid');
    db.delete('users', 5n);
    db.insert('users', user(1, 'a')); // 4
    db.transaction(() => db.insert('users', user(2, 'b'))); // 5
    db.close();
    expect(txnIds(fs.peek(P)!, start)).toEqual([1n, 4n, 5n]);
    const len = fs.peek(P)!.length;
    const again = Database.open(P, { fs }); // session 2 restarts at 1
    again.delete('users', 1n);
    again.close();
    expect(txnIds(fs.peek(P)!, len)).toEqual([1n]);
  });
});
