#!/usr/bin/env node
// `npm run build`: bundles src/ with esbuild into dist/ and emits type declarations.
//   dist/index.js    ESM for Node (and Deno/Bun)
//   dist/index.cjs   CommonJS for Node
//   dist/browser.js  ESM for browsers: modules with a `*.browser.ts` sibling are replaced
//                    by it, and the build fails if any `node:` import is left
//   dist/cli.js      the `modelvault` executable
//   dist/index.d.ts  → dist/types/** (tsc, emitDeclarationOnly)
// Expects src/wasm/generated/ to be current (npm run build runs build-wasm.mjs first).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserSiblings, nodeBuiltinImports } from './browser-bundle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

if (!existsSync(join(root, 'src/wasm/generated/kernels.ts'))) {
  console.error('build: src/wasm/generated/kernels.ts is missing; run `node scripts/build-wasm.mjs` first');
  process.exit(1);
}

rmSync(dist, { recursive: true, force: true });

const common = {
  bundle: true,
  absWorkingDir: root,
  logLevel: 'warning',
  target: 'es2022',
  sourcemap: false,
  legalComments: 'none',
  // Runtime dependencies stay imports so applications share one copy.
  external: Object.keys(pkg.dependencies ?? {}),
};

const results = await Promise.all([
  build({ ...common, entryPoints: ['src/index.ts'], outfile: 'dist/index.js', format: 'esm', platform: 'node', target: 'node20' }),
  build({
    ...common,
    entryPoints: ['src/index.ts'],
    outfile: 'dist/index.cjs',
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // import.meta.url has no CommonJS equivalent; give modules that use it the file URL.
    define: { 'import.meta.url': '__modelvault_import_meta_url' },
    banner: { js: "const __modelvault_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  }),
  build({
    ...common,
    entryPoints: ['src/browser.ts'],
    outfile: 'dist/browser.js',
    format: 'esm',
    platform: 'browser',
    metafile: true,
    // Left external so the check below can name the offending module instead of failing
    // to resolve.
    external: [...common.external, 'node:*', ...builtinModules],
    plugins: [browserSiblings],
  }),
  build({ ...common, entryPoints: ['src/cli/bin.ts'], outfile: 'dist/cli.js', format: 'esm', platform: 'node', target: 'node20' }),
]);

// The browser bundle must not reach Node built-ins.
const nodeImports = nodeBuiltinImports(results[2].metafile);
if (nodeImports.length > 0) {
  console.error(
    'build: dist/browser.js must not import Node built-ins; give these modules a *.browser.ts sibling or keep them out of src/index.ts:\n  ' +
      nodeImports.join('\n  '),
  );
  process.exit(1);
}

chmodSync(join(dist, 'cli.js'), 0o755);

// Declarations. Sources import with `.ts` extensions; published .d.ts files use `.js` so
// every consumer module resolution finds the sibling declarations.
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
  cwd: root,
  stdio: 'inherit',
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
const walk = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
for (const file of walk(join(dist, 'types'))) {
  if (!file.endsWith('.d.ts')) continue;
  const text = readFileSync(file, 'utf8');
  const fixed = text.replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]+)\.ts\2/g, '$1$2$3.js$2');
  if (fixed !== text) writeFileSync(file, fixed);
}
writeFileSync(join(dist, 'index.d.ts'), "export * from './types/index.js';\n");
writeFileSync(join(dist, 'browser.d.ts'), "export * from './types/browser.js';\n");
// require() consumers need CommonJS declarations, or TypeScript types the CJS build as ESM
// ("masquerading as ESM"): mirror dist/types as .d.cts with `.cjs` specifiers.
for (const file of walk(join(dist, 'types'))) {
  if (!file.endsWith('.d.ts')) continue;
  const target = join(dist, 'types-cjs', relative(join(dist, 'types'), file)).replace(/\.d\.ts$/, '.d.cts');
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, readFileSync(file, 'utf8').replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]+)\.js\2/g, '$1$2$3.cjs$2'));
}
writeFileSync(join(dist, 'index.d.cts'), "export * from './types-cjs/index.cjs';\n");

for (const f of ['index.js', 'index.cjs', 'browser.js', 'cli.js', 'index.d.ts']) {
  console.log(`  ${relative(root, join(dist, f)).padEnd(18)} ${statSync(join(dist, f)).size} bytes`);
}
