#!/usr/bin/env node
// Standard workload side by side: modelvault (built package in dist/) and the peers in
// devDependencies, each measurement in its own process, medians of RUNS runs, ratios
// peer/modelvault. See docs/benchmarks.md.
//   node bench/run.mjs [--quick] [--runs N] [--n N] [--engines a,b] [--workloads a,b]
//                      [--json FILE] [--md FILE] [--no-crc] [--docs | --no-docs]
// A full run (not --quick) also refreshes docs/bench/latest.{json,md} and the results block
// of docs/benchmarks.md unless --no-docs; a quick run touches docs only with --docs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENGINES } from './engines/index.mjs';
import { machine } from './lib/machine.mjs';
import { fmt, median, ratio, table } from './lib/stats.mjs';
import { WORKLOADS, autocommitCount } from './lib/workloads.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined || v.startsWith('--')) usage(`${name} needs a value`);
  return v;
};
function usage(msg) {
  console.error(`${msg}\nusage: run.mjs [--quick] [--runs N] [--n N] [--engines a,b] [--workloads a,b] [--json FILE] [--md FILE] [--no-crc] [--docs|--no-docs]`);
  process.exit(2);
}
if (args.includes('--help') || args.includes('-h')) {
  console.log('usage: run.mjs [--quick] [--runs N] [--n N] [--engines a,b] [--workloads a,b] [--json FILE] [--md FILE] [--no-crc] [--docs|--no-docs]');
  console.log(`engines: ${ENGINES.join(', ')}; workloads: ${WORKLOADS.map((w) => w.id).join(', ')}`);
  process.exit(0);
}
const quick = args.includes('--quick');
const RUNS = Number(opt('--runs') ?? 5);
const N = Number(opt('--n') ?? (quick ? 5000 : 100_000));
if (!Number.isInteger(RUNS) || RUNS < 1 || !Number.isInteger(N) || N < 100) usage('bad --runs / --n');
const engines = (opt('--engines') ?? ENGINES.join(',')).split(',');
const workloads = (opt('--workloads') ?? WORKLOADS.map((w) => w.id).join(',')).split(',');
for (const e of engines) if (!ENGINES.includes(e)) usage(`unknown engine ${e}`);
for (const w of workloads) if (!WORKLOADS.some((x) => x.id === w)) usage(`unknown workload ${w}`);
const jsonFile = opt('--json');
const mdFile = opt('--md');
const TIMEOUT_MS = quick ? 120_000 : 600_000;

// Data goes to the OS temp directory; it must be a real disk for fsync to mean anything
// (the machine record says which filesystem it was).
const base = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'modelvault-bench-'));
const mach = machine(base);
// What a bare Node process peaks at, so RSS figures can be read as engine + baseline.
{
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.resourceUsage().maxRSS / 1024))'], { encoding: 'utf8' });
  mach.node_baseline_rss_mb = Number(r.stdout) || null;
}
console.log(`modelvault benchmark — N = ${N.toLocaleString('en-US')}, ${RUNS} runs per cell (median), ${quick ? 'QUICK' : 'full'} mode`);
console.log(`${mach.cpu}, ${mach.cores} cores, ${mach.memory_gb} GB, ${mach.os}, node ${mach.node}, data on ${mach.data_fs}`);

function measure(engine, workload, run) {
  const dir = join(base, `${engine}-${workload}-${run}`);
  mkdirSync(dir, { recursive: true });
  const cfg = { engine, workload, n: N, count: autocommitCount(engine, quick), dir };
  const r = spawnSync(process.execPath, ['--expose-gc', join(here, 'worker.mjs'), JSON.stringify(cfg)], {
    encoding: 'utf8',
    timeout: TIMEOUT_MS,
    env: process.env,
  });
  rmSync(dir, { recursive: true, force: true });
  if (r.status !== 0) {
    const why = r.error ? r.error.message : (r.stderr || '').trim().split('\n').slice(0, 3).join(' | ');
    return { error: why || `exit ${r.status}` };
  }
  const last = r.stdout.trim().split('\n').pop();
  return JSON.parse(last);
}

/** cell[workload][engine] = list of run results */
const cells = {};
const t0 = Date.now();
for (const w of workloads) {
  cells[w] = {};
  for (const e of engines) cells[w][e] = [];
  // Interleave engines run by run so slow drifts of the (shared) machine hit all alike.
  for (let run = 0; run < RUNS; run++) {
    for (const e of engines) {
      const prev = cells[w][e];
      if (prev.length > 0 && (prev[0].na || prev[0].error)) continue; // no point repeating
      const r = measure(e, w, run);
      if (r.error) console.error(`  ${e}/${w} run ${run + 1}: ${r.error}`);
      prev.push(r);
    }
  }
  process.stdout.write(`  workload ${w} done (${Math.round((Date.now() - t0) / 1000)} s)\n`);
}
rmSync(base, { recursive: true, force: true });

