// The README quick start (between <!-- quickstart:start --> and <!-- quickstart:end -->) is
// executed here against the source package, and type-checked: if it stops compiling or
// running, or prints something else than its comments say, this fails.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, expect, test, vi } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'mv-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function quickstartCode(): string {
  const start = readme.indexOf('<!-- quickstart:start -->');
  const end = readme.indexOf('<!-- quickstart:end -->');
  expect(start).toBeGreaterThanOrEqual(0);
  expect(end).toBeGreaterThan(start);
  const section = readme.slice(start, end);
  const m = /```ts\n([\s\S]*?)```/.exec(section);
  expect(m).not.toBeNull();
  return m![1]!;
}

/** The block with `'modelvault'` pointing at the source tree. */
function localized(code: string): string {
  expect(code).toContain("from 'modelvault'");
  return code.replaceAll("from 'modelvault'", `from ${JSON.stringify(join(root, 'src/index.ts'))}`);
}

test('the quick start type-checks', () => {
  const file = join(dir, 'quickstart-typecheck.ts');
  writeFileSync(file, localized(quickstartCode()));
  const program = ts.createProgram([file], {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
    typeRoots: [join(root, 'node_modules/@types')],
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  });
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  expect(diagnostics).toEqual([]);
}, 120_000);

test('the quick start runs and prints what its comments say', async () => {
  const file = join(dir, 'quickstart.ts');
  writeFileSync(file, localized(quickstartCode()));
  const logs: unknown[][] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    logs.push(args);
  });
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    await import(/* @vite-ignore */ file);
  } finally {
    process.chdir(cwd);
    spy.mockRestore();
  }
  expect(logs).toEqual([
    ['Write the README'],
    ['cannot insert into "tasks": field "title" has an invalid value: string must be non-empty (got "")'],
    [[{ id: 1n, title: 'Write the README' }]],
    ['needs_migration', 1],
  ]);
  // It left a real database behind.
  const { Database } = await import('../../src/index.ts');
  const db = Database.open(join(dir, 'tasks.typra'), { readOnly: true, recovery: 'strict' });
  expect(db.collection('tasks')?.schemaVersion).toBe(2);
  expect(db.rowCount('tasks')).toBe(1);
  db.close();
});
