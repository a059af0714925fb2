/**
 * Runs the Deno adapter smoke test under a real Deno when one is available: `DENO_BIN`,
 * or `deno` on PATH (e.g. `npm i --no-save deno` puts one in node_modules/.bin).
 */
import { expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const candidates = [process.env.DENO_BIN, 'deno', fileURLToPath(new URL('../../node_modules/.bin/deno', import.meta.url))];
const deno = candidates.find((bin) => bin !== undefined && bin !== '' && spawnSync(bin, ['--version']).status === 0);

it.runIf(deno !== undefined)('the Deno adapter passes its smoke test under Deno', () => {
  const script = fileURLToPath(new URL('./fixtures/deno-smoke.ts', import.meta.url));
  const r = spawnSync(deno!, ['run', '-A', '--no-config', script], { encoding: 'utf8', timeout: 120_000 });
  expect(r.stdout + r.stderr).toMatch(/^ok locks=(os|in-process)$/m);
  expect(r.status).toBe(0);
}, 130_000);
