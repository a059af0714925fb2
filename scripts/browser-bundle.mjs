// Shared by scripts/build.mjs and test/wasm/browser-bundle.test.ts: how the browser bundle
// swaps Node-only modules out, and how it is checked for Node built-ins.
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname } from 'node:path';

/** esbuild plugin: loads `x.browser.ts` instead of `x.ts` when that sibling exists in src/. */
export const browserSiblings = {
  name: 'browser-siblings',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => {
      if (args.path.endsWith('.browser.ts')) return undefined;
      const sibling = args.path.replace(/\.ts$/, '.browser.ts');
      if (!existsSync(sibling)) return undefined;
      return { contents: readFileSync(sibling, 'utf8'), loader: 'ts', resolveDir: dirname(sibling) };
    });
  },
};

const builtins = new Set(builtinModules);

/** `<input> imports <module>` for every Node built-in reachable in an esbuild metafile. */
export function nodeBuiltinImports(metafile) {
  const found = [];
  for (const [file, info] of Object.entries(metafile.inputs)) {
    for (const imp of info.imports) {
      if (imp.path.startsWith('node:') || builtins.has(imp.path)) found.push(`${file} imports ${imp.path}`);
    }
  }
  return found;
}
