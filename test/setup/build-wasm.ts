/**
 * vitest globalSetup: generate the embedded WebAssembly module before any test imports it,
 * so a bare `npx vitest run` works on a fresh clone (`npm test` does the same in pretest).
 * The script skips the compile when its inputs are unchanged.
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  execFileSync(process.execPath, [join(root, 'scripts', 'build-wasm.mjs')], { cwd: root, stdio: 'inherit' });
}
