/**
 * Entry for Deno and Bun (bundled by scripts/runtime-bundle.mjs with `vitest` aliased to
 * the shim): the portable suites plus conformance, engine and cross-runtime suites on the
 * runtime's real filesystem adapter in a real temp directory.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it, runRegistered } from '../harness/vitest-shim.ts';
import './portable-suites.ts';
import { runFsOpsConformance, type FsFixture } from '../../conformance/fsops-suite.ts';
import { runStoreConformance } from '../../conformance/store-suite.ts';
import { runEngineSuite } from '../../portable/engine-suite.ts';
import { denoFs } from '../../../src/fs/deno.ts';
import { defaultFs } from '../../../src/fs/default.ts';
import { createNodeFs, nodeFs } from '../../../src/fs/node.ts';
import { FileStore } from '../../../src/storage/file-store.ts';
import type { FsOps } from '../../../src/fs/types.ts';
import { runCrossRuntime } from './cross-runtime.ts';
import { runOpsParity } from '../suites/ops-parity.ts';
import { resultLine } from './report.ts';

declare const Deno: { version: { deno: string }; exit(code: number): never; env: { get(name: string): string | undefined } } | undefined;
declare const Bun: { version: string } | undefined;

const runtime = typeof Deno !== 'undefined' ? 'deno' : typeof Bun !== 'undefined' ? 'bun' : `node${process.versions.node.split('.')[0]}`;
const version = typeof Deno !== 'undefined' ? Deno.version.deno : typeof Bun !== 'undefined' ? Bun.version : process.versions.node;
const env = (name: string): string | undefined => (typeof Deno !== 'undefined' ? Deno.env.get(name) : process.env[name]);

const fsUnderTest: () => FsOps = runtime === 'deno' ? denoFs : nodeFs;

// Child-process mode of the inter-process lock test: try the lock once, report, exit.
const probe = env('MODELVAULT_LOCK_PROBE');
if (probe !== undefined && probe !== '') {
  let outcome = 'acquired';
  try {
    fsUnderTest().lock(probe, (env('MODELVAULT_LOCK_MODE') ?? 'exclusive') as 'exclusive' | 'shared').release();
  } catch (e) {
    outcome = (e as { code?: string }).code ?? String(e);
  }
  console.log(`LOCK-PROBE ${outcome}`);
  if (typeof Deno !== 'undefined') Deno.exit(0);
  else process.exit(0);
}

/** Runs this same bundle in a second process of the same runtime, probing `path`'s lock. */
function probeFromAnotherProcess(path: string, mode: 'exclusive' | 'shared'): string {
  const self = fileURLToPath(import.meta.url);
  const args = runtime === 'deno' ? ['run', '-A', '--no-config', self] : [self];
  const r = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, MODELVAULT_LOCK_PROBE: path, MODELVAULT_LOCK_MODE: mode, MODELVAULT_CROSS_DIR: '' },
  });
  return /^LOCK-PROBE (.*)$/m.exec(r.stdout ?? '')?.[1] ?? `no answer (status ${r.status}): ${r.stderr}`;
}

function scratch(fs: FsOps): FsFixture {
  const dir = mkdtempSync(join(tmpdir(), `modelvault-${runtime}-`));
  return { fs, dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

it(`defaultFs() picks the ${runtime === 'deno' ? 'Deno' : 'Node'} adapter`, () => {
  expect(defaultFs().name).toBe(fsUnderTest().name);
});
if (runtime === 'deno') {
  it('Deno 2 has FsFile.tryLockSync, so the adapter takes OS (flock) locks', () => {
    expect(denoFs().supports.locks).toBe('os');
  });
}

it(`the ${fsUnderTest().name} adapter's locks exclude another ${runtime} process (supports.locks = ${fsUnderTest().supports.locks})`, () => {
  const fx = scratch(fsUnderTest());
  try {
    const path = `${fx.dir}/db.typra.writer.lock`;
    const held = fx.fs.lock(path, 'exclusive');
    expect(probeFromAnotherProcess(path, 'exclusive')).toBe('Io.WouldBlock');
    expect(probeFromAnotherProcess(path, 'shared')).toBe('Io.WouldBlock');
    held.release();
    const shared = fx.fs.lock(path, 'shared');
    expect(probeFromAnotherProcess(path, 'shared')).toBe('acquired');
    expect(probeFromAnotherProcess(path, 'exclusive')).toBe('Io.WouldBlock');
    shared.release();
    expect(probeFromAnotherProcess(path, 'exclusive')).toBe('acquired');
  } finally {
    fx.cleanup();
  }
});

runFsOpsConformance(`${runtime} (${fsUnderTest().name})`, () => scratch(fsUnderTest()));
if (runtime !== 'deno') runFsOpsConformance(`${runtime} (process-file locks)`, () => scratch(createNodeFs({ locks: 'process-file' })));
runStoreConformance(`FileStore on ${runtime}`, () => {
  const fx = scratch(fsUnderTest());
  const path = `${fx.dir}/store.bin`;
  let store = FileStore.open(fx.fs, path, 'create-new');
  return {
    store,
    reopen: () => {
      store.close();
      store = FileStore.open(fx.fs, path, 'readwrite');
      return store;
    },
    cleanup: () => {
      store.close();
      fx.cleanup();
    },
  };
});
runEngineSuite(`${runtime} (${fsUnderTest().name})`, () => scratch(fsUnderTest()));
runOpsParity(`${runtime} (${fsUnderTest().name})`, () => scratch(fsUnderTest()));

const crossDir = env('MODELVAULT_CROSS_DIR');
if (crossDir !== undefined && crossDir !== '') {
  runCrossRuntime(runtime, fsUnderTest(), crossDir, JSON.parse(readFileSync(`${crossDir}/cross.json`, 'utf8')));
}

const summary = await runRegistered({ filter: env('MODELVAULT_FILTER'), log: (l) => console.log(l) });
console.log(`${runtime} ${version} (${fsUnderTest().name} adapter, ${fsUnderTest().supports.locks} locks)`);
console.log(resultLine(runtime, summary));
const code = summary.failed === 0 && summary.passed > 0 ? 0 : 1;
if (typeof Deno !== 'undefined') Deno.exit(code);
else process.exit(code);
