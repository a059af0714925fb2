/**
 * Power loss at every I/O call of every maintenance operation, and EIO/ENOSPC at every
 * call: afterwards the live path opens to exactly the state before (= after: maintenance
 * does not change the logical state), destinations are absent, complete, or their old
 * selves, and a failed operation leaves a usable handle with unchanged state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/engine/database.ts';
import { forEachCrashPoint, forEachFaultPoint } from '../../src/fs/crash-points.ts';
import { createMemFs } from '../../src/fs/memfs.ts';
import type { MemFs } from '../../src/fs/memfs.ts';
import { tempClock } from '../../src/maintenance/durable-files.ts';
import { logical, logicalAt, openDb, populate } from '../maintenance/helpers.ts';

const PATH = '/db/app.typra';
const SNAP = '/db/snap.typra';
const OTHER = '/db/other.typra';

let baseFiles: Record<string, Uint8Array>;
let state: unknown;
let otherState: unknown;
const realClock = tempClock.now;

beforeAll(() => {
  tempClock.now = () => 1_700_000_000_000_000_000n;
  const fs = createMemFs({ directories: ['/db'] });
  const db = openDb(fs);
  populate(db, 12);
  state = logical(db);
  db.close();
  // A second database (the restore source) with a different state.
  const other = openDb(fs, OTHER);
  populate(other, 4);
  otherState = logical(other);
  other.close();
  fs.syncDir('/db');
  baseFiles = {};
  for (const p of fs.list()) {
    const b = fs.peek(p);
    if (b !== undefined) baseFiles[p] = b;
  }
});

afterAll(() => {
  tempClock.now = realClock;
});

const fsOptions = () => ({ files: baseFiles, directories: ['/db'] });

/** The live path after reboot: opens (read-write, auto-truncate) to the unchanged state. */
function expectLiveUnchanged(fs: MemFs, label: string): void {
  const db = Database.open(PATH, { fs });
  try {
    expect(logical(db), label).toEqual(state);
  } finally {
    db.close();
  }
}

const crashOptions = () => ({ fs: fsOptions(), modes: ['random', 'drop', 'keep'] as const, seeds: [1, 2, 3] });

describe('crash at every I/O call', () => {
  it('checkpoint', () => {
    const r = forEachCrashPoint(
      (fs) => openDb(fs),
      (db) => void db.checkpoint(),
      (fs, p) => expectLiveUnchanged(fs, p.label),
      { ...crashOptions(), modes: [...crashOptions().modes] },
    );
    expect(r.visited).toBeGreaterThan(5);
  });

  it('compactInPlace', () => {
    forEachCrashPoint(
      (fs) => openDb(fs),
      (db) => void db.compactInPlace(),
      (fs, p) => expectLiveUnchanged(fs, p.label),
      { ...crashOptions(), modes: [...crashOptions().modes] },
    );
  });

  it('compactTo: the live file is untouched, the destination absent or complete', () => {
    forEachCrashPoint(
      (fs) => openDb(fs),
      (db) => void db.compactTo(SNAP),
      (fs, p) => {
        expectLiveUnchanged(fs, p.label);
        if (fs.exists(SNAP)) expect(logicalAt(fs, SNAP), p.label).toEqual(state);
      },
      { ...crashOptions(), modes: [...crashOptions().modes] },
    );
  });

  it('exportSnapshotTo', () => {
    forEachCrashPoint(
      (fs) => openDb(fs),
      (db) => void db.exportSnapshotTo(SNAP),
      (fs, p) => {
        expectLiveUnchanged(fs, p.label);
        if (fs.exists(SNAP)) expect(logicalAt(fs, SNAP), p.label).toEqual(state);
      },
      { ...crashOptions(), modes: [...crashOptions().modes] },
    );
  });

  it('restoreSnapshotTo: the destination is the old or the new database, never neither', () => {
    forEachCrashPoint(
      () => null,
      (_ctx, fs) => void Database.restoreSnapshotTo(OTHER, PATH, { fs }),
      (fs, p) => {
        const got = logicalAt(fs, PATH);
        expect([JSON.stringify(state), JSON.stringify(otherState)], p.label).toContain(JSON.stringify(got));
        expect(logicalAt(fs, OTHER), p.label).toEqual(otherState);
      },
      { ...crashOptions(), modes: [...crashOptions().modes] },
    );
  });
});

