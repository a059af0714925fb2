#!/usr/bin/env node
// CRC-32C throughput, side by side: our WebAssembly kernel (copy-in path and zero-copy
// arena path), @aws-crypto/crc32c (pure JS) and hash-wasm (WebAssembly).
//   npm run bench:crc [-- --json FILE] [-- --quick]
// Medians of several timed runs after warm-up; each run repeats calls for a fixed time.
import { build } from 'esbuild';
import { crc32c as awsCrc32c } from '@aws-crypto/crc32c';
import { createCRC32 } from 'hash-wasm';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const jsonAt = args.indexOf('--json');
const jsonFile = jsonAt >= 0 ? args[jsonAt + 1] : undefined;
if (jsonAt >= 0 && !jsonFile) {
  console.error('usage: crc.bench.mjs [--json FILE] [--quick]');
  process.exit(2);
}
const quick = args.includes('--quick');
const RUNS = quick ? 3 : 9;
const RUN_MS = quick ? 40 : 120;
const WARMUP_MS = quick ? 100 : 400;

// The wasm layer is TypeScript; bundle it once into a temporary module.
const tmp = mkdtempSync(join(tmpdir(), 'modelvault-bench-'));
const bundled = join(tmp, 'wasm.mjs');
await build({
  entryPoints: [join(root, 'src/wasm/index.ts')],
  bundle: true,
  format: 'esm',
  platform: 'node',
  outfile: bundled,
  logLevel: 'warning',
});
const ours = await import(pathToFileURL(bundled).href);
rmSync(tmp, { recursive: true, force: true });

const hw = await createCRC32(0x82f63b78);
const hashWasm = (bytes) => {
  hw.init();
  hw.update(bytes);
  const d = hw.digest('binary');
  return ((d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3]) >>> 0;
};

const SIZES = [64, 1024, 64 * 1024, 1024 * 1024];
const label = (n) => (n >= 1 << 20 ? `${n >> 20} MiB` : n >= 1024 ? `${n >> 10} KiB` : `${n} B`);

function data(n) {
  const b = new Uint8Array(n);
  let x = 0x12345678;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x;
  }
  return b;
}

let sink = 0;
/**
 * A fresh batch loop per implementation: a shared loop would see several callees, turn
 * megamorphic and add call overhead that dominates 64-byte timings.
 */
const batchLoop = () => new Function('fn', 'n', 'let s = 0; for (let i = 0; i < n; i++) s ^= fn(); return s;');

/** Calls/s of `fn` over `ms`; the batch size adapts so timer reads stay negligible. */
function timeRun(loop, fn, ms) {
  let calls = 0;
  let batch = 1;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    sink ^= loop(fn, batch);
    calls += batch;
    if (batch < 1 << 16) batch *= 2;
    now = performance.now();
  }
  return (calls * 1000) / (now - start);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const results = [];
for (const n of SIZES) {
  const bytes = data(n);
  const expected = ours.crc32c(bytes);
  // Zero-copy: the bytes already sit in WebAssembly memory (as the engine's encoders
  // would leave them), so only the kernel runs.
  const scratch = ours.wasmScratch(n);
  scratch.set(bytes);
  const impls = {
    'ours (copy-in)': () => ours.crc32c(bytes),
    'ours (arena)': () => ours.crc32cScratch(0, n),
    '@aws-crypto/crc32c': () => awsCrc32c(bytes) >>> 0,
    'hash-wasm': () => hashWasm(bytes),
  };
  for (const [name, fn] of Object.entries(impls)) {
    if (fn() !== expected) throw new Error(`${name} disagrees at ${n} bytes`);
  }
  const rates = Object.fromEntries(Object.keys(impls).map((k) => [k, []]));
  const loops = Object.fromEntries(Object.keys(impls).map((k) => [k, batchLoop()]));
  for (const [name, fn] of Object.entries(impls)) timeRun(loops[name], fn, WARMUP_MS);
  // Interleave implementations run by run so machine noise hits all of them alike.
  for (let r = 0; r < RUNS; r++) {
    for (const [name, fn] of Object.entries(impls)) rates[name].push(timeRun(loops[name], fn, RUN_MS));
  }
  const row = { bytes: n, impls: {} };
  for (const [name, rs] of Object.entries(rates)) {
    const callsPerSec = median(rs);
    row.impls[name] = { gbPerSec: (callsPerSec * n) / 1e9, mCallsPerSec: callsPerSec / 1e6 };
  }
  results.push(row);
}

const names = Object.keys(results[0].impls);
const header = ['size', ...names.map((n) => `${n} GB/s`), 'copy/aws', 'copy/hash-wasm', 'arena/hash-wasm'];
const rows = results.map((r) => {
  const g = (k) => r.impls[k].gbPerSec;
  return [
    label(r.bytes),
    ...names.map((k) => g(k).toFixed(3) + (r.bytes === 64 ? ` (${r.impls[k].mCallsPerSec.toFixed(1)} M/s)` : '')),
    `${(g('ours (copy-in)') / g('@aws-crypto/crc32c')).toFixed(1)}x`,
    `${(g('ours (copy-in)') / g('hash-wasm')).toFixed(2)}x`,
    `${(g('ours (arena)') / g('hash-wasm')).toFixed(2)}x`,
  ];
});
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(`CRC-32C, median of ${RUNS} runs x ${RUN_MS} ms, node ${process.version}`);
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));
if (sink === 0.5) console.log(sink); // keeps results observable

if (jsonFile) {
  writeFileSync(
    jsonFile,
    JSON.stringify({ node: process.version, runs: RUNS, runMs: RUN_MS, results }, null, 2) + '\n',
  );
  console.log(`wrote ${jsonFile}`);
}
