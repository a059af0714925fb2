// The benchmark harness's own logic (not a benchmark): the workload definition, the seeded
// order, medians, the verdicts against the targets, the markdown and SVG writers,
// and one real worker process on a peer that needs no build.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
// The harness is plain .mjs without declarations; a non-literal specifier keeps tsc out of it.
const load = (p: string): Promise<any> => import(join(root, p));

describe('standard workload', () => {
  it('row i has the shape the issue specifies', async () => {
    const { logicalRow } = await load('bench/lib/workload.mjs');
    expect(logicalRow(7)).toEqual({ id: 7, name: 'user-00000000007', score: 3.5, active: false, tags: ['t0', 't7', 't7'], grp: 7 });
    expect(logicalRow(123456).name).toHaveLength(16);
    expect(logicalRow(100).active).toBe(true);
    expect(logicalRow(100).grp).toBe(0);
  });

  it('the get order is a seeded permutation, identical on every call', async () => {
    const { shuffledIds } = await load('bench/lib/workload.mjs');
    const a: number[] = shuffledIds(1000);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(shuffledIds(1000)).toEqual(a);
    expect(a.filter((v, i) => v === i).length).toBeLessThan(20);
    expect(shuffledIds(1000, 7)).not.toEqual(a);
  });

  it('sameRow accepts bigint ids and refuses a wrong row', async () => {
    const { sameRow, logicalRow } = await load('bench/lib/workload.mjs');
    const r = logicalRow(42);
    expect(sameRow({ ...r, id: 42n, grp: 42n }, 42)).toBe(true);
    expect(sameRow({ ...r, tags: ['x'] }, 42)).toBe(false);
    expect(sameRow(null, 42)).toBe(false);
  });
});

