#!/usr/bin/env node
// Packaging checks, one `package <check>: PASS|FAIL (...)` line each:
//   - publint and @arethetypeswrong/cli on the packed package; JSR dry run (jsr.json);
//   - the packed tarball installed into a scratch app (test/package-app/) that imports
//     `modelvault` by name: run unbundled on Node (ESM and CommonJS) and Deno, bundled by
//     esbuild and by Vite for Node (run) and for the browser (run in headless Chromium);
//     no bundle output may contain a separate .wasm file (the module is inlined);
//   - size of the browser build (minified + gzip, WASM included) against an 80 KB budget.
// Expects `npm run build` to have produced dist/.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { runBrowser } from './runtime-browser.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules/.bin', name);
const BUDGET = 80 * 1024;
let failed = 0;

function report(check, ok, detail) {
  console.log(`package ${check}: ${ok ? 'PASS' : 'FAIL'}${detail ? ` (${detail})` : ''}`);
  if (!ok) failed++;
}

function run(cmd, args, cwd = root) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}` };
}

const tail = (text, n = 12) => text.trim().split('\n').slice(-n).join('\n');

async function step(check, fn) {
  try {
    await fn();
  } catch (e) {
    report(check, false, e instanceof Error ? e.message : String(e));
  }
}

function listFiles(dir) {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? listFiles(join(dir, n)) : [join(dir, n)]));
}

if (!existsSync(join(root, 'dist/browser.js'))) {
  report('build', false, 'dist/ is missing; run npm run build first');
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'modelvault-package-'));
try {
  await step('publint', () => {
    const r = run(bin('publint'), ['--strict']);
    report('publint', r.ok, r.ok ? 'no warnings' : tail(r.out));
  });
  await step('attw', () => {
    const r = run(bin('attw'), ['--pack', '.', '--format', 'table-flipped']);
    report('attw', r.ok, r.ok ? 'no problems (node10, node16 CJS/ESM, bundler)' : tail(r.out, 30));
  });

  await step('jsr', () => {
    // JSR publishes the TypeScript sources (jsr.json); its dry run type-checks the public
    // API for explicit types.
    const r = run(bin('deno'), ['publish', '--dry-run', '--allow-dirty', '--config', 'jsr.json']);
    report('jsr', r.ok, r.ok ? 'deno publish --dry-run: no slow types' : tail(r.out, 20));
  });

  // Install the packed tarball into a scratch app, as a registry install would.
  const pack = run('npm', ['pack', '--silent', '--pack-destination', work]);
  if (!pack.ok) throw new Error(`npm pack failed: ${tail(pack.out)}`);
  const tarball = join(work, pack.out.trim().split('\n').pop());
  const app = join(work, 'app');
  cpSync(join(root, 'test/package-app'), app, { recursive: true });
  const pkgDir = join(app, 'node_modules/modelvault');
  mkdirSync(pkgDir, { recursive: true });
  const untar = run('tar', ['-xzf', tarball, '-C', pkgDir, '--strip-components=1']);
  if (!untar.ok) throw new Error(`tar failed: ${tail(untar.out)}`);
  // Runtime dependencies come from this checkout (no registry access needed here).
  for (const dep of ['re2js']) symlinkSync(join(root, 'node_modules', dep), join(app, 'node_modules', dep), 'dir');
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'app', private: true, type: 'module', dependencies: { modelvault: '*', re2js: '*' } }),
  );
  // Deno: `npm:` specifiers served from this node_modules (no registry).
  writeFileSync(join(app, 'deno.json'), JSON.stringify({ nodeModulesDir: 'manual' }));
  writeFileSync(
    join(app, 'deno-npm.mjs'),
    "import { Database, crc32c } from 'npm:modelvault';\n" +
      "const db = Database.openInMemory();\n" +
      "db.registerCollection('t', [{ path: ['k'], type: 'string', constraints: [] }], 'k');\n" +
      "db.insert('t', { k: 'x' });\n" +
      "const ok = Database.fromSnapshotBytes(db.snapshotBytes()).get('t', 'x')?.k === 'x' && crc32c(new TextEncoder().encode('123456789')) === 0xe3069283;\n" +
      "console.log(ok ? 'APP OK' : 'APP FAILED');\n",
  );

  await step('node-esm', () => {
    const r = run(process.execPath, ['node-main.mjs'], app);
    report('node-esm', r.ok && r.out.includes('APP OK'), r.ok ? "import 'modelvault' unbundled" : tail(r.out));
  });
  await step('node-cjs', () => {
    const r = run(process.execPath, ['node-main.cjs'], app);
    report('node-cjs', r.ok && r.out.includes('APP OK'), r.ok ? "require('modelvault') unbundled" : tail(r.out));
  });
  await step('deno', () => {
    const bare = run(bin('deno'), ['run', '-A', 'node-main.mjs'], app);
    const npm = run(bin('deno'), ['run', '-A', 'deno-npm.mjs'], app);
    const ok = bare.ok && bare.out.includes('APP OK') && npm.ok && npm.out.includes('APP OK');
    report('deno', ok, ok ? "import 'modelvault' and 'npm:modelvault'" : tail(`${bare.out}\n${npm.out}`));
  });

  const noWasmFiles = (dir) => listFiles(dir).filter((f) => f.endsWith('.wasm'));

  await step('esbuild-node', async () => {
    const out = join(app, 'esbuild-node');
    await build({ entryPoints: [join(app, 'node-main.mjs')], bundle: true, platform: 'node', format: 'esm', outdir: out, absWorkingDir: app, logLevel: 'error' });
    const r = run(process.execPath, [join(out, 'node-main.js')], app);
    const wasm = noWasmFiles(out);
    report('esbuild-node', r.ok && r.out.includes('APP OK') && wasm.length === 0, r.ok ? `${listFiles(out).length} file(s), no .wasm` : tail(r.out));
  });

  let browserSize = '';
  await step('esbuild-browser', async () => {
    const out = join(app, 'esbuild-browser');
    await build({ entryPoints: [join(app, 'browser-main.mjs')], bundle: true, minify: true, platform: 'browser', format: 'esm', outdir: out, absWorkingDir: app, logLevel: 'error' });
    writeFileSync(join(out, 'index.html'), '<!doctype html><meta charset="utf-8"><script type="module" src="./browser-main.js"></script>');
    const files = listFiles(out);
    const js = files.filter((f) => f.endsWith('.js'));
    browserSize = `${(gzipSync(readAll(js)).length / 1024).toFixed(1)} KB gzip`;
    const res = await runBrowser(out, { timeoutMs: 60_000 });
    const ok = res.summary.failed === 0 && res.summary.passed === 1 && noWasmFiles(out).length === 0;
    report('esbuild-browser', ok, ok ? `${res.version.split(' built')[0]}; ${js.length} .js file(s), no .wasm; app bundle ${browserSize}` : JSON.stringify(res.summary.failures));
  });

  await step('vite', async () => {
    const { build: viteBuild } = await import(pathToFileURL(join(root, 'node_modules/vite/dist/node/index.js')).href);
    const web = join(app, 'vite-browser');
    const ssr = join(app, 'vite-node');
    await viteBuild({ root: app, logLevel: 'error', configFile: false, build: { outDir: web, emptyOutDir: true } });
    await viteBuild({ root: app, logLevel: 'error', configFile: false, build: { ssr: join(app, 'node-main.mjs'), outDir: ssr, emptyOutDir: true }, ssr: { noExternal: true } });
    const node = run(process.execPath, [join(ssr, 'node-main.js')], app);
    const res = await runBrowser(web, { timeoutMs: 60_000 });
    const wasm = [...noWasmFiles(web), ...noWasmFiles(ssr)];
    const ok = node.ok && node.out.includes('APP OK') && res.summary.failed === 0 && res.summary.passed === 1 && wasm.length === 0;
    report('vite', ok, ok ? 'browser build ran in Chromium, SSR build ran on Node, no .wasm asset' : `${tail(node.out)} ${JSON.stringify(res.summary.failures)} ${wasm.join(' ')}`);
  });

  await step('size', async () => {
    const measure = async (external) => {
      const r = await build({ entryPoints: [join(root, 'dist/browser.js')], bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, external, logLevel: 'error' });
      const bytes = r.outputFiles[0].contents;
      return { min: bytes.length, gz: gzipSync(bytes, { level: 9 }).length };
    };
    const own = await measure(['re2js']);
    const all = await measure([]);
    const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
    report(
      'size',
      own.gz < BUDGET,
      `dist/browser.js incl. WASM: ${kb(own.min)} min, ${kb(own.gz)} gzip (budget ${kb(BUDGET)}); with the re2js dependency: ${kb(all.min)} min, ${kb(all.gz)} gzip`,
    );
  });
} catch (e) {
  report('setup', false, e instanceof Error ? e.message : String(e));
} finally {
  rmSync(work, { recursive: true, force: true });
}

function readAll(files) {
  return Buffer.concat(files.map((f) => readFileSync(f)));
}

process.exit(failed === 0 ? 0 : 1);
