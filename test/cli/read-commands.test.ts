/** `dump`, `inspect` and `verify` through runCli on copies of the golden files (node fs). */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { GOLDEN_DIR, goldenNames, loadGolden, mapRustError } from '../golden/golden-files.ts';

const dir = mkdtempSync(join(tmpdir(), 'mv-cli-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function copy(name: string): string {
  const p = join(dir, `${name}-${Math.random().toString(36).slice(2)}.typra`);
  copyFileSync(join(GOLDEN_DIR, `${name}.typra`), p);
  return p;
}

function run(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runCli(args, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

describe('modelvault dump', () => {
  for (const name of goldenNames()) {
    it(`${name}: prints the expected content and never modifies the file`, () => {
      const g = loadGolden(name);
      const p = copy(name);
      const r = run(['dump', p, '--json']);
      const autoOk = g.json.open.auto_truncate.ok || g.isPort;
      if (autoOk) {
        expect(r.code).toBe(0);
        expect(JSON.parse(r.out)).toEqual(g.expected);
      } else {
        expect(r.code).toBe(1);
        const e = JSON.parse(r.out);
        expect(e.ok).toBe(false);
        expect(e.code).toBe(mapRustError(g.json.open.auto_truncate.error_debug!).code);
      }
      expect(new Uint8Array(readFileSync(p))).toEqual(g.bytes);
      expect(existsSync(`${p}.writer.lock`)).toBe(false);
    });
  }

  it('strict on a torn tail: error JSON and exit 1', () => {
    const p = copy('torn_tail_garbage');
    const r = run(['dump', p, '--json', '--recovery', 'strict']);
    expect(r.code).toBe(1);
    const e = JSON.parse(r.out);
    expect(e).toMatchObject({ ok: false, error_kind: 'Format', code: 'Format.UncleanLogTail' });
    expect(e.message).toContain('9549');
    const ro = run(['dump', p, '--read-only']);
    expect(ro.code).toBe(1);
    expect(JSON.parse(ro.out).code).toBe('Format.UncleanLogTail');
    expect(new Uint8Array(readFileSync(p))).toEqual(loadGolden('torn_tail_garbage').bytes);
  });

  it('usage errors exit 2', () => {
    expect(run(['dump']).code).toBe(2);
    expect(run(['dump', 'x.typra', '--recovery', 'sometimes']).code).toBe(2);
    expect(run(['dump', 'x.typra', '--bogus']).code).toBe(2);
  });

  it('a missing file is an Io error', () => {
    const r = run(['dump', join(dir, 'missing.typra')]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).error_kind).toBe('Io');
  });
});

describe('modelvault inspect', () => {
  for (const name of goldenNames()) {
    it(`${name}: header, superblocks and segment counts match the golden layout`, () => {
      const g = loadGolden(name);
      const r = run(['inspect', copy(name), '--json']);
      expect(r.code).toBe(0);
      const j = JSON.parse(r.out);
      const layout = g.json.layout as Record<string, unknown>;
      expect(j.header).toEqual(layout.header);
      expect(j.file_size).toBe(layout.file_size);
      expect(j.selected_superblock).toBe(layout.selected_superblock);
      const sbs = (layout.superblocks as Record<string, unknown>[]).map((s) =>
        s.valid ? s : { ...s, error: mapRustError(s.error as string).code },
      );
      expect(j.superblocks).toEqual(sbs);
      expect(j.segment_count).toBe(layout.segment_count);
      expect(j.segment_count_by_type).toEqual(layout.segment_count_by_type);
      const problem = layout.log_end_problem as { offset: number } | undefined;
      expect(j.log_end.torn).toBe(problem !== undefined);
      if (problem) expect(j.log_end.offset).toBe(problem.offset);
      const auto = g.json.open.auto_truncate;
      expect(j.recovery.would_truncate).toBe(auto.truncated_bytes ?? 0);
    });
  }

  it('text output lists the selected superblock, torn tail and collections', () => {
    const r = run(['inspect', copy('torn_tail_partial_segment')]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('selected_superblock: B');
    expect(r.out).toContain('log_end: torn at 9688');
    expect(r.out).toContain('recovery: safe_end=9549 reason=uncommitted_transaction would_truncate=191');
    expect(r.out).toMatch(/collections: 1\n- \S+ \(id=1, schema_version=1, indexes=\d+, rows=3\)/);
  });
});

describe('modelvault verify', () => {
  it('accepts every clean golden file', () => {
    for (const name of goldenNames()) {
      const g = loadGolden(name);
      if (!(g.json.open.strict.ok || g.isPort)) continue;
      const r = run(['verify', copy(name)]);
      expect(r.code, `${name}: ${r.out}`).toBe(0);
      expect(r.out).toMatch(/^ok: format 0\.\d segments=\d+/);
    }
  });

  it('reports the corrupt checkpoint, torn tails and uncommitted transactions', () => {
    const cp = run(['verify', copy('checkpoint_corrupt')]);
    expect(cp.code).toBe(1);
    expect(cp.out).toMatch(/^FAILED at offset \d+: Format\.BadSegmentPayloadChecksum/);
    const torn = run(['verify', copy('torn_tail_partial_segment')]);
    expect(torn.code).toBe(1);
    expect(torn.out).toContain('FAILED at offset 9688: Format.SegmentPayloadPastEof');
    const garbage = run(['verify', copy('torn_tail_garbage')]);
    expect(garbage.out).toContain('FAILED at offset 9549: Format.TruncatedSegmentHeader');
    const txn = run(['verify', copy('torn_tail_uncommitted_txn')]);
    expect(txn.code).toBe(1);
    expect(txn.out).toContain('Format.UncleanLogTail');
  });

  it('names the offset of a flipped payload byte', () => {
    const g = loadGolden('primitives');
    const layout = g.json.layout as { segments: { offset: number; type: string; payload_len: number }[] };
    const rec = layout.segments.find((s) => s.type === 'Record')!;
    const bytes = g.bytes.slice();
    bytes[rec.offset + 32 + 3]! ^= 0x01;
    const p = join(dir, 'flipped.typra');
    writeFileSync(p, bytes);
    const r = run(['verify', p]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`FAILED at offset ${rec.offset}: Format.BadSegmentPayloadChecksum`);
  });
});
