/**
 * AsyncDatabase over a real worker_threads worker running the engine (the worker entry is
 * bundled from src/async/node-worker.ts, as the package build does).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AsyncDatabase } from '../../src/async/index.ts';
import { Database } from '../../src/engine/database.ts';
import { isModelVaultError, ModelVaultError } from '../../src/errors.ts';
import { USER_FIELDS, USER_INDEXES, dumpJson, writeUsers } from '../portable/engine-suite.ts';

let dir: string;
let script: string;
const workers: Worker[] = [];

function spawn(): Worker {
  const w = new Worker(script);
  workers.push(w);
  return w;
}

async function rejection(p: Promise<unknown>): Promise<ModelVaultError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ModelVaultError);
    return e as ModelVaultError;
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'modelvault-async-'));
  script = join(dir, 'worker.mjs');
  await build({ entryPoints: [fileURLToPath(new URL('../../src/async/node-worker.ts', import.meta.url))], bundle: true, platform: 'node', format: 'esm', outfile: script, logLevel: 'warning' });
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.terminate()));
  rmSync(dir, { recursive: true, force: true });
});

describe('AsyncDatabase on worker_threads', () => {
  it('forwards writes and reads; values keep their types across the boundary', async () => {
    const db = await AsyncDatabase.openInMemory(spawn());
    expect(await db.registerCollection('users', USER_FIELDS, 'id', USER_INDEXES)).toMatchObject({ id: 1 });
    await db.insert('users', { id: 7n, email: 'a@example.com', age: 40n, avatar: new Uint8Array([1, 2]) });
    expect(await db.get('users', 7n)).toEqual({ id: 7n, email: 'a@example.com', age: 40n, avatar: new Uint8Array([1, 2]) });
    expect(await db.rowCount('users')).toBe(1);
    expect((await db.collections()).map((c) => c.name)).toEqual(['users']);
    expect(await db.property('path')).toBe(':memory:');
    await db.close();
    await db.close();
    expect((await rejection(db.rowCount('users'))).code).toBe('Usage.Closed');
  });

  it('engine errors come back as ModelVaultError with the same code and details', async () => {
    const db = await AsyncDatabase.openInMemory(spawn());
    await db.registerCollection('users', USER_FIELDS, 'id', USER_INDEXES);
    await db.insert('users', { id: 1n, email: 'a@example.com', age: null, avatar: null });
    const dup = await rejection(db.insert('users', { id: 2n, email: 'a@example.com', age: null, avatar: null }));
    let syncError: unknown;
    const sync = Database.openInMemory();
    sync.registerCollection('users', USER_FIELDS, 'id', USER_INDEXES);
    sync.insert('users', { id: 1n, email: 'a@example.com', age: null, avatar: null });
    try {
      sync.insert('users', { id: 2n, email: 'a@example.com', age: null, avatar: null });
    } catch (e) {
      syncError = e;
    }
    expect(isModelVaultError(syncError)).toBe(true);
    expect(dup.code).toBe('Schema.UniqueIndexViolation');
    expect(dup.code).toBe((syncError as ModelVaultError).code);
    expect(dup.message).toBe((syncError as ModelVaultError).message);
    expect(dup.details).toEqual((syncError as ModelVaultError).details);
    expect((await rejection(db.call('transaction', () => {}))).code).toBe('Usage.NotTransferable');
    expect((await rejection(db.call('noSuchMethod'))).code).toBe('Usage.UnknownMethod');
    expect((await rejection(db.call('transaction'))).code).toBe('Usage.UnknownMethod');
    expect((await rejection(db.call('openView'))).code).toBe('Usage.UnknownMethod');
    expect((await rejection(db.call('__proto__'))).code).toBe('Usage.UnknownMethod');
    await db.begin();
    await db.insert('users', { id: 3n, email: 'c@example.com', age: null, avatar: null });
    await db.rollback();
    expect(await db.get('users', 3n)).toBeNull();
  });

  it("the reference's async surface: transaction(fn), cloneHandle, pathString, collectionNames", async () => {
    const db = await AsyncDatabase.openSnapshotBytes(spawn(), Database.openInMemory().snapshotBytes());
    expect(await db.pathString()).toBe(':memory:');
    await db.registerCollection('users', USER_FIELDS, 'id', USER_INDEXES);
    expect(await db.collectionNames()).toEqual(['users']);
    const n = await db.transaction(async (tx) => {
      await tx.insert('users', { id: 1n, email: 'a@example.com', age: null, avatar: null });
      await tx.insert('users', { id: 2n, email: 'b@example.com', age: null, avatar: null });
      return tx.rowCount('users');
    });
    expect(n).toBe(2);
    const boom = new Error('abort');
    await expect(
      db.transaction(async (tx) => {
        await tx.insert('users', { id: 3n, email: 'c@example.com', age: null, avatar: null });
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await db.get('users', 3n)).toBeNull();
    expect(await db.property('inTransaction')).toBe(false);
    const twin = await db.cloneHandle();
    await db.close();
    expect(await twin.rowCount('users')).toBe(2);
    await twin.close();
    expect((await rejection(twin.rowCount('users'))).code).toBe('Usage.Closed');
  });

  it('queries and SQL results cross the boundary; live iterators are refused', async () => {
    const db = await AsyncDatabase.openInMemory(spawn());
    await db.registerCollection('users', USER_FIELDS, 'id', USER_INDEXES);
    for (let i = 1; i <= 5; i++) await db.insert('users', { id: BigInt(i), email: `q${i}@example.com`, age: BigInt(30 + (i % 2)), avatar: null });
    expect((await db.query('users')).map((r) => r.id)).toEqual([1n, 2n, 3n, 4n, 5n]);
    expect(await db.count('users')).toBe(5);
    const sync = Database.openInMemory();
    sync.registerCollection('users', USER_FIELDS, 'id', USER_INDEXES);
    for (let i = 1; i <= 5; i++) sync.insert('users', { id: BigInt(i), email: `q${i}@example.com`, age: BigInt(30 + (i % 2)), avatar: null });
    const text = 'SELECT email FROM users WHERE age = ?';
    expect(await db.sql(text, [31n])).toEqual(sync.sql(text, [31n]));
    expect(await db.explain('users')).toBe(sync.explain('users'));
    expect((await rejection(db.queryIter('users'))).code).toBe('Usage.NotTransferable');
  });

  it('a file written through the worker reopens on this thread with the same content', async () => {
    const path = join(dir, 'worker.typra');
    const db = await AsyncDatabase.open(spawn(), path);
    await db.registerCollection('users', USER_FIELDS, 'id', USER_INDEXES);
    await db.begin();
    for (let i = 1; i <= 20; i++) await db.insert('users', { id: BigInt(i), email: `u${i}@example.com`, age: BigInt(i), avatar: null });
    await db.commit();
    await db.close();
    const here = Database.open(path, { readOnly: true });
    expect(here.rowCount('users')).toBe(20);
    expect(here.get('users', 20n)?.email).toBe('u20@example.com');
    here.close();
    const mem = Database.openInMemory();
    writeUsers(mem, 10);
    const fromBytes = await AsyncDatabase.fromSnapshotBytes(spawn(), mem.snapshotBytes());
    expect(await fromBytes.rowCount('users')).toBe(9);
    expect(await fromBytes.call('dumpIsNotAMethod').catch((e: ModelVaultError) => e.code)).toBe('Usage.UnknownMethod');
    expect(dumpJson(Database.fromSnapshotBytes(await fromBytes.snapshotBytes()))).toEqual(dumpJson(mem));
  });

  it('a worker that dies rejects pending and later calls instead of hanging', async () => {
    const w = spawn();
    const db = await AsyncDatabase.openInMemory(w);
    const pending = db.collections();
    void w.terminate();
    const e = await rejection(pending).catch(() => null);
    // The reply may win the race with termination; either way nothing hangs afterwards.
    if (e !== null) expect(e.code).toBe('Usage.WorkerFailure');
    await new Promise((r) => setTimeout(r, 50));
    expect((await rejection(db.collections())).code).toBe('Usage.WorkerFailure');
  });
});
