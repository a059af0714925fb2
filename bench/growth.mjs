#!/usr/bin/env node
// Growth curves → docs/bench/*.csv + *.svg:
//  1. modelvault reopen time (open + first get) vs log length, without and with a
//     checkpoint: W writes in transactions of 1,000 rows cycling over 10,000 primary keys,
//     so the log grows while the live state stays 10,000 rows.
//  2. Insert throughput (rows/s of each one-transaction batch) vs rows already stored, for
//     modelvault and the durable peers.
//   node bench/growth.mjs [--quick] [--out DIR] [--runs N]
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './lib/stats.mjs';
import { lineChart } from './lib/svg.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const outAt = args.indexOf('--out');
const out = outAt >= 0 ? args[outAt + 1] : join(here, '..', 'docs', 'bench');
const runsAt = args.indexOf('--runs');
const RUNS = runsAt >= 0 ? Number(args[runsAt + 1]) : quick ? 3 : 5;
const LOG_WRITES = quick ? [1_000, 10_000, 50_000] : [10_000, 100_000, 1_000_000];
const KEYS = quick ? 1_000 : 10_000;
const BATCH = 1_000;
const MODE = quick ? ' — quick mode' : '';
const INSERT_N = quick ? 50_000 : 1_000_000;
const INSERT_BATCH = quick ? 5_000 : 50_000;
const INSERT_ENGINES = ['modelvault', 'sqlite', 'sqlite-wal', 'lmdb'];
mkdirSync(out, { recursive: true });
const base = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'modelvault-growth-'));

function worker(cfg) {
  const r = spawnSync(process.execPath, ['--expose-gc', join(here, 'worker.mjs'), JSON.stringify(cfg)], { encoding: 'utf8', timeout: 1_800_000 });
  if (r.status !== 0) throw new Error(`${cfg.engine}/${cfg.workload} failed: ${(r.stderr || r.error?.message || '').slice(0, 400)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

// 1. Reopen vs log length.
const reopenRows = [];
for (const writes of LOG_WRITES) {
  const plain = join(base, `log-${writes}`);
  const ckpt = join(base, `log-${writes}-ckpt`);
  const built = worker({ engine: 'modelvault', workload: 'build_log', n: KEYS, dir: plain, writes, keys: KEYS, batch: BATCH });
  if (built.na) {
    console.log(`reopen growth: ${built.na}`);
    break;
  }
  mkdirSync(ckpt, { recursive: true });
  copyFileSync(join(plain, 'bench.typra'), join(ckpt, 'bench.typra'));
  const c = worker({ engine: 'modelvault', workload: 'checkpoint_existing', n: KEYS, dir: ckpt });
  const probe = Math.floor(KEYS / 3);
  for (const [variant, dir, bytes] of [['no checkpoint', plain, built.extra.file_bytes], ['after checkpoint', ckpt, c.na ? null : c.extra.file_bytes]]) {
    if (bytes === null) continue;
    const ms = median(Array.from({ length: RUNS }, () => worker({ engine: 'modelvault', workload: 'reopen', n: KEYS, dir, probe }).ms));
    reopenRows.push({ writes, variant, file_bytes: bytes, reopen_ms: ms });
    console.log(`reopen after ${writes.toLocaleString('en-US')} writes (${(bytes / 2 ** 20).toFixed(1)} MB), ${variant}: ${ms.toFixed(1)} ms`);
  }
  rmSync(plain, { recursive: true, force: true });
  rmSync(ckpt, { recursive: true, force: true });
}
writeFileSync(
  join(out, 'reopen-growth.csv'),
  ['writes,variant,file_bytes,reopen_ms', ...reopenRows.map((r) => `${r.writes},${r.variant},${r.file_bytes},${r.reopen_ms.toFixed(3)}`)].join('\n') + '\n',
);
const variants = [...new Set(reopenRows.map((r) => r.variant))];
writeFileSync(
  join(out, 'reopen-growth.svg'),
  lineChart(
    variants.map((v) => ({ name: `modelvault, ${v}`, points: reopenRows.filter((r) => r.variant === v).map((r) => [r.writes, r.reopen_ms]) })),
    { title: `Reopen + first get vs log length (${KEYS.toLocaleString('en-US')} live rows)${MODE}`, xLabel: 'writes in the log', yLabel: 'ms (median)', logX: true },
  ),
);

// 2. Insert throughput vs database size (one run per engine: each batch is a point).
const insertRows = [];
for (const engine of INSERT_ENGINES) {
  const dir = join(base, `insert-${engine}`);
  const r = worker({ engine, workload: 'insert_growth', n: INSERT_N, dir, batch: INSERT_BATCH });
  rmSync(dir, { recursive: true, force: true });
  for (const p of r.extra.series) insertRows.push({ engine, ...p });
  const s = r.extra.series;
  console.log(`insert growth ${engine}: first batch ${Math.round(s[0].rows_per_s)} rows/s, last ${Math.round(s[s.length - 1].rows_per_s)} rows/s`);
}
rmSync(base, { recursive: true, force: true });
writeFileSync(
  join(out, 'insert-growth.csv'),
  ['engine,rows_before,rows_after,batch_ms,rows_per_s', ...insertRows.map((r) => `${r.engine},${r.rows_before},${r.rows_after},${r.ms.toFixed(3)},${r.rows_per_s.toFixed(0)}`)].join('\n') + '\n',
);
writeFileSync(
  join(out, 'insert-growth.svg'),
  lineChart(
    INSERT_ENGINES.map((e) => ({ name: e, points: insertRows.filter((r) => r.engine === e).map((r) => [r.rows_after, r.rows_per_s]) })),
    { title: `Insert rows/s vs database size (one transaction per ${INSERT_BATCH.toLocaleString('en-US')} rows)${MODE}`, xLabel: 'rows stored', yLabel: 'rows/s' },
  ),
);
console.log(`wrote ${join(out, 'reopen-growth.{csv,svg}')} and ${join(out, 'insert-growth.{csv,svg}')}`);
