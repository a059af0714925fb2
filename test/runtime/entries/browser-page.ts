/**
 * The page's main thread in headless Chromium: the portable suites (memfs, MemoryStore,
 * golden read, in-memory engine), an in-memory database on the main thread, then the OPFS
 * worker's suites, then a persistent OPFS database driven through AsyncDatabase.
 * Publishes `window.__modelvault = { summary, written }` for scripts/runtime-tests.mjs.
 */
import { describe, expect, it, runRegistered, type RunSummary } from '../harness/vitest-shim.ts';
import './portable-suites.ts';
import { AsyncDatabase } from '../../../src/async/async-database.ts';
import { Database } from '../../../src/engine/database.ts';
import { ModelVaultError } from '../../../src/errors.ts';
import { dumpJson, USER_FIELDS, USER_INDEXES, writeUsers } from '../../portable/engine-suite.ts';
import { CROSS_ROWS } from './cross-runtime.ts';

const win = globalThis as unknown as { __modelvault?: unknown; __modelvaultLog: string[] };
win.__modelvaultLog = [];
const log = (l: string) => {
  win.__modelvaultLog.push(l);
  console.log(l);
};

const spawn = (script: string) => new Worker(script, { type: 'module' });

async function rejection(p: Promise<unknown>): Promise<ModelVaultError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ModelVaultError);
    return e as ModelVaultError;
  }
  throw new Error('expected a rejection');
}

let cross: Uint8Array | undefined;
let expected: unknown;

describe('browser main thread', () => {
  it('an in-memory database on the main thread: write, snapshot, reopen from bytes', () => {
    const db = Database.openInMemory();
    writeUsers(db, 30);
    const again = Database.fromSnapshotBytes(db.snapshotBytes());
    expect(again.rowCount('users')).toBe(29);
    expect(dumpJson(again)).toEqual(dumpJson(db));
    expect(() => Database.open('/x.typra')).toThrow('options.fs');
  });

  it('opens the Node-written cross file from its bytes (main thread, read-only)', async () => {
    const [bytes, json] = await Promise.all([fetch('/cross/cross.typra'), fetch('/cross/cross.json')]);
    cross = new Uint8Array(await bytes.arrayBuffer());
    expected = await json.json();
    const db = Database.openImage(cross, { readOnly: true });
    expect(db.rowCount('users')).toBe(CROSS_ROWS - 1);
    expect(dumpJson(db)).toEqual(expected);
  });
});

describe('AsyncDatabase: persistent database in an OPFS worker', () => {
  it('writes through the worker, survives a new worker, errors keep their codes', async () => {
    const first = spawn('db-worker.js');
    const db = await AsyncDatabase.open(first, '/notes.typra');
    await db.registerCollection('users', USER_FIELDS, 'id', USER_INDEXES);
    await db.begin();
    for (let i = 1; i <= 25; i++) await db.insert('users', { id: BigInt(i), email: `n${i}@example.com`, age: BigInt(i), avatar: new Uint8Array([i]) });
    await db.commit();
    const dup = await rejection(db.insert('users', { id: 99n, email: 'n1@example.com', age: null, avatar: null }));
    expect(dup.code).toBe('Schema.UniqueIndexViolation');
    expect((await rejection(AsyncDatabase.open(first, '/notes.typra'))).kind).toBe('Io');
    await db.close();
    first.terminate();

    const second = spawn('db-worker.js');
    const again = await AsyncDatabase.open(second, '/notes.typra', { readOnly: true });
    expect(await again.rowCount('users')).toBe(25);
    expect(await again.get('users', 25n)).toEqual({ id: 25n, email: 'n25@example.com', age: 25n, avatar: new Uint8Array([25]) });
    expect((await again.property('recoveryInfo')).truncatedBytes).toBe(0);
    expect((await rejection(again.insert('users', { id: 1n, email: 'x@example.com', age: null, avatar: null }))).code).toMatch(/^(Io|Usage)\./);
    await again.close();
    second.terminate();
  });

  it('the cross file opens inside the worker too (fromSnapshotBytes)', async () => {
    const w = spawn('db-worker.js');
    const db = await AsyncDatabase.fromSnapshotBytes(w, cross!);
    expect(await db.rowCount('users')).toBe(CROSS_ROWS - 1);
    expect(dumpJson(Database.fromSnapshotBytes(await db.snapshotBytes()))).toEqual(expected);
    w.terminate();
  });
});

async function opfsSuites(): Promise<{ summary: RunSummary; written: Uint8Array | null }> {
  const w = spawn('opfs-suites.js');
  return new Promise((resolve) => {
    w.onmessage = (e) => {
      w.terminate();
      resolve(e.data);
    };
    w.onerror = (e) => resolve({ summary: { passed: 0, failed: 1, skipped: 0, failures: [{ name: 'opfs worker', error: e.message }] }, written: null });
    w.postMessage({ cross, expected });
  });
}

const main = await runRegistered({ log });
const worker = cross !== undefined ? await opfsSuites() : { summary: { passed: 0, failed: 1, skipped: 0, failures: [{ name: 'opfs worker', error: 'cross file not loaded' }] }, written: null };
for (const f of worker.summary.failures) log(`FAIL [opfs worker] ${f.name}: ${f.error}`);
const summary: RunSummary = {
  passed: main.passed + worker.summary.passed,
  failed: main.failed + worker.summary.failed,
  skipped: main.skipped + worker.summary.skipped,
  failures: [...main.failures, ...worker.summary.failures],
};
let written = '';
if (worker.written !== null) for (const b of worker.written) written += String.fromCharCode(b);
win.__modelvault = { summary, written: btoa(written), mainPassed: main.passed, workerPassed: worker.summary.passed };