const results = [];
for (const w of workloads) {
  for (const e of engines) {
    const runs = cells[w][e];
    const first = runs[0];
    const res = { workload: w, engine: e };
    // A failure in any run (a failed result check, a crash) makes the whole cell an error:
    // a median over the runs that happened to pass would hide it.
    const failed = runs.find((r) => r.error);
    if (failed) Object.assign(res, { error: runs.length > 1 ? `run ${runs.indexOf(failed) + 1} of ${runs.length}: ${failed.error}` : failed.error });
    else if (first.na) Object.assign(res, { na: first.na });
    else {
      const ms = median(runs.map((r) => r.ms));
      Object.assign(res, {
        median_ms: ms,
        ops: first.ops,
        ops_per_s: (first.ops * 1000) / ms,
        rss_mb: median(runs.map((r) => r.rss_mb)),
        runs_ms: runs.map((r) => r.ms),
      });
      if (first.extra) res.extra = Object.fromEntries(Object.keys(first.extra).map((k) => [k, median(runs.map((r) => r.extra[k]))]));
    }
    results.push(res);
  }
}
// Ratios against modelvault: time per operation (so differing row counts in (a) compare
// fairly) and peak RSS. > 1 means the peer is slower / bigger than modelvault.
for (const r of results) {
  const mv = results.find((x) => x.workload === r.workload && x.engine === 'modelvault');
  if (r.engine === 'modelvault' || !mv || mv.median_ms === undefined || r.median_ms === undefined) continue;
  r.ratio_time = r.median_ms / r.ops / (mv.median_ms / mv.ops);
  r.ratio_rss = r.rss_mb / mv.rss_mb;
}

const label = (w) => WORKLOADS.find((x) => x.id === w);
const shown = (r) => (r.error ? `error: ${r.error.slice(0, 60)}` : r.na === 'not implemented yet' ? 'n/a (not implemented yet)' : r.na ? `n/a (${r.na})` : null);
const rowsFor = (w) =>
  results
    .filter((r) => r.workload === w)
    .map((r) => {
      const s = shown(r);
      if (s) return [r.engine, s, '', '', '', '', ''];
      const per = label(w).unit ? fmt(r.ops_per_s) : '';
      const extra = r.extra?.bytes_before !== undefined ? `${fmt(r.extra.bytes_before / 2 ** 20)}→${fmt(r.extra.bytes_after / 2 ** 20)} MB` : '';
      return [r.engine, `${fmt(r.median_ms)} ms`, per, fmt(r.rss_mb), r.ratio_time ? ratio(r.ratio_time) : r.engine === 'modelvault' ? '1' : '', r.ratio_rss ? ratio(r.ratio_rss) : '', extra];
    });
const header = ['engine', 'median', 'per second', 'RSS MB', 'time ratio', 'RSS ratio', 'file'];
for (const w of workloads) {
  const l = label(w);
  const count = w === 'a' ? `${autocommitCount('modelvault', quick)} rows (lokijs ${autocommitCount('lokijs', quick)})` : ['b', 'c'].includes(w) ? `${N.toLocaleString('en-US')}` : '';
  console.log(`\n(${w}) ${l.label}${count ? ` — ${count}` : ''}${l.unit ? ` [${l.unit}]` : ''}`);
  console.log(table(header, rowsFor(w)));
}
if (workloads.includes('d_range') && workloads.includes('d_scan')) {
  // The same ten 1% ranges with and without an index: the issue's (d) range target.
  const gain = engines.map((e) => {
    const [r, s] = ['d_range', 'd_scan'].map((w) => results.find((x) => x.workload === w && x.engine === e));
    return `${e} ${r?.median_ms !== undefined && s?.median_ms !== undefined ? `${(s.median_ms / r.median_ms).toFixed(1)}×` : '—'}`;
  });
  console.log(`\nrange index gain (d_scan ÷ d_range; target ≥ 20× for modelvault): ${gain.join(', ')}`);
}
console.log('\nratio = peer / modelvault (time per operation; RSS): > 1 means modelvault is faster / smaller.');
console.log('nedb and lokijs do not fsync: their (a) figures are not durable.');
console.log(`measurements took ${Math.round((Date.now() - t0) / 1000)} s`);

let crc = null;
if (!args.includes('--no-crc')) {
  const f = join(tmpdir(), `modelvault-crc-${process.pid}.json`);
  const extra = quick ? ['--quick'] : [];
  for (const [name, script] of [['crc32c', 'crc.bench.mjs'], ['checkpoint_encoder', 'checkpoint-encoder.bench.mjs']]) {
    console.log('');
    const r = spawnSync(process.execPath, [join(here, script), '--json', f, ...extra], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status === 0) {
      crc ??= {};
      crc[name] = JSON.parse(readFileSync(f, 'utf8'));
    }
    rmSync(f, { force: true });
  }
}

const doc = { machine: mach, mode: quick ? 'quick' : 'full', n: N, runs: RUNS, autocommit_rows: Object.fromEntries(engines.map((e) => [e, autocommitCount(e, quick)])), results, micro: crc };
if (jsonFile) {
  writeFileSync(jsonFile, JSON.stringify(doc, null, 2) + '\n');
  console.log(`wrote ${jsonFile}`);
}
const { markdown } = await import('./lib/markdown.mjs');
if (mdFile) {
  writeFileSync(mdFile, markdown(doc));
  console.log(`wrote ${mdFile}`);
}
if (args.includes('--docs') || (!quick && !args.includes('--no-docs'))) {
  const { updateDocs } = await import('./lib/docs.mjs');
  for (const f of updateDocs(doc, markdown(doc))) console.log(`wrote ${f}`);
}
