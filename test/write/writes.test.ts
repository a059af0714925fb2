/** Catalog and row writes: results, refusals that write nothing, reopen round trips. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Database } from '../../src/engine/database.ts';
import { createMemFs } from '../../src/fs/memfs.ts';
import { GOLDEN_DIR } from '../golden/golden-files.ts';
import { P, code, indexKeys, schemaOf, stateOf, user, userFields, userIndexes, withUsers } from './helpers.ts';

describe('registering collections', () => {
  it('returns id and version 1, trims the name, and survives a reopen', () => {
    const fs = createMemFs({ directories: ['/data'] });
    const db = Database.open(P, { fs });
    expect(db.registerCollection('  users  ', userFields, ' id ', userIndexes)).toEqual({ id: 1, schemaVersion: 1 });
    expect(db.registerCollection('teams', [{ path: ['name'], type: 'string', constraints: [] }], 'name')).toEqual({
      id: 2,
      schemaVersion: 1,
    });
    expect(db.collection('users')!.primaryField).toBe('id');
    const before = schemaOf(db);
    db.close();
    const again = Database.open(P, { fs, readOnly: true });
    expect(schemaOf(again)).toEqual(before);
    again.close();
  });

  it('refusals write nothing and consume no transaction id', () => {
    const fs = createMemFs({ directories: ['/data'] });
    const db = withUsers(fs);
    const bytes = fs.peek(P)!.slice();
    expect(code(() => db.registerCollection('users', userFields, 'id'))).toBe('Schema.DuplicateCollectionName');
    expect(code(() => db.registerCollection('   ', userFields, 'id'))).toBe('Schema.InvalidCollectionName');
    expect(code(() => db.registerCollection('x', userFields, 'nope'))).toBe('Schema.PrimaryFieldNotFound');
    expect(code(() => db.registerCollection('x', [...userFields, userFields[0]!], 'id'))).toBe('Schema.InvalidFieldPath');
    expect(code(() => db.registerCollection('x', userFields, 'id', [{ name: '', path: ['email'], kind: 'unique' }]))).toMatch(
      /^Schema\./,
    );
    expect(fs.peek(P)).toEqual(bytes);
    // The next write still uses id 2 (register took id 1).
    db.insert('users', user(1, 'a@x'));
    db.close();
    const img = fs.peek(P)!;
    const begin = img.subarray(bytes.length + 32, bytes.length + 32 + 10);
    expect(new DataView(begin.buffer, begin.byteOffset).getBigUint64(2, true)).toBe(2n);
  });
});

describe('schema versions', () => {
  it('safe changes are written; migration-needing and breaking ones are refused', () => {
    const fs = createMemFs({ directories: ['/data'] });
    const db = withUsers(fs);
    const bytes = fs.peek(P)!.slice();
    const required = [...userFields, { path: ['age'], type: 'int64' as const, constraints: [] }];
    expect(code(() => db.registerSchemaVersion('users', required, userIndexes))).toBe('Schema.MigrationRequired');
    expect(code(() => db.registerSchemaVersion('users', userFields.slice(0, 2), userIndexes))).toBe(
      'Schema.IncompatibleSchemaChange',
    );
    expect(code(() => db.registerSchemaVersion(9, userFields, userIndexes))).toBe('Schema.UnknownCollection');
    expect(fs.peek(P)).toEqual(bytes);
    expect(db.planSchemaVersion('users', required, userIndexes).change.kind).toBe('needs_migration');
    const optional = [...userFields, { path: ['age'], type: { optional: 'int64' as const }, constraints: [] }];
    expect(db.registerSchemaVersion('users', optional, userIndexes)).toBe(2);
    expect(db.registerSchemaVersion('users', required, userIndexes.slice(1), { force: true })).toBe(3);
    expect(db.collection('users')!.indexes.map((i) => i.name)).toEqual(['by_team']);
    db.close();
    const again = Database.open(P, { fs });
    expect(again.collection('users')!.schemaVersion).toBe(3);
    again.close();
  });

  it('an index added by a new version covers existing rows at once, and writes no Index segment', () => {
    const fs = createMemFs({ directories: ['/data'] });
    const db = withUsers(fs);
    db.insert('users', user(1, 'a@x', 'red'));
    db.insert('users', user(2, 'b@x', 'red'));
    const len = fs.peek(P)!.length;
    db.registerSchemaVersion('users', userFields, [...userIndexes, { name: 'by_email', path: ['email'], kind: 'non_unique' }]);
    expect(indexKeys(db, 'users', 'by_email')).toEqual([
      ['a@x', [1n]],
      ['b@x', [2n]],
    ]);
    // TxnBegin + Schema + TxnCommit + Manifest: the only Schema segment, nothing else.
    const img = fs.peek(P)!;
    const types: number[] = [];
    for (let at = len; at < img.length; ) {
      const v = new DataView(img.buffer, img.byteOffset + at);
      types.push(v.getUint16(6, true));
      at += 32 + Number(v.getBigUint64(12, true));
    }
    expect(types).toEqual([6, 1, 7, 3]);
    db.close();
  });
});

describe('rows', () => {
  it('insert, replace, delete, get — by name or id — and reopen to the same state', () => {
    const fs = createMemFs({ directories: ['/data'] });
    const db = withUsers(fs);
    db.insert('users', user(1, 'a@x', 'red'));
    db.insert(1, { id: 2, email: 'b@x' });
    expect(db.get('users', 2)).toEqual({ id: 2n, email: 'b@x', team: null });
    db.insert(' users ', user(1, 'a2@x', 'blue'));
    expect(db.get('users', 1n)).toEqual(user(1, 'a2@x', 'blue'));
    expect(indexKeys(db, 'users', 'email_unique')).toEqual([
      ['a2@x', [1n]],
      ['b@x', [2n]],
    ]);
    expect(db.delete('users', 2n)).toBe(true);
    const len = fs.peek(P)!.length;
    expect(db.delete('users', 2n)).toBe(false);
    expect(fs.peek(P)!.length).toBe(len);
    expect(code(() => db.delete('users', 'x'))).toBe('Format.RecordPayloadTypeMismatch');
    const state = stateOf(db);
    db.close();
    const again = Database.open(P, { fs, readOnly: true });
    expect(stateOf(again)).toEqual(state);
    expect(indexKeys(again, 'users', 'by_team')).toEqual([['blue', [1n]]]);
    again.close();
  });

  it('validation failures and unique violations write nothing', () => {
    const fs = createMemFs({ directories: ['/data'] });
    const db = withUsers(fs);
    db.insert('users', user(1, 'a@x'));
    const bytes = fs.peek(P)!.slice();
    expect(code(() => db.insert('users', { id: 2n }))).toBe('Validation.Invalid');
    expect(code(() => db.insert('users', { email: 'x' }))).toBe('Schema.RowMissingPrimary');
    expect(code(() => db.insert('users', { id: 2n, email: 'x', extra: 1 }))).toBe('Validation.Invalid');
    expect(code(() => db.insert('nope', user(2, 'x')))).toBe('Schema.UnknownCollectionName');
    let violation: unknown;
    try {
      db.insert('users', user(2, 'a@x'));
    } catch (e) {
      violation = e;
    }
    expect(violation).toMatchObject({ code: 'Schema.UniqueIndexViolation', details: { index: 'email_unique', value: 'a@x' } });
    expect((violation as Error).message).toContain('email_unique');
    expect(fs.peek(P)).toEqual(bytes);
    expect(db.get('users', 2n)).toBeNull();
    // The same pk may keep its key; nulls in a unique index never collide.
    db.insert('users', user(1, 'a@x', 'red'));
    db.close();
  });

  it('validation messages use the reference display form', () => {
    const db = Database.openInMemory();
    db.registerCollection('c', [{ path: ['id'], type: 'int64', constraints: [{ kind: 'min_i64', value: 1n }] }], 'id');
    let err: unknown;
    try {
      db.insert('c', { id: 0n });
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).toBe('validation error at id: value 0 is below minimum 1');
  });
});

describe('handles', () => {
  it('read-only handles refuse every write up front and never write', () => {
    const fs = createMemFs({ directories: ['/data'] });
    withUsers(fs).close();
    const bytes = fs.peek(P)!.slice();
    const db = Database.open(P, { fs, readOnly: true });
    fs.resetCalls();
    expect(code(() => db.insert('users', user(1, 'a')))).toBe('Io.ReadOnly');
    expect(code(() => db.delete('users', 1n))).toBe('Io.ReadOnly');
    expect(code(() => db.registerCollection('x', userFields, 'id'))).toBe('Io.ReadOnly');
    expect(code(() => db.registerSchemaVersion('users', userFields))).toBe('Io.ReadOnly');
    expect(code(() => db.begin())).toBe('Io.ReadOnly');
    expect(fs.calls.filter((c) => c.mutating)).toEqual([]);
    expect(fs.peek(P)).toEqual(bytes);
    db.close();
  });

  it('every use after close is Usage.Closed; close discards an open transaction', () => {
    const fs = createMemFs({ directories: ['/data'] });
    const db = withUsers(fs);
    db.begin();
    db.insert('users', user(1, 'a'));
    const bytes = fs.peek(P)!.slice();
    db.close();
    db.close();
    expect(fs.peek(P)).toEqual(bytes);
    expect(code(() => db.insert('users', user(1, 'a')))).toBe('Usage.Closed');
    expect(code(() => db.commit())).toBe('Usage.Closed');
    expect(code(() => db.snapshotBytes())).toBe('Usage.Closed');
    const again = Database.open(P, { fs });
    expect(again.rowCount('users')).toBe(0);
    again.close();
  });

  it('in-memory databases: snapshotBytes equals the file the same ops produce', () => {
    const fs = createMemFs({ directories: ['/data'] });
    const file = withUsers(fs);
    const mem = Database.openInMemory();
    mem.registerCollection('users', userFields, 'id', userIndexes);
    for (const db of [file, mem]) {
      db.insert('users', user(1, 'a', 'x'));
      db.transaction(() => {
        db.insert('users', user(2, 'b'));
        db.delete('users', 1n);
      });
    }
    expect(mem.snapshotBytes()).toEqual(fs.peek(P));
    const copy = Database.fromSnapshotBytes(mem.snapshotBytes());
    expect(stateOf(copy)).toEqual(stateOf(file));
    file.close();
  });

  it('a legacy minor-5 file with unframed data is readable but refuses writes, naming compactTo', () => {
    const golden = new Uint8Array(readFileSync(`${GOLDEN_DIR}/legacy_v5_unframed.typra`));
    const fs = createMemFs({ files: { [P]: golden } });
    const db = Database.open(P, { fs });
    expect(db.formatMinor).toBe(5);
    const c = db.collections()[0]!;
    let err: unknown;
    try {
      db.delete(c.id, [...db.rows(c.id)][0]![c.primaryField!]);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'Format.LegacyFileReadOnly' });
    expect((err as Error).message).toContain('compactTo');
    expect(code(() => db.registerCollection('x', userFields, 'id'))).toBe('Format.LegacyFileReadOnly');
    db.close();
    expect(fs.peek(P)).toEqual(golden);
  });

  it('a legacy file without data is raised to minor 6 on its first write', () => {
    const header2 = new Uint8Array(32);
    header2.set([0x54, 0x44, 0x42, 0x30]);
    new DataView(header2.buffer).setUint16(6, 2, true);
    new DataView(header2.buffer).setUint32(8, 32, true);
    const fs = createMemFs({ files: { [P]: header2 } });
    const db = Database.open(P, { fs });
    expect(db.formatMinor).toBe(3);
    db.registerCollection('users', userFields, 'id');
    expect(db.formatMinor).toBe(6);
    db.insert('users', user(1, 'a'));
    db.close();
    const again = Database.open(P, { fs, recovery: 'strict' });
    expect(again.formatMinor).toBe(6);
    expect(again.get('users', 1n)).toEqual(user(1, 'a'));
    again.close();
  });

  it('one writer per path per process', () => {
    const fs = createMemFs({ directories: ['/data'] });
    const db = Database.open(P, { fs });
    let err: unknown;
    try {
      Database.open('/data/../data/./app.typra', { fs });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'Io.AlreadyLocked' });
    expect((err as Error).message).toBe(`writable database already open in this process: ${P}`);
    // (A read-only open in this process is the shared-handle registry's business, see
    // src/engine/shared-handles.ts; it never gets a second writer.)
    // Another filesystem is another disk.
    Database.open(P, { fs: createMemFs({ directories: ['/data'] }) }).close();
    db.close();
    Database.open(P, { fs }).close();
  });
});
