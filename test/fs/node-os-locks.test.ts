/**
 * `locks: 'os'` in the Node adapter: flock through a native binding (the optional fs-ext
 * addon). The wiring is tested with a fake binding everywhere; interop with real flock(2)
 * — what the Rust engine takes — runs when fs-ext is installed (in the repo, or at the path
 * in MODELVAULT_FS_EXT) and the util-linux `flock` tool exists.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeFs, type FlockBinding } from '../../src/fs/node.ts';
import { expectCode, runFsOpsConformance } from '../conformance/fsops-suite.ts';

const dir = mkdtempSync(join(tmpdir(), 'modelvault-oslocks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function realBinding(): FlockBinding | undefined {
  const require = createRequire(import.meta.url);
  for (const id of [process.env.MODELVAULT_FS_EXT, 'fs-ext']) {
    if (id === undefined || id === '') continue;
    try {
      return require(id) as FlockBinding;
    } catch {
      // not installed here
    }
  }
  return undefined;
}

const flockTool = process.platform !== 'win32' && spawnSync('flock', ['--version']).status === 0;
const binding = realBinding();

describe('os locks with a fake binding', () => {
  it('declares os locks and passes non-blocking flags', () => {
    const calls: string[] = [];
    const fs = createNodeFs({ locks: 'os', flock: { flockSync: (_fd, flags) => void calls.push(flags) } });
    expect(fs.supports.locks).toBe('os');
    fs.lock(join(dir, 'x.lock'), 'exclusive').release();
    fs.lock(join(dir, 'x.lock'), 'shared').release();
    expect(calls).toEqual(['exnb', 'shnb']);
  });

  it('maps EWOULDBLOCK/EAGAIN to Io.WouldBlock and other failures to typed errors', () => {
    const failing = (code: string): FlockBinding => ({
      flockSync: () => {
        throw Object.assign(new Error(code), { code });
      },
    });
    const lockPath = join(dir, 'y.lock');
    expectCode(() => createNodeFs({ flock: failing('EAGAIN') }).lock(lockPath, 'exclusive'), 'Io.WouldBlock');
    expectCode(() => createNodeFs({ flock: failing('EWOULDBLOCK') }).lock(lockPath, 'shared'), 'Io.WouldBlock');
    expectCode(() => createNodeFs({ flock: failing('ENOLCK') }).lock(lockPath, 'shared'), 'Io.IoError');
    // A failed attempt leaves nothing registered in this process.
    createNodeFs({ locks: 'process-file' }).lock(lockPath, 'exclusive').release();
  });

  it("locks: 'os' without any binding is refused up front", () => {
    if (binding === undefined) expectCode(() => createNodeFs({ locks: 'os' }), 'Io.IoError');
    else expect(createNodeFs({ locks: 'os', flock: binding }).supports.locks).toBe('os');
  });

  it('process-file mode ignores any binding', () => {
    expect(createNodeFs({ locks: 'process-file', flock: { flockSync: () => {} } }).supports.locks).toBe('process-file');
  });
});

if (binding !== undefined) {
  runFsOpsConformance('node (fs-ext flock)', () => {
    const d = mkdtempSync(join(dir, 'conf-'));
    return { fs: createNodeFs({ locks: 'os', flock: binding }), dir: d, cleanup: () => rmSync(d, { recursive: true }) };
  });
}

describe.runIf(binding !== undefined)('os locks with fs-ext', () => {

  it.runIf(flockTool)('excludes and is excluded by flock(2) in another process (as the Rust engine)', async () => {
    const fs = createNodeFs({ locks: 'os', flock: binding });
    const lockPath = join(dir, 'db.typra.writer.lock');
    const l = fs.lock(lockPath, 'exclusive');
    expect(spawnSync('flock', ['-n', '-s', lockPath, 'true']).status).toBe(1);
    l.release();
    expect(spawnSync('flock', ['-n', '-x', lockPath, 'true']).status).toBe(0);

    const s = fs.lock(lockPath, 'shared');
    expect(spawnSync('flock', ['-n', '-s', lockPath, 'true']).status).toBe(0);
    expect(spawnSync('flock', ['-n', '-x', lockPath, 'true']).status).toBe(1);
    s.release();

    // Another process holds it; killing that process (group: flock forks `sleep`) frees it.
    const holder = spawn('flock', ['-x', lockPath, 'sleep', '60'], { stdio: 'ignore', detached: true });
    await new Promise((r) => setTimeout(r, 300));
    expectCode(() => fs.lock(lockPath, 'shared'), 'Io.WouldBlock');
    await new Promise<void>((resolve) => {
      holder.once('exit', () => resolve());
      process.kill(-holder.pid!, 'SIGKILL');
    });
    fs.lock(lockPath, 'exclusive').release();
  });
});
