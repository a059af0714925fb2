// Bundles the runtime test entries (test/runtime/entries/) with esbuild into tmp/runtime/:
// `vitest` is aliased to the tiny shim in test/runtime/harness/, so the very same suite
// files run under Deno, Bun and Chromium. Browser bundles get the golden files embedded
// behind a minimal read-only `node:fs` / `node:path`, and the `*.browser.ts` swaps of the
// package's own browser build.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserSiblings } from './browser-bundle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const outDir = join(root, 'tmp', 'runtime');
const shim = join(root, 'test/runtime/harness/vitest-shim.ts');

const vitestShim = {
  name: 'vitest-shim',
  setup(b) {
    b.onResolve({ filter: /^vitest$/ }, () => ({ path: shim }));
  },
};

/** The golden directory the suites read (test/golden/golden-files.ts). */
function goldenDir() {
  const src = readFileSync(join(root, 'test/golden/golden-files.ts'), 'utf8');
  const m = /GOLDEN_DIR = '([^']+)'/.exec(src);
  if (m === null) throw new Error('runtime-bundle: GOLDEN_DIR not found in test/golden/golden-files.ts');
  return m[1];
}

const embeddedFs = {
  name: 'embedded-fs',
  setup(b) {
    b.onResolve({ filter: /^(node:)?(fs|path|os)$/ }, (args) => ({ path: args.path.replace(/^node:/, ''), namespace: 'embedded' }));
    b.onLoad({ filter: /.*/, namespace: 'embedded' }, (args) => {
      if (args.path === 'path') {
        return { contents: "export const join = (...p) => p.join('/').replace(/\\/+/g, '/'); export default { join };", loader: 'js' };
      }
      if (args.path === 'os') return { contents: "export const tmpdir = () => '/tmp'; export default { tmpdir };", loader: 'js' };
      const dir = goldenDir();
      const files = {};
      for (const name of readdirSync(dir)) files[`${dir}/${name}`] = readFileSync(join(dir, name)).toString('base64');
      return {
        contents: `
const files = ${JSON.stringify(files)};
const decode = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
const missing = (p) => Object.assign(new Error('ENOENT: ' + p), { code: 'ENOENT' });
export function readFileSync(p, enc) {
  const b64 = files[p];
  if (b64 === undefined) throw missing(p);
  const bytes = decode(b64);
  return enc === undefined ? bytes : new TextDecoder().decode(bytes);
}
export function readdirSync(d) {
  const prefix = d.endsWith('/') ? d : d + '/';
  return Object.keys(files).filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
}
export function existsSync(p) { return files[p] !== undefined; }
export default { readFileSync, readdirSync, existsSync };`,
        loader: 'js',
      };
    });
  },
};

// ignoreAnnotations: the package's `sideEffects: false` would drop the suites' bare imports.
const common = { bundle: true, ignoreAnnotations: true, absWorkingDir: root, logLevel: 'warning', target: 'es2022', format: 'esm', sourcemap: 'inline' };

export async function bundleServer() {
  mkdirSync(outDir, { recursive: true });
  await Promise.all([
    build({ ...common, entryPoints: ['test/runtime/entries/server.ts'], outfile: join(outDir, 'server.mjs'), platform: 'node', plugins: [vitestShim] }),
    build({ ...common, entryPoints: ['test/runtime/entries/cross-write.ts'], outfile: join(outDir, 'cross-write.mjs'), platform: 'node', plugins: [vitestShim] }),
  ]);
}

export async function bundleBrowser() {
  const dir = join(outDir, 'browser');
  mkdirSync(dir, { recursive: true });
  const browser = { ...common, platform: 'browser', plugins: [vitestShim, embeddedFs, browserSiblings] };
  await Promise.all([
    build({ ...browser, entryPoints: ['test/runtime/entries/browser-page.ts'], outfile: join(dir, 'page.js') }),
    build({ ...browser, entryPoints: ['test/runtime/entries/browser-opfs-worker.ts'], outfile: join(dir, 'opfs-suites.js') }),
    build({ ...browser, entryPoints: ['test/runtime/entries/browser-db-worker.ts'], outfile: join(dir, 'db-worker.js') }),
  ]);
  return dir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await bundleServer();
  if (process.argv.includes('--browser')) await bundleBrowser();
  console.log(`bundled into ${outDir}`);
}
