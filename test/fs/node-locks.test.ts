/**
 * Locks between real processes with the Node adapter's pure-JS protocol: exclusion both
 * ways, shared/shared coexistence, and recovery from a holder killed with SIGKILL.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { createNodeFs } from '../../src/fs/node.ts';
import { expectCode } from '../conformance/fsops-suite.ts';

let dir: string;
let holderJs: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'modelvault-locks-'));
  holderJs = join(dir, 'lock-holder.mjs');
  // The child runs the real adapter code; Node 20 cannot load .ts, so bundle it once.
  buildSync({
    entryPoints: [new URL('./fixtures/lock-holder.ts', import.meta.url).pathname],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: holderJs,
    logLevel: 'error',
  });
});

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts a holder and resolves with its first line of output. */
function holder(lockPath: string, mode: 'exclusive' | 'shared'): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, [holderJs, lockPath, mode, 'process-file'], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`lock holder said nothing: ${out}`)), 15000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve({ child, line: out.slice(0, nl) });
      }
    });
    child.on('error', reject);
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('process-file locks across processes', () => {
  const fs = createNodeFs({ locks: 'process-file' });

  it('a live exclusive holder blocks us; after it is SIGKILLed the lock is free', async () => {
    const lockPath = join(dir, 'a.typra.writer.lock');
    const { child, line } = await holder(lockPath, 'exclusive');
    expect(line).toBe('locked');
    expect(existsSync(lockPath)).toBe(true);
    const e = expectCode(() => fs.lock(lockPath, 'exclusive'), 'Io.WouldBlock');
    expect(e.message).toContain(`pid ${child.pid}`);
    expectCode(() => fs.lock(lockPath, 'shared'), 'Io.WouldBlock');
    await killed(child);
    // The crashed holder's marker is still there; acquiring sweeps it.
    expect(readdirSync(dir).some((n) => n === `a.typra.writer.lock.${child.pid}.ex`)).toBe(true);
    const l = fs.lock(lockPath, 'exclusive');
    expect(readdirSync(dir).some((n) => n === `a.typra.writer.lock.${child.pid}.ex`)).toBe(false);
    l.release();
    expect(existsSync(lockPath)).toBe(true); // the sidecar is never deleted
  });

  it('our exclusive lock blocks another process', async () => {
    const lockPath = join(dir, 'b.typra.writer.lock');
    const l = fs.lock(lockPath, 'exclusive');
    expect((await holder(lockPath, 'exclusive')).line).toBe('failed Io.WouldBlock');
    expect((await holder(lockPath, 'shared')).line).toBe('failed Io.WouldBlock');
    l.release();
    const { child, line } = await holder(lockPath, 'exclusive');
    expect(line).toBe('locked');
    await killed(child);
  });

  it('shared holders coexist across processes and block exclusive ones', async () => {
    const lockPath = join(dir, 'c.typra.writer.lock');
    const mine = fs.lock(lockPath, 'shared');
    const { child, line } = await holder(lockPath, 'shared');
    expect(line).toBe('locked');
    expect((await holder(lockPath, 'exclusive')).line).toBe('failed Io.WouldBlock');
    mine.release();
    expectCode(() => fs.lock(lockPath, 'exclusive'), 'Io.WouldBlock'); // the child still reads
    await killed(child);
    fs.lock(lockPath, 'exclusive').release();
  });
});

describe('process-file stale marker recovery', () => {
  const fs = createNodeFs({ locks: 'process-file' });

  function deadPid(): number {
    const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    return Number(r.stdout.toString());
  }

  it('sweeps a marker of a dead process', () => {
    const lockPath = join(dir, 'd.typra.writer.lock');
    const pid = deadPid();
    const marker = `${lockPath}.${pid}.ex`;
    writeFileSync(marker, 'some-token 123');
    fs.lock(lockPath, 'exclusive').release();
    expect(existsSync(marker)).toBe(false);
  });

  it('sweeps a marker carrying our pid from an earlier incarnation', () => {
    const lockPath = join(dir, 'e.typra.writer.lock');
    const marker = `${lockPath}.${process.pid}.ex`;
    writeFileSync(marker, 'token-of-a-previous-process ');
    const l = fs.lock(lockPath, 'shared');
    expect(existsSync(marker)).toBe(false);
    l.release();
    expect(existsSync(`${lockPath}.${process.pid}.sh`)).toBe(false);
  });

  const procReadable = (() => {
    try {
      return readFileSync('/proc/1/stat', 'latin1').length > 0;
    } catch {
      return false;
    }
  })();

  it.runIf(process.platform === 'linux' && procReadable)('treats a live pid with another start time as dead (pid reuse)', () => {
    const lockPath = join(dir, 'f.typra.writer.lock');
    // pid 1 is alive (or EPERM, which also counts as alive); its recorded start time is not.
    const marker = `${lockPath}.1.ex`;
    writeFileSync(marker, 'token 999999999999');
    fs.lock(lockPath, 'exclusive').release();
    expect(existsSync(marker)).toBe(false);
  });

  it.runIf(process.platform !== 'win32')('keeps a live holder whose start time cannot be compared', () => {
    const lockPath = join(dir, 'g.typra.writer.lock');
    const marker = `${lockPath}.1.ex`;
    writeFileSync(marker, 'token ');
    expectCode(() => fs.lock(lockPath, 'shared'), 'Io.WouldBlock');
    expect(existsSync(marker)).toBe(true);
    expect(existsSync(`${lockPath}.${process.pid}.sh`)).toBe(false); // backed off cleanly
    rmSync(marker);
  });

  it('ignores unrelated files that share the prefix', () => {
    const lockPath = join(dir, 'h.typra.writer.lock');
    writeFileSync(`${lockPath}.1.ex.bak`, '');
    writeFileSync(`${lockPath}.x.ex`, '');
    fs.lock(lockPath, 'exclusive').release();
  });
});
