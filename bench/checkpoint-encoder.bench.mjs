#!/usr/bin/env node
// Checkpoint payload encoder throughput: the WebAssembly `frameCheckpoint` kernel (framing +
// copy + CRC-32C in one pass) against the TypeScript envelope encoder followed by a CRC-32C
// over its output, on the standard workload's rows (encoded record payloads, as the
// checkpoint writer hands them over).
//   node bench/checkpoint-encoder.bench.mjs [--json FILE] [--quick]
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median } from './lib/stats.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const jsonAt = args.indexOf('--json');
const jsonFile = jsonAt >= 0 ? args[jsonAt + 1] : undefined;
const quick = args.includes('--quick');
const RUNS = quick ? 5 : 9;
const ROWS = quick ? 10_000 : 100_000;

const tmp = mkdtempSync(join(tmpdir(), 'modelvault-bench-'));
const entry = join(tmp, 'entry.ts');
writeFileSync(
  entry,
  [
    `export { frameCheckpoint } from ${JSON.stringify(join(root, 'src/wasm/checkpoint-frame.ts'))};`,
    `export { encodeCheckpointEnvelope } from ${JSON.stringify(join(root, 'src/format/checkpoint.ts'))};`,
    `export { crc32c } from ${JSON.stringify(join(root, 'src/wasm/crc32c.ts'))};`,
  ].join('\n'),
);
const bundled = join(tmp, 'enc.mjs');
await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'node', outfile: bundled, logLevel: 'warning' });
const m = await import(pathToFileURL(bundled).href);
rmSync(tmp, { recursive: true, force: true });

// Stand-ins for encoded record payloads of the standard row (~70 bytes each, varying).
const records = [];
for (let i = 0; i < ROWS; i++) {
  const s = `${i}|user-${String(i).padStart(11, '0')}|${i * 0.5}|${i % 2 === 0}|t${i % 7},t${i % 11},t${i % 13}|${i % 100}`;
  records.push(new TextEncoder().encode(s.padEnd(64 + (i % 13), '.')));
}
const catalog = [new Uint8Array(120)];
const indexBlob = new Uint8Array(ROWS * 12);
const payloadBytes = records.reduce((a, r) => a + r.length + 4, 0) + indexBlob.length + 160;

const wasm = () => {
  const f = m.frameCheckpoint(catalog, records, indexBlob, 4096n);
  const crc = f.crc;
  f.release();
  return crc;
};
const js = () => m.crc32c(m.encodeCheckpointEnvelope({ replayFromOffset: 4096n, catalog, records, indexBlob }));
if (wasm() !== js()) throw new Error('wasm and TypeScript encoders disagree');

const impls = { 'wasm frameCheckpoint': wasm, 'TS envelope + crc32c': js };
const times = Object.fromEntries(Object.keys(impls).map((k) => [k, []]));
for (const fn of Object.values(impls)) for (let i = 0; i < 3; i++) fn();
for (let r = 0; r < RUNS; r++) {
  for (const [name, fn] of Object.entries(impls)) {
    const t0 = performance.now();
    fn();
    times[name].push(performance.now() - t0);
  }
}
const results = Object.fromEntries(
  Object.entries(times).map(([k, ts]) => {
    const ms = median(ts);
    return [k, { median_ms: ms, mb_per_s: payloadBytes / 2 ** 20 / (ms / 1000) }];
  }),
);
console.log(`checkpoint payload encoder, ${ROWS.toLocaleString('en-US')} records, ${(payloadBytes / 2 ** 20).toFixed(1)} MB payload, median of ${RUNS}`);
for (const [k, v] of Object.entries(results)) console.log(`  ${k.padEnd(22)} ${v.median_ms.toFixed(2).padStart(8)} ms  ${v.mb_per_s.toFixed(0).padStart(6)} MB/s`);
if (jsonFile) writeFileSync(jsonFile, JSON.stringify({ rows: ROWS, payload_bytes: payloadBytes, runs: RUNS, results }, null, 2) + '\n');
