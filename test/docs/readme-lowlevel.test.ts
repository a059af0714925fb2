// The README's "lower-level API" block is run as written (against the source tree) and the
// values its comments promise are checked on the database it leaves behind.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import { Database } from '../../src/index.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'mv-readme-low-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function lowLevelBlock(): string {
  const at = readme.indexOf('## The lower-level API');
  expect(at).toBeGreaterThanOrEqual(0);
  const m = /```ts\n([\s\S]*?)```/.exec(readme.slice(at));
  expect(m).not.toBeNull();
  return m![1]!;
}

test('the lower-level README example runs and leaves the state it describes', async () => {
  const code = lowLevelBlock()
    .replaceAll("from 'modelvault'", `from ${JSON.stringify(join(root, 'src/index.ts'))}`)
    // Expressions whose result the README shows in a comment are captured for checking.
    .replace(/^db\.get\('users', 2n\);/m, "globalThis.__mvGet = db.get('users', 2n);")
    .replace(/^db\.query\(/m, 'globalThis.__mvQuery = db.query(')
    .replace(/^db\.sql\(/m, 'globalThis.__mvSql = db.sql(');
  const file = join(dir, 'lowlevel.ts');
  writeFileSync(file, code);
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    await import(/* @vite-ignore */ file);
  } finally {
    process.chdir(cwd);
  }
  const g = globalThis as unknown as Record<string, unknown>;
  expect(g.__mvGet).toEqual({ id: 2n, email: 'bob@example.com', age: null });
  expect(g.__mvQuery).toEqual([{ id: 2n, email: 'bob@example.com', age: null }]);
  expect((g.__mvSql as { rows: unknown[] }).rows).toEqual([{ id: 2n, email: 'bob@example.com' }]);

  const db = Database.open(join(dir, 'app.typra'), { readOnly: true, recovery: 'strict' });
  try {
    expect(db.get('users', 1n)).toBeNull();
    expect(db.get('users', 2n)).toEqual({ id: 2n, email: 'bob@example.com', age: null });
    expect(() => db.insert('users', { id: 3n, email: 'x@y.z' })).toThrow();
  } finally {
    db.close();
  }
});