describe('EIO / ENOSPC at every I/O call', () => {
  const errnos = ['EIO', 'ENOSPC'] as const;

  for (const [name, op] of [
    ['checkpoint', (db: Database) => void db.checkpoint()],
    ['compactInPlace', (db: Database) => void db.compactInPlace()],
    ['compactTo', (db: Database) => void db.compactTo(SNAP)],
    ['exportSnapshotTo', (db: Database) => void db.exportSnapshotTo(SNAP)],
  ] as const) {
    it(`${name}: typed error, state unchanged, handle still usable`, () => {
      let failures = 0;
      forEachFaultPoint(
        (fs) => openDb(fs),
        (db) => op(db),
        (fs, p, error, db) => {
          if (error !== undefined) {
            failures++;
            expect(logical(db), p.label).toEqual(state);
            // The handle keeps working after a failed maintenance call.
            db.insert('users', { id: 777n, email: 'after-failure@x.io', age: null });
            expect(db.get('users', 777n), p.label).not.toBeNull();
            db.delete('users', 777n);
          }
          db.close();
          expectLiveUnchanged(fs.crash({ mode: 'random', seed: 7 }), p.label);
        },
        { fs: fsOptions(), errnos: [...errnos] },
      );
      expect(failures).toBeGreaterThan(0);
    });
  }

  it('restoreSnapshotTo: typed error and the destination untouched', () => {
    forEachFaultPoint(
      () => null,
      (_ctx, fs) => void Database.restoreSnapshotTo(OTHER, PATH, { fs }),
      (fs, p, error) => {
        const after = fs.crash({ mode: 'random', seed: 3 });
        const got = logicalAt(after, PATH);
        // Once the rename is done, a failing directory fsync can only report that the
        // replacement's durability is unknown: either database may be found after reboot.
        if (p.call.description.startsWith('syncDir')) {
          expect([JSON.stringify(state), JSON.stringify(otherState)], p.label).toContain(JSON.stringify(got));
        } else if (error !== undefined) expect(got, p.label).toEqual(state);
        else expect(got, p.label).toEqual(otherState);
      },
      { fs: fsOptions(), errnos: [...errnos] },
    );
  });
});

describe('a rename that cannot be made durable', () => {
  it('compactInPlace: directory fsync fails twice → typed error, handles closed, either file opens to the state', () => {
    const fs = createMemFs(fsOptions());
    const db = openDb(fs);
    const view = Database.open(PATH, { fs, readOnly: true });
    fs.failWhen((c) => c.op === 'syncDir', 'EIO', { times: 2 });
    let error: unknown;
    try {
      db.compactInPlace();
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ kind: 'Io', details: { renamed: true } });
    expect(db.isClosed).toBe(true);
    expect(view.isClosed).toBe(true);
    for (const seed of [1, 2, 3]) expectLiveUnchanged(fs.clone(), `clone ${seed}`);
    expectLiveUnchanged(fs.crash({ mode: 'random', seed: 5 }), 'after crash');
  });

  it('one failed directory fsync is retried and the compaction succeeds', () => {
    const fs = createMemFs(fsOptions());
    const db = openDb(fs);
    fs.failWhen((c) => c.op === 'syncDir', 'EIO', { times: 1 });
    db.compactInPlace();
    db.insert('users', { id: 999n, email: 'durable@x.io', age: null });
    db.close();
    const after = Database.open(PATH, { fs: fs.crash({ mode: 'drop' }) });
    expect(after.get('users', 999n)).not.toBeNull();
    after.close();
  });
});
