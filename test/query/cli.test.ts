import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { paramFromText } from '../../src/cli/commands/sql-args.ts';

const dir = mkdtempSync(join(tmpdir(), 'mv-query-cli-'));
const file = join(dir, 'big.typra');
copyFileSync('/work/shared/golden/big_index_scan.typra', file);
const before = readFileSync(file);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(...argv: string[]) {
  let out = '';
  let err = '';
  const code = runCli(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

describe('modelvault query / explain', () => {
  it('prints a table', () => {
    const r = run('query', file, 'SELECT id, g, x FROM events WHERE g = ? AND x >= ? ORDER BY x DESC LIMIT 2', '--param', '75', '--param', '500000');
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toMatch(/^id +\| g +\| x$/);
    expect(r.out).toMatch(/\(2 rows\)\n$/);
    expect(r.out.split('\n')).toHaveLength(6);
  });

  it('prints JSON with --json, aggregates included', () => {
    const r = run('query', file, 'SELECT g, COUNT(*) AS n FROM events WHERE g >= 100 GROUP BY g ORDER BY n DESC, g LIMIT 1', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { columns: string[]; rows: unknown[][] };
    expect(j.columns).toEqual(['g', 'n']);
    expect(j.rows).toHaveLength(1);
    expect(typeof j.rows[0]![1]).toBe('number');
  });

  it('explains with the reference text', () => {
    const r = run('explain', file, 'SELECT * FROM events WHERE g = ?', '--param', '75');
    expect(r).toEqual({ code: 0, out: 'Plan:\n  IndexLookup index="by_g" kind=NonUnique\n', err: '' });
  });

  it('reports SQL errors with code and position, and usage errors with exit 2', () => {
    const bad = run('query', file, 'SELECT * FROM events WHERE g LIKE ?', '--param', '1');
    expect(bad.code).toBe(1);
    expect(bad.err).toBe('modelvault query: Sql.Unsupported: LIKE is not supported at position 30\n');
    const j = run('query', file, 'SELECT * FROM nope', '--json');
    expect(j.code).toBe(1);
    expect(JSON.parse(j.out)).toMatchObject({ ok: false, code: 'Schema.UnknownCollectionName' });
    expect(run('query', file).code).toBe(2);
    expect(run('explain', file, 'SELECT 1', '--bogus').code).toBe(2);
  });

  it('never writes the file', () => {
    run('query', file, 'SELECT COUNT(*) FROM events');
    expect(readFileSync(file)).toEqual(before);
    expect(() => statSync(`${file}.writer.lock`)).toThrow();
  });

  it('infers parameter types from text', () => {
    expect(paramFromText('-12')).toBe(-12n);
    expect(paramFromText('1.5')).toBe(1.5);
    expect(paramFromText('1e3')).toBe(1000);
    expect(paramFromText('true')).toBe(true);
    expect(paramFromText('x1')).toBe('x1');
  });
});
