import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import pkg from '../../package.json' with { type: 'json' };

function run(argv: string[]) {
  let out = '';
  let err = '';
  const code = runCli(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

describe('cli dispatch', () => {
  it('prints the package version', () => {
    for (const flag of ['--version', '-V', 'version']) {
      const r = run([flag]);
      expect(r.code).toBe(0);
      expect(r.out).toBe(`modelvault ${pkg.version}\n`);
    }
  });
  it('prints help listing commands', () => {
    const r = run(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^usage: modelvault <command>/);
    expect(r.out).toContain('version');
  });
  it('no arguments is a usage error on stderr', () => {
    const r = run([]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain('usage:');
  });
  it('unknown command exits 2', () => {
    const r = run(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.err).toContain("unknown command 'frobnicate'");
  });
  it('prototype keys are not commands', () => {
    expect(run(['constructor']).code).toBe(2);
    expect(run(['__proto__']).code).toBe(2);
  });
  it('per-command help', () => {
    const r = run(['version', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('usage: modelvault version');
  });
});