describe('stats', () => {
  it('median of odd and even counts, NaN when empty', async () => {
    const { median } = await load('bench/lib/stats.mjs');
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

function doc(n: number, results: object[]) {
  return {
    machine: { cpu: 'x', cores: 2, memory_gb: 1, os: 'linux', node: 'v20', data_fs: 'ext4', load_avg_at_start: [0, 0, 0], date: 'now' },
    mode: n === 100_000 ? 'full' : 'quick',
    n,
    runs: 5,
    autocommit_rows: { modelvault: 2000, sqlite: 2000 },
    results,
    micro: null,
  };
}

describe('targets', () => {
  it('durable autocommit must reach 2× better-sqlite3; the shortfall is reported', async () => {
    const { verdicts } = await load('bench/lib/targets.mjs');
    const res = (ops_per_s: number, engine: string) => ({ workload: 'a', engine, ops: 2000, median_ms: (2000 / ops_per_s) * 1000, ops_per_s, rss_mb: 50 });
    const met = verdicts(doc(100_000, [res(2500, 'modelvault'), res(1000, 'sqlite')]));
    expect(met[0].verdict).toBe('met');
    const missed = verdicts(doc(100_000, [res(1500, 'modelvault'), res(1000, 'sqlite')]));
    expect(missed[0].verdict).toBe('missed: 1.50× sqlite, needs 2× (25% short)');
    expect(missed[1].verdict).toBe('missed by 57%'); // vs Rust 3,500 rows/s
  });

  it('names the fastest peer when modelvault is slower, and refuses Rust comparisons at another N', async () => {
    const { verdicts } = await load('bench/lib/targets.mjs');
    const r = (engine: string, ms: number) => ({ workload: 'c', engine, ops: 1000, median_ms: ms, ops_per_s: 1e6 / ms, rss_mb: 60 });
    const v = verdicts(doc(5000, [r('modelvault', 10), r('sqlite', 40), r('lokijs', 5)]));
    expect(v).toHaveLength(2);
    expect(v[0].verdict).toBe('Rust: not comparable (N ≠ 100,000); peers: missed, lokijs is 2.00× faster');
    expect(v[1]).toMatchObject({ target: 'peak RSS ≤ better-sqlite3 (each workload)', verdict: 'met' }); // equal RSS is not above
  });

  it('peak RSS above better-sqlite3 is listed per workload', async () => {
    const { verdicts } = await load('bench/lib/targets.mjs');
    const r = (w: string, engine: string, rss: number) => ({ workload: w, engine, ops: 1, median_ms: 1, ops_per_s: 1000, rss_mb: rss });
    const v = verdicts(doc(100_000, [r('f', 'modelvault', 150), r('f', 'sqlite', 100), r('g', 'modelvault', 90), r('g', 'sqlite', 100)]));
    const rss = v.find((x: { target: string }) => x.target.startsWith('peak RSS'));
    expect(rss.verdict).toBe('missed: f +50%');
    expect(rss.measured).toBe('above sqlite in 1 of 2');
  });
});

describe('markdown', () => {
  it('shows a missing modelvault feature as n/a, never as a number, and ratios for peers', async () => {
    const { markdown } = await load('bench/lib/markdown.mjs');
    const md: string = markdown(
      doc(5000, [
        { workload: 'f', engine: 'modelvault', na: 'not implemented yet' },
        { workload: 'f', engine: 'sqlite', na: 'no checkpoint' },
        { workload: 'b', engine: 'modelvault', ops: 5000, median_ms: 100, ops_per_s: 50_000, rss_mb: 80 },
        { workload: 'b', engine: 'sqlite', ops: 5000, median_ms: 25, ops_per_s: 200_000, rss_mb: 60, ratio_time: 0.25, ratio_rss: 0.75 },
      ]),
    );
    expect(md).toContain('| (f) checkpoint | n/a (not implemented yet) | — (no checkpoint) |');
    expect(md).toContain('| (b) inserts in one transaction | 100 | 25.0 (0.25×) |');
    expect(md).toContain('| (b) inserts in one transaction | 80.0 | 60.0 (0.75×) |');
  });
});

describe('svg chart', () => {
  it('draws one polyline per series inside the plot area and escapes text', async () => {
    const { lineChart } = await load('bench/lib/svg.mjs');
    const svg: string = lineChart(
      [
        { name: 'a<b', points: [[10, 1], [100, 5], [1000, 20]] },
        { name: 'c', points: [[10, 2], [100, 2], [1000, 3]] },
      ],
      { title: 'T & U', xLabel: 'x', yLabel: 'y', logX: true, width: 800, height: 400 },
    );
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('T &amp; U');
    expect(svg).toContain('a&lt;b');
    const lines = [...svg.matchAll(/<polyline [^>]*points="([^"]+)"/g)].map((m) => m[1]!.split(' ').map((p) => p.split(',').map(Number)));
    expect(lines).toHaveLength(2);
    for (const pts of lines) {
      expect(pts).toHaveLength(3);
      for (const [x, y] of pts) {
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(800);
        expect(y).toBeGreaterThanOrEqual(0);
        expect(y).toBeLessThanOrEqual(400);
      }
      // x grows left to right on the log axis; larger y values sit higher (smaller svg y).
      expect(pts[0]![0]).toBeLessThan(pts[2]![0]!);
    }
    expect(lines[0]![2]![1]).toBeLessThan(lines[0]![0]![1]!);
  });
});

describe('worker process', () => {
  it('measures a real workload in its own process and reports n/a for a missing feature', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-test-'));
    try {
      const run = (engine: string, workload: string) => {
        const r = spawnSync(process.execPath, [join(root, 'bench/worker.mjs'), JSON.stringify({ engine, workload, n: 300, count: 5, dir: join(dir, engine + workload) })], {
          encoding: 'utf8',
        });
        expect(r.status, r.stderr).toBe(0);
        return JSON.parse(r.stdout.trim().split('\n').pop()!);
      };
      const c = run('sqlite', 'c');
      expect(c.ops).toBe(300);
      expect(c.ms).toBeGreaterThan(0);
      expect(c.rss_mb).toBeGreaterThan(10);
      const d = run('lokijs', 'd');
      expect(d.ops).toBe(100);
      expect(run('lmdb', 'f').na).toBe('no checkpoint');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
