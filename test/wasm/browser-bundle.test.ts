import { describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { builtinModules } from 'node:module';
import { browserSiblings, nodeBuiltinImports } from '../../scripts/browser-bundle.mjs';

async function browserBundle(entry: string) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    metafile: true,
    logLevel: 'silent',
    external: ['re2js', 'node:*', ...builtinModules],
    plugins: [browserSiblings],
  });
  return { text: result.outputFiles[0]!.text, imports: nodeBuiltinImports(result.metafile) };
}

describe('browser bundle', () => {
  it('src/browser.ts reaches no Node built-in', async () => {
    const { text, imports } = await browserBundle('src/browser.ts');
    expect(imports).toEqual([]);
    expect(text).not.toMatch(/from\s*["']node:/);
    expect(text).toContain('crc32c');
  }, 30_000);

  it('substitutes *.browser.ts siblings (the browser defaultFs needs an explicit adapter)', async () => {
    const { text, imports } = await browserBundle('src/fs/default.ts');
    expect(imports).toEqual([]);
    expect(text).toContain('NoDefaultFs');
  }, 30_000);

  it('the check names Node built-ins when they are reachable', async () => {
    const result = await build({
      stdin: { contents: "import { readFileSync } from 'node:fs'; import 'path'; export const f = readFileSync;" },
      bundle: true,
      write: false,
      platform: 'browser',
      metafile: true,
      logLevel: 'silent',
      external: ['node:*', ...builtinModules],
    });
    expect(nodeBuiltinImports(result.metafile).sort()).toEqual(['<stdin> imports node:fs', '<stdin> imports path']);
  });
});
