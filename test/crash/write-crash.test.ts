/**
 * Power loss at every I/O call of every kind of write (memfs crash simulator): after the
 * reboot, an auto-truncate open shows exactly the state before or after the operation,
 * never a mix; a strict open succeeds with the same state, or refuses with
 * `Format.UncleanLogTail` exactly when there is an unpublished tail to cut.
 */
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Database } from '../../src/engine/database.ts';
import { isModelVaultError } from '../../src/errors.ts';
import { forEachCrashPoint } from '../../src/fs/crash-points.ts';
import { createMemFs } from '../../src/fs/memfs.ts';
import type { MemFs } from '../../src/fs/memfs.ts';
import { P, schemaOf, stateOf } from '../write/helpers.ts';
import { OPERATIONS, setupUsers } from './operations.ts';
import type { Snapshot } from './operations.ts';

function snapshot(db: Database): Snapshot {
  return { schema: schemaOf(db), rows: stateOf(db) };
}

/**
 * State before and after `operation`, from an undisturbed run, as a reopen shows it (a
 * reopen presents rows written before a schema bump under the current schema, while the
 * writing handle keeps their old shape, BEHAVIOR.md §1.6).
 */
function expectedStates(operation: (db: Database) => void): { before: Snapshot; after: Snapshot } {
  const reopened = (fs: MemFs): Snapshot => {
    const r = Database.open(P, { fs, readOnly: true });
    const s = snapshot(r);
    r.close();
    return s;
  };
  const fs = createMemFs({ directories: ['/data'] });
  const db = setupUsers(fs);
  db.close();
  const before = reopened(fs);
  const db2 = Database.open(P, { fs });
  operation(db2);
  db2.close();
  return { before, after: reopened(fs) };
}

function verifyReboot(fs: MemFs, label: string, before: Snapshot, after: Snapshot): 'before' | 'after' {
  let strict: Snapshot | null = null;
  try {
    const s = Database.open(P, { fs, recovery: 'strict' });
    strict = snapshot(s);
    s.close();
  } catch (e) {
    expect(isModelVaultError(e, 'Format.UncleanLogTail'), `${label}: strict open: ${String(e)}`).toBe(true);
  }
  const db = Database.open(P, { fs });
  const got = snapshot(db);
  const cut = db.recoveryInfo.truncatedBytes;
  db.close();
  const which = isDeepStrictEqual(got, before) ? 'before' : isDeepStrictEqual(got, after) ? 'after' : null;
  expect(which, `${label}: state is neither before nor after`).not.toBeNull();
  if (strict === null) expect(cut, `${label}: strict refused but nothing to cut`).toBeGreaterThan(0);
  else {
    expect(strict, `${label}: strict and auto-truncate disagree`).toEqual(got);
    expect(cut, label).toBe(0);
  }
  // The recovered file takes writes and reopens strictly.
  const w = Database.open(P, { fs });
  w.insert('users', { id: 999n, email: 'post@crash' });
  w.close();
  const r = Database.open(P, { fs, recovery: 'strict', readOnly: true });
  expect(r.get('users', 999n), label).not.toBeNull();
  r.close();
  return which!;
}

const SEEDS = [1, 2, 3, 4];
const MODES = ['random', 'drop', 'keep'] as const;

describe('crash at every I/O call of a write', () => {
  for (const [name, operation] of Object.entries(OPERATIONS)) {
    it(name, () => {
      const { before, after } = expectedStates(operation);
      expect(after).not.toEqual(before);
      const seen = new Set<string>();
      const result = forEachCrashPoint(
        (fs) => setupUsers(fs),
        (db) => operation(db),
        (fs, point) => seen.add(verifyReboot(fs, point.label, before, after)),
        { seeds: SEEDS, modes: MODES, fs: { directories: ['/data'] } },
      );
      expect(result.visited).toBeGreaterThan(3);
      // Both outcomes occur: early crashes lose the write, late ones keep it.
      expect([...seen].sort()).toEqual(['after', 'before']);
    });
  }
});

describe('crash while creating a database', () => {
  it('every crash point leaves no file, or a file that opens as a new empty database', () => {
    let visited = 0;
    forEachCrashPoint(
      (fs) => fs,
      (fs) => {
        Database.open(P, { fs }).close();
      },
      (fs, point) => {
        const db = Database.open(P, { fs });
        expect(db.collections(), point.label).toEqual([]);
        db.registerCollection('users', [{ path: ['id'], type: 'int64', constraints: [] }], 'id');
        db.insert('users', { id: 1n });
        db.close();
        const r = Database.open(P, { fs, readOnly: true });
        expect(r.get('users', 1n), point.label).toEqual({ id: 1n });
        r.close();
        visited++;
      },
      { seeds: SEEDS, modes: MODES, fs: { directories: ['/data'] } },
    );
    expect(visited).toBeGreaterThan(3);
  });

  it('a created database survives power loss once open() has returned (file and directory entry synced)', () => {
    const fs = createMemFs({ directories: ['/data'] });
    Database.open(P, { fs }).close();
    const rebooted = fs.crash({ mode: 'drop' });
    const db = Database.open(P, { fs: rebooted, recovery: 'strict', readOnly: true });
    expect(db.collections()).toEqual([]);
    db.close();
  });

  it('an acknowledged write survives power loss with nothing but synced data kept', () => {
    const fs = createMemFs({ directories: ['/data'] });
    const db = setupUsers(fs);
    const state = snapshot(db);
    const rebooted = fs.crash({ mode: 'drop' });
    const r = Database.open(P, { fs: rebooted, recovery: 'strict', readOnly: true });
    expect(snapshot(r)).toEqual(state);
    r.close();
  });
});
