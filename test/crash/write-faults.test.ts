/**
 * EIO and ENOSPC at every I/O call of every kind of write: the call fails with a typed
 * error and leaves the handle's state and the file as they were (a failed commit is undone
 * on disk too), the same handle's next write succeeds, and the file reopens — also after a
 * power loss — with exactly the committed writes.
 */
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Database } from '../../src/engine/database.ts';
import { isModelVaultError } from '../../src/errors.ts';
import { forEachFaultPoint } from '../../src/fs/crash-points.ts';
import { createMemFs } from '../../src/fs/memfs.ts';
import type { MemFs } from '../../src/fs/memfs.ts';
import { P, code, stateOf, user } from '../write/helpers.ts';
import { OPERATIONS, setupUsers } from './operations.ts';

const FOLLOW_UP = user(500, 'follow@up', 'green');

/** Rows as a reopen shows them after `ops` ran on a fresh database. */
function reopenedRows(ops: Array<(db: Database) => void>): Record<string, unknown> {
  const fs = createMemFs({ directories: ['/data'] });
  const db = setupUsers(fs);
  for (const op of ops) op(db);
  db.close();
  const r = Database.open(P, { fs, readOnly: true });
  const rows = stateOf(r);
  r.close();
  return rows;
}

function reopen(fs: MemFs, label: string): Record<string, unknown> {
  const strict = Database.open(P, { fs, recovery: 'strict', readOnly: true });
  const rows = stateOf(strict);
  strict.close();
  expect(rows, label).toBeDefined();
  return rows;
}

describe('I/O errors at every call of a write', () => {
  for (const [name, operation] of Object.entries(OPERATIONS)) {
    it(name, () => {
      const followUp = (db: Database) => db.insert('users', FOLLOW_UP);
      const failedThenFollowUp = reopenedRows([followUp]);
      const succeededThenFollowUp = reopenedRows([operation, followUp]);
      let failures = 0;
      forEachFaultPoint(
        (fs) => {
          const db = setupUsers(fs);
          return { db, before: stateOf(db), bytes: fs.peek(P)!.slice() };
        },
        (ctx) => operation(ctx.db),
        (fs, point, error, ctx) => {
          const { db } = ctx;
          if (error !== undefined) {
            failures++;
            expect(isModelVaultError(error), point.label).toBe(true);
            expect((error as { kind: string }).kind, point.label).toBe('Io');
            expect(db.inTransaction, point.label).toBe(false);
            expect(stateOf(db), point.label).toEqual(ctx.before);
            expect(fs.peek(P), `${point.label}: file not restored`).toEqual(ctx.bytes);
          }
          db.insert('users', FOLLOW_UP);
          db.close();
          const want = error !== undefined ? failedThenFollowUp : succeededThenFollowUp;
          expect(reopen(fs, point.label), point.label).toEqual(want);
          const afterPowerLoss = fs.crash({ mode: 'drop' });
          expect(reopen(afterPowerLoss, `${point.label} + power loss`), point.label).toEqual(want);
        },
        { errnos: ['EIO', 'ENOSPC'], partial: 'random', fs: { directories: ['/data'] } },
      );
      expect(failures).toBeGreaterThan(3);
    });
  }

  it('when the undo of a failed commit fails too, the handle is poisoned and the file keeps its committed state', () => {
    const fs = createMemFs({ directories: ['/data'] });
    const db = setupUsers(fs);
    const before = stateOf(db);
    fs.failWhen((c) => c.op === 'sync', 'EIO');
    expect(code(() => db.insert('users', user(10, 'x@x')))).toBe('Io.HandlePoisoned');
    fs.clearFaults();
    expect(code(() => db.insert('users', user(11, 'y@x')))).toBe('Io.HandlePoisoned');
    expect(code(() => db.begin())).toBe('Io.HandlePoisoned');
    expect(stateOf(db)).toEqual(before);
    db.close();
    const r = Database.open(P, { fs: fs.crash({ mode: 'drop' }) });
    expect(isDeepStrictEqual(stateOf(r), before)).toBe(true);
    r.close();
  });

  it('a failed create leaves a path that the next open creates properly', () => {
    let failures = 0;
    forEachFaultPoint(
      (fs) => fs,
      (fs) => Database.open(P, { fs }).close(),
      (fs, point, error) => {
        if (error !== undefined) failures++;
        const db = Database.open(P, { fs });
        expect(db.collections(), point.label).toEqual([]);
        db.registerCollection('t', [{ path: ['id'], type: 'int64', constraints: [] }], 'id');
        db.close();
        expect(reopen(fs, point.label), point.label).toEqual({ t: [] });
      },
      { errnos: ['EIO', 'ENOSPC'], partial: 'random', fs: { directories: ['/data'] } },
    );
    expect(failures).toBeGreaterThan(2);
  });
});
