// Profiling aid for the reopen/checkpoint path (not part of `npm run bench`): builds the
// standard 100k-row file once, then times checkpoint() and open + first get in fresh
// processes (with --expose-gc, collecting before each timed region as bench/worker.mjs
// does). `node --cpu-prof bench/profile-reopen.mjs open <dir>` profiles one phase.
import { mkdirSync, rmSync, existsSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { open as openEngine } from './engines/modelvault.mjs';
import { logicalRows } from './lib/workload.mjs';

const [phase = 'all', dir = join(fileURLToPath(new URL('..', import.meta.url)), 'tmp/profile-reopen'), nArg = '100000'] = process.argv.slice(2);
const N = Number(nArg);
const base = join(dir, 'base');
const file = (d) => join(d, 'bench.typra');

function build() {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(base, { recursive: true });
  const e = openEngine(base, { fresh: true });
  e.insertAll(e.prepare(logicalRows(N)));
  e.close();
}

function fresh(name) {
  const d = join(dir, name);
  rmSync(d, { recursive: true, force: true });
  mkdirSync(d, { recursive: true });
  copyFileSync(file(base), file(d));
  return d;
}

const ms = (t0) => (performance.now() - t0).toFixed(1);

if (phase === 'insert-checkpoint') {
  // The benchmark's workload f: checkpoint right after the inserting transaction.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const e = openEngine(dir, { fresh: true });
  e.insertAll(e.prepare(logicalRows(N)));
  globalThis.gc?.();
  const t0 = performance.now();
  e.checkpoint();
  console.log(`checkpoint after insert ${ms(t0)} ms`);
  e.close();
} else if (phase === 'checkpoint') {
  const e = openEngine(dir, { fresh: false });
  globalThis.gc?.();
  const t0 = performance.now();
  e.checkpoint();
  console.log(`checkpoint ${ms(t0)} ms`);
  e.close();
} else if (phase === 'open') {
  globalThis.gc?.();
  const t0 = performance.now();
  const e = openEngine(dir, { fresh: false });
  const row = e.getOne(BigInt(N >> 1));
  console.log(`open+get ${ms(t0)} ms ${row ? 'found' : 'MISSING'}`);
  e.close();
} else {
  if (phase !== 'reuse' || !existsSync(file(base))) build();
  const self = fileURLToPath(import.meta.url);
  const run = (p, d) => spawnSync(process.execPath, ['--expose-gc', self, p, d, String(N)], { stdio: 'inherit' });
  const plain = fresh('plain');
  console.log('-- checkpoint in the inserting process');
  run('insert-checkpoint', join(dir, 'ins'));
  console.log('-- no checkpoint');
  run('open', plain);
  console.log('-- checkpoint after reopen');
  run('checkpoint', plain);
  console.log('-- after checkpoint');
  run('open', plain);
  run('open', plain);
}
