/**
 * One writable handle per database file per process (the port's answer to FORMAT.md §19.2
 * item 18). The reference lets several read-write handles of one process share the writer
 * lock; each keeps its own in-memory state and transaction-id counter, so they silently
 * overwrite each other's view of the log. Here a second writer — or a reader while this
 * process holds the writer — is refused with `Io.AlreadyLocked` before any file is touched.
 *
 * Paths are keyed in an absolute, normalised form (so `db.typra`, `./db.typra` and
 * `/cwd/db.typra` are one file). Adapters over the real filesystem (`supports.persistent`)
 * share one registry — two Node adapters see the same files — while each in-memory
 * adapter (memfs) is its own disk. Symlinks and hard links are not resolved: the OS lock on the sidecar file still
 * excludes other processes in those cases, but two links in one process are two keys.
 */
import { ioError } from '../errors.ts';
import type { FsOps } from '../fs/types.ts';

const writers = new WeakMap<object, Set<string>>();
const REAL_FILESYSTEM = {};

function scopeOf(fs: FsOps): object {
  return fs.supports.persistent ? REAL_FILESYSTEM : fs;
}

function currentDirectory(): string {
  const g = globalThis as {
    process?: { cwd?: () => string };
    Deno?: { cwd?: () => string };
  };
  try {
    return g.Deno?.cwd?.() ?? g.process?.cwd?.() ?? '/';
  } catch {
    return '/';
  }
}

/**
 * Absolute form of `path`: relative paths are resolved against the working directory,
 * `.`/`..`/repeated separators collapsed. Windows drive and UNC prefixes are kept as the
 * root; separators become `/`.
 */
export function normalizeDatabasePath(path: string): string {
  let p = path.replaceAll('\\', '/');
  let root = '/';
  const drive = /^[A-Za-z]:\//.exec(p);
  if (drive !== null) {
    root = drive[0];
    p = p.slice(root.length);
  } else if (p.startsWith('//')) {
    root = '//';
    p = p.slice(2);
  } else if (!p.startsWith('/')) {
    const cwd = currentDirectory().replaceAll('\\', '/');
    if (/^[A-Za-z]:\//.test(cwd) || cwd.startsWith('/')) return normalizeDatabasePath(`${cwd}/${p}`);
  }
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return root + out.join('/');
}

export function alreadyOpenForWriting(path: string): Error {
  return ioError('AlreadyLocked', `writable database already open in this process: ${path}`, { path });
}

/**
 * Claims the writer slot of `path` on `fs`; the returned function releases it (idempotent).
 * Throws `Io.AlreadyLocked` when this process already has a writer there.
 */
export function claimWriter(fs: FsOps, path: string): () => void {
  const key = normalizeDatabasePath(path);
  let set = writers.get(scopeOf(fs));
  if (set === undefined) {
    set = new Set();
    writers.set(scopeOf(fs), set);
  }
  if (set.has(key)) throw alreadyOpenForWriting(key);
  set.add(key);
  let released = false;
  const owner = set;
  return () => {
    if (released) return;
    released = true;
    owner.delete(key);
  };
}

/** Throws `Io.AlreadyLocked` when this process holds the writer of `path` (read-only opens). */
export function refuseReaderOfOwnWriter(fs: FsOps, path: string): void {
  const key = normalizeDatabasePath(path);
  if (writers.get(scopeOf(fs))?.has(key) === true) {
    throw ioError('AlreadyLocked', `database is open for writing in this process; a read-only handle cannot be opened: ${key}`, {
      path: key,
    });
  }
}
