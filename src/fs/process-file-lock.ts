/**
 * Pure-JS inter-process lock used when no native flock binding is available
 * (`supports.locks === 'process-file'`).
 *
 * Protocol — each holder owns one marker file next to the sidecar:
 *   `<lockpath>.<pid>.ex` or `<lockpath>.<pid>.sh`, content `<token> <starttime>`
 * where `token` is random per process incarnation and `starttime` is the holder's start
 * time from /proc (Linux; empty elsewhere).
 *
 * Acquire:
 *   1. create our own marker with O_CREAT|O_EXCL (a leftover marker carrying our pid but
 *      another token is from a dead earlier process that had our pid: removed, retried once);
 *   2. only THEN list the directory and look at every other marker of this lock path:
 *      - holder dead (`kill(pid, 0)` → ESRCH, or its /proc start time differs from the
 *        recorded one) → stale, unlinked (crashed-holder recovery);
 *      - holder alive and either side exclusive → conflict;
 *   3. on conflict remove our marker and fail with `Io.WouldBlock`.
 * Release: unlink our marker.
 *
 * Why "create, then look": for two concurrent acquirers A and B each doing
 * create(tA) < list(tA') and create(tB) < list(tB'), either tA < tB' or tB < tA', so at least
 * one of them sees the other's marker — two conflicting holders can never both succeed. Both
 * may back off under contention; a non-blocking lock is allowed to fail spuriously.
 *
 * Limits (documented in the README):
 * - it excludes other processes running this library only — NOT the Rust engine, which uses
 *   flock on the sidecar (install the optional `fs-ext` addon to get `locks: 'os'`);
 * - it relies on the directory listing being coherent with O_EXCL creation, true on local
 *   filesystems, not guaranteed on NFS/SMB;
 * - every process must see the others' pids: one pid namespace (not two containers sharing
 *   a volume, not two hosts), otherwise a live holder looks dead and is swept;
 * - liveness is by pid: off Linux a dead holder whose pid was reused by an unrelated live
 *   process keeps the lock until that process exits (on Linux the start time catches it);
 * - markers of a process killed mid-protocol stay behind until the next acquirer sweeps them.
 */
import {
  closeSync,
  openSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { LockMode } from './types.ts';
import { errnoOf, mapIoError, wouldBlock } from './errors.ts';

const TOKEN = randomUUID();
const MARKER_SUFFIX = /^(\d+)\.(ex|sh)$/;

function linuxStartTime(pid: number): string {
  if (process.platform !== 'linux') return '';
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // Field 2 (comm) may contain spaces and parentheses; fields after the last ')' start at 3.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19] ?? '';
  } catch {
    return '';
  }
}

let ownStartTime: string | undefined;
function markerContent(): string {
  ownStartTime ??= linuxStartTime(process.pid);
  return `${TOKEN} ${ownStartTime}`;
}

function readMarker(path: string): { token: string; startTime: string } | undefined {
  try {
    const [token = '', startTime = ''] = readFileSync(path, 'utf8').split(' ');
    return { token, startTime };
  } catch {
    return undefined;
  }
}

function isAlive(pid: number, recordedStart: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: the process exists but belongs to someone else — alive.
    if (errnoOf(e) === 'ESRCH') return false;
  }
  if (recordedStart !== '') {
    const now = linuxStartTime(pid);
    if (now !== '' && now !== recordedStart) return false;
  }
  return true;
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (e) {
    if (errnoOf(e) !== 'ENOENT') throw mapIoError(e, 'unlink', path);
  }
}

function createMarker(path: string, lockPath: string): void {
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o644);
    } catch (e) {
      if (errnoOf(e) !== 'EEXIST' || attempt > 0) {
        if (errnoOf(e) === 'EEXIST') throw wouldBlock(lockPath, 'this process (same file, other path spelling)', e);
        throw mapIoError(e, 'open', path);
      }
      const existing = readMarker(path);
      // Our own token: this process holds it under another spelling of the path.
      if (existing !== undefined && existing.token === TOKEN) {
        throw wouldBlock(lockPath, 'this process (same file, other path spelling)', e);
      }
      unlinkQuietly(path);
      continue;
    }
    try {
      const bytes = new TextEncoder().encode(markerContent());
      writeSync(fd, bytes, 0, bytes.length, 0);
    } catch (e) {
      closeSync(fd);
      unlinkQuietly(path);
      throw mapIoError(e, 'write', path);
    }
    closeSync(fd);
    return;
  }
}

/** Takes the marker-file lock on `lockPath`; returns the release function. */
export function acquireProcessFileLock(lockPath: string, mode: LockMode): () => void {
  const dir = dirname(lockPath);
  const base = basename(lockPath);
  const tag = mode === 'exclusive' ? 'ex' : 'sh';
  const ownName = `${base}.${process.pid}.${tag}`;
  const own = join(dir, ownName);
  createMarker(own, lockPath);

  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    unlinkQuietly(own);
    throw mapIoError(e, 'readdir', dir);
  }
  const prefix = `${base}.`;
  for (const name of names) {
    if (name === ownName || !name.startsWith(prefix)) continue;
    const m = MARKER_SUFFIX.exec(name.slice(prefix.length));
    if (m === null) continue;
    const pid = Number(m[1]);
    const otherTag = m[2];
    const path = join(dir, name);
    const marker = readMarker(path);
    if (marker === undefined) continue; // released meanwhile
    const sameProcess = pid === process.pid && marker.token === TOKEN;
    if (!sameProcess && !isAlive(pid, marker.startTime)) {
      unlinkQuietly(path);
      continue;
    }
    if (pid === process.pid && !sameProcess) {
      // Our pid, another incarnation: a crashed earlier process whose pid we inherited.
      unlinkQuietly(path);
      continue;
    }
    if (tag === 'ex' || otherTag === 'ex') {
      unlinkQuietly(own);
      throw wouldBlock(lockPath, `another process (pid ${pid})`);
    }
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    unlinkQuietly(own);
  };
}
