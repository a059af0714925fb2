/**
 * Database locks between real processes (FORMAT.md §14.6): one writer process at a time,
 * readers and writers exclude each other, readers share; a writer killed with SIGKILL in
 * the middle of its writes leaves a file that reopens with every acknowledged write. With
 * the optional fs-ext addon installed the lock is a real flock(2), and an outside flock
 * holder (what the Rust engine takes) excludes us too.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/engine/database.ts';
import { isModelVaultError } from '../../src/errors.ts';
import { nodeFs } from '../../src/fs/node.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
let dir: string;
let childJs: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'modelvault-dblocks-'));
  // Inside the repo so the bundle's run-time lookup of the optional fs-ext addon resolves
  // from node_modules, exactly as the library's does: child and parent use one lock flavour.
  const outDir = join(root, 'node_modules', '.cache', 'modelvault-locking', String(process.pid));
  mkdirSync(outDir, { recursive: true });
  childJs = join(outDir, 'db-child.mjs');
  buildSync({
    entryPoints: [join(root, 'test', 'locking', 'fixtures', 'db-child.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: childJs,
    logLevel: 'error',
  });
});

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(dirname(childJs), { recursive: true, force: true });
});

interface Child {
  child: ChildProcess;
  lines: string[];
  /** Resolves with the first line matching `re`. */
  waitFor(re: RegExp): Promise<string>;
  exited: Promise<void>;
}

function start(...args: string[]): Child {
  const child = spawn(process.execPath, [childJs, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const lines: string[] = [];
  let partial = '';
  const waiters: Array<{ re: RegExp; resolve: (l: string) => void }> = [];
  child.stdout!.on('data', (d: Buffer) => {
    partial += d.toString();
    for (let nl = partial.indexOf('\n'); nl >= 0; nl = partial.indexOf('\n')) {
      const line = partial.slice(0, nl);
      partial = partial.slice(nl + 1);
      lines.push(line);
      for (const w of waiters.splice(0)) {
        if (w.re.test(line)) w.resolve(line);
        else waiters.push(w);
      }
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    lines,
    exited,
    waitFor: (re) =>
      new Promise((resolve, reject) => {
        const hit = lines.find((l) => re.test(l));
        if (hit !== undefined) return resolve(hit);
        const timer = setTimeout(() => reject(new Error(`child said: ${lines.join(' | ')}`)), 20000);
        waiters.push({
          re,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
      }),
  };
}

async function outcome(...args: string[]): Promise<string> {
  const c = start(...args);
  const line = await c.waitFor(/^(ready|failed)/);
  c.child.kill('SIGKILL');
  await c.exited;
  return line.startsWith('ready') ? 'ready' : line;
}

function codeOf(f: () => unknown): string {
  try {
    const v = f();
    (v as Database | undefined)?.close();
  } catch (e) {
    if (isModelVaultError(e)) return e.code;
    throw e;
  }
  return 'ok';
}

describe('database locks between processes', () => {
  it('a writer process excludes other writers and readers; after it dies the file opens', async () => {
    const path = join(dir, 'w.typra');
    const holder = start('hold', path, 'rw');
    await holder.waitFor(/^ready/);
    expect(await outcome('hold', path, 'rw')).toBe('failed Io.WouldBlock');
    expect(await outcome('hold', path, 'ro')).toBe('failed Io.WouldBlock');
    expect(codeOf(() => Database.open(path))).toBe('Io.WouldBlock');
    expect(codeOf(() => Database.open(path, { readOnly: true }))).toBe('Io.WouldBlock');
    holder.child.kill('SIGKILL');
    await holder.exited;
    expect(codeOf(() => Database.open(path))).toBe('ok');
  });

  it('reader processes share; a reader excludes writers', async () => {
    const path = join(dir, 'r.typra');
    Database.open(path).close();
    const r1 = start('hold', path, 'ro');
    await r1.waitFor(/^ready/);
    expect(await outcome('hold', path, 'ro')).toBe('ready');
    expect(codeOf(() => Database.open(path, { readOnly: true }))).toBe('ok');
    expect(await outcome('hold', path, 'rw')).toBe('failed Io.WouldBlock');
    expect(codeOf(() => Database.open(path))).toBe('Io.WouldBlock');
    r1.child.kill('SIGKILL');
    await r1.exited;
    expect(await outcome('hold', path, 'rw')).toBe('ready');
  });

  it('a writer killed with SIGKILL mid-loop loses no acknowledged write', async () => {
    const path = join(dir, 'kill.typra');
    for (const round of [0, 1]) {
      const w = start('writer-loop', path);
      await w.waitFor(new RegExp(`^ack ${round === 0 ? 60 : 30}$`));
      w.child.kill('SIGKILL');
      await w.exited;
      const acked = w.lines.filter((l) => l.startsWith('ack ')).map((l) => BigInt(l.slice(4)));
      expect(acked.length).toBeGreaterThan(30);
      const db = Database.open(path);
      try {
        for (const id of acked) expect(db.get('items', id), `acknowledged row ${id}`).not.toBeNull();
        // Nothing beyond what the loop could have written (at most one unacknowledged insert).
        if (round === 0) expect(db.rowCount('items')).toBeLessThanOrEqual(acked.length + 1);
      } finally {
        db.close();
      }
      // The healed (or clean) file opens strictly afterwards.
      const strict = Database.open(path, { recovery: 'strict', readOnly: true });
      expect(strict.rowCount('items')).toBeGreaterThanOrEqual(acked.length);
      strict.close();
    }
  });

  const flockTool = process.platform !== 'win32' && spawnSync('flock', ['--version']).status === 0;
  it.runIf(flockTool && nodeFs().supports.locks === 'os')(
    'an outside flock(2) holder of the sidecar (as the Rust engine takes it) excludes us, and we exclude it',
    async () => {
      const path = join(dir, 'interop.typra');
      Database.open(path).close();
      const lockPath = `${path}.writer.lock`;
      // Its own process group: the `sleep` child inherits the locked descriptor, so both go.
      const holder = spawn('flock', ['-x', lockPath, 'sleep', '60'], { stdio: 'ignore', detached: true });
      children.push(holder);
      // Wait (generously: the machine may be busy) until the holder has the lock.
      const held = () => spawnSync('flock', ['-n', '-s', lockPath, 'true']).status === 1;
      for (let i = 0; i < 400 && !held(); i++) await new Promise((r) => setTimeout(r, 50));
      expect(held()).toBe(true);
      expect(codeOf(() => Database.open(path))).toBe('Io.WouldBlock');
      expect(codeOf(() => Database.open(path, { readOnly: true }))).toBe('Io.WouldBlock');
      const exited = new Promise((r) => holder.once('exit', r));
      process.kill(-holder.pid!, 'SIGKILL');
      await exited;
      // The `sleep` child shares the locked descriptor and may outlive `flock` by a moment:
      // the lock is free only once both are gone.
      const free = () => spawnSync('flock', ['-n', '-x', lockPath, 'true']).status === 0;
      for (let i = 0; i < 400 && !free(); i++) await new Promise((r) => setTimeout(r, 50));
      const db = Database.open(path);
      expect(spawnSync('flock', ['-n', '-s', lockPath, 'true']).status).toBe(1);
      db.close();
      const reader = Database.open(path, { readOnly: true });
      expect(spawnSync('flock', ['-n', '-s', lockPath, 'true']).status).toBe(0);
      expect(spawnSync('flock', ['-n', '-x', lockPath, 'true']).status).toBe(1);
      reader.close();
    },
  );
});
