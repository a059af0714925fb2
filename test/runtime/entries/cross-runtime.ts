/**
 * The cross-runtime file check. Node writes `cross.typra` (+ its dump in `cross.json`) with
 * `writeUsers`; every other runtime opens those bytes and must see the same dump, then
 * writes the same operations itself (`by-<runtime>.typra`), which the runner compares
 * byte for byte with Node's file.
 */
import { describe, expect, it } from 'vitest';
import { Database } from '../../../src/engine/database.ts';
import type { FsOps } from '../../../src/fs/types.ts';
import { dumpJson, writeUsers } from '../../portable/engine-suite.ts';

export const CROSS_ROWS = 200;

export function writeCrossFile(fs: FsOps, path: string): unknown {
  const db = Database.open(path, { fs });
  writeUsers(db, CROSS_ROWS);
  db.close();
  const again = Database.open(path, { fs, readOnly: true });
  const dump = dumpJson(again);
  again.close();
  return dump;
}

export function runCrossRuntime(runtime: string, fs: FsOps, dir: string, expected: unknown): void {
  describe(`cross-runtime: files written on Node open on ${runtime}`, () => {
    it('opens cross.typra (written by Node) to the same dump', () => {
      const db = Database.open(`${dir}/cross.typra`, { fs, readOnly: true });
      expect(db.recoveryInfo.truncatedBytes).toBe(0);
      expect(db.rowCount('users')).toBe(CROSS_ROWS - 1);
      expect(dumpJson(db)).toEqual(expected);
      db.close();
    });
    it(`writes by-${runtime}.typra with the same operations`, () => {
      expect(writeCrossFile(fs, `${dir}/by-${runtime}.typra`)).toEqual(expected);
    });
  });
}
