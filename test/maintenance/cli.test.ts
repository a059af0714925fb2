import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { Database } from '../../src/engine/database.ts';
import { logical, populate } from './helpers.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mv-maint-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function run(...argv: string[]) {
  let out = '';
  let err = '';
  const code = runCli(argv, { stdout: (s) => void (out += s), stderr: (s) => void (err += s) });
  return { code, out, err };
}

function make(path: string): unknown {
  const db = Database.open(path);
  populate(db, 50);
  for (let i = 0; i < 50; i++) db.insert('users', { id: BigInt(i), email: `again${i}@x.io`, age: null });
  const state = logical(db);
  db.close();
  return state;
}

const read = (path: string) => {
  const db = Database.open(path, { readOnly: true });
  try {
    return logical(db);
  } finally {
    db.close();
  }
};

describe('maintenance CLI', () => {
  it('checkpoint, compact (in place and --to), export and restore, each with a summary line', () => {
    const file = join(dir, 'app.typra');
    const state = make(file);

    let r = run('checkpoint', file);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^checkpoint .*: 55 rows, .* at offset \d+; .* -> .*, \d+ ms\n$/);
    expect(read(file)).toEqual(state);

    const dest = join(dir, 'small.typra');
    r = run('compact', file, '--to', dest);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/% smaller/);
    expect(statSync(dest).size).toBeLessThan(statSync(file).size);
    expect(read(dest)).toEqual(state);

    r = run('compact', file);
    expect(r.code, r.err).toBe(0);
    expect(statSync(file).size).toBe(statSync(dest).size);
    expect(read(file)).toEqual(state);

    const snap = join(dir, 'snap.typra');
    r = run('export', file, snap);
    expect(r.code, r.err).toBe(0);
    expect(read(snap)).toEqual(state);

    const other = join(dir, 'other.typra');
    r = run('restore', snap, other);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/55 rows/);
    expect(read(other)).toEqual(state);
  });

  it('usage errors exit 2; a refused restore exits 1 and names the code', () => {
    expect(run('compact').code).toBe(2);
    expect(run('export', 'only-one').code).toBe(2);
    expect(run('compact', 'x', '--bogus').code).toBe(2);
    const junk = join(dir, 'junk');
    writeFileSync(junk, 'not a database at all, not even close to one');
    const r = run('restore', junk, join(dir, 'dest.typra'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Format\./);
  });
});
