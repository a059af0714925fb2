/**
 * `FsOps` over Deno's synchronous file APIs.
 *
 * `Deno` is reached through `globalThis` with a minimal local type, so this file
 * type-checks and bundles under Node without Deno's declarations.
 *
 * Locking: `FsFile.tryLockSync(exclusive)` (recent Deno 2.x) is a non-blocking flock on Unix and
 * LockFileEx on Windows — the same OS lock as the Rust engine (`locks: 'os'`). Older Deno
 * only has the blocking `lockSync`, which would hang on a conflict; there the adapter
 * declares `locks: 'in-process'` and excludes only other handles of this process.
 */
import type { FileHandle, FsCapabilities, FsOps, LockHandle, LockMode, OpenMode } from './types.ts';
import { checkOffset, checkRange, closedError, mapIoError, notWritable, wouldBlock } from './errors.ts';
import { LockRegistry } from './lock-registry.ts';

interface DenoOpenOptions {
  read?: boolean;
  write?: boolean;
  create?: boolean;
  createNew?: boolean;
  truncate?: boolean;
  mode?: number;
}

interface DenoFsFile {
  readSync(p: Uint8Array): number | null;
  writeSync(p: Uint8Array): number;
  seekSync(offset: number, whence: number): number;
  truncateSync(len?: number): void;
  syncSync(): void;
  statSync(): { size: number; isDirectory: boolean };
  close(): void;
  tryLockSync?(exclusive?: boolean): boolean;
}

interface DenoApi {
  readonly build: { readonly os: string };
  openSync(path: string, options?: DenoOpenOptions): DenoFsFile;
  statSync(path: string): { isDirectory: boolean; isFile: boolean };
  renameSync(from: string, to: string): void;
  removeSync(path: string): void;
  copyFileSync(from: string, to: string): void;
  cwd(): string;
  readonly FsFile: { readonly prototype: DenoFsFile };
}

function deno(): DenoApi {
  const api = (globalThis as { Deno?: DenoApi }).Deno;
  if (api === undefined) {
    throw mapIoError(new Error('the Deno adapter needs the Deno runtime'), 'open', '');
  }
  return api;
}

const SEEK_START = 0;

const OPEN_OPTIONS: Readonly<Record<OpenMode, DenoOpenOptions>> = {
  read: { read: true },
  readwrite: { read: true, write: true },
  create: { read: true, write: true, create: true, mode: 0o644 },
  'create-new': { read: true, write: true, createNew: true, mode: 0o644 },
  'create-truncate': { read: true, write: true, create: true, truncate: true, mode: 0o644 },
};

function isDirError(path: string, syscall: string) {
  return mapIoError(Object.assign(new Error('is a directory'), { code: 'EISDIR' }), syscall, path);
}

class DenoFile implements FileHandle {
  private file: DenoFsFile | undefined;

  constructor(
    file: DenoFsFile,
    private readonly path: string,
    private readonly writable: boolean,
  ) {
    this.file = file;
  }

  private live(syscall: string): DenoFsFile {
    if (this.file === undefined) throw closedError(this.path, syscall);
    return this.file;
  }

  readAt(buf: Uint8Array, position: number): number {
    const file = this.live('read');
    checkRange(position, buf.length, 'read', this.path);
    let done = 0;
    try {
      file.seekSync(position, SEEK_START);
      while (done < buf.length) {
        const n = file.readSync(done === 0 ? buf : buf.subarray(done));
        if (n === null || n === 0) break;
        done += n;
      }
    } catch (e) {
      throw mapIoError(e, 'read', this.path);
    }
    return done;
  }

  writeAt(buf: Uint8Array, position: number): void {
    const file = this.live('write');
    checkRange(position, buf.length, 'write', this.path);
    if (!this.writable) throw notWritable(this.path, 'write');
    try {
      file.seekSync(position, SEEK_START);
      let done = 0;
      while (done < buf.length) done += file.writeSync(done === 0 ? buf : buf.subarray(done));
    } catch (e) {
      throw mapIoError(e, 'write', this.path);
    }
  }

  length(): number {
    const file = this.live('fstat');
    try {
      return file.statSync().size;
    } catch (e) {
      throw mapIoError(e, 'fstat', this.path);
    }
  }

  truncate(length: number): void {
    const file = this.live('ftruncate');
    checkOffset(length, 'length', 'ftruncate', this.path);
    if (!this.writable) throw notWritable(this.path, 'ftruncate');
    try {
      file.truncateSync(length);
    } catch (e) {
      throw mapIoError(e, 'ftruncate', this.path);
    }
  }

  sync(): void {
    const file = this.live('fsync');
    try {
      file.syncSync();
    } catch (e) {
      throw mapIoError(e, 'fsync', this.path);
    }
  }

  close(): void {
    const file = this.file;
    if (file === undefined) return;
    this.file = undefined;
    try {
      file.close();
    } catch (e) {
      throw mapIoError(e, 'close', this.path);
    }
  }
}

/** One registry per process, as with Node: OS locks conflict between descriptors. */
const registry = new LockRegistry();

function absolute(api: DenoApi, path: string): string {
  if (path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\\\')) return path;
  return `${api.cwd()}/${path}`;
}

class DenoFs implements FsOps {
  readonly name = 'deno';
  readonly supports: FsCapabilities;
  private readonly api: DenoApi;

  constructor() {
    this.api = deno();
    const windows = this.api.build.os === 'windows';
    this.supports = {
      directorySync: !windows,
      atomicRename: !windows,
      locks: typeof this.api.FsFile.prototype.tryLockSync === 'function' ? 'os' : 'in-process',
      persistent: true,
    };
  }

  open(path: string, mode: OpenMode): FileHandle {
    let file: DenoFsFile;
    try {
      file = this.api.openSync(path, OPEN_OPTIONS[mode]);
    } catch (e) {
      throw mapIoError(e, 'open', path);
    }
    let isDir: boolean;
    try {
      isDir = file.statSync().isDirectory;
    } catch (e) {
      file.close();
      throw mapIoError(e, 'fstat', path);
    }
    if (isDir) {
      file.close();
      throw isDirError(path, 'open');
    }
    return new DenoFile(file, path, mode !== 'read');
  }

  exists(path: string): boolean {
    try {
      this.api.statSync(path);
      return true;
    } catch {
      return false;
    }
  }

  remove(path: string): void {
    try {
      // removeSync also deletes empty directories; unlink(2) would not.
      if (this.api.statSync(path).isDirectory) throw isDirError(path, 'unlink');
      this.api.removeSync(path);
    } catch (e) {
      throw mapIoError(e, 'unlink', path);
    }
  }

  rename(from: string, to: string): void {
    try {
      this.api.renameSync(from, to);
    } catch (e) {
      throw mapIoError(e, 'rename', from);
    }
  }

  copy(from: string, to: string): void {
    try {
      this.api.copyFileSync(from, to);
    } catch (e) {
      throw mapIoError(e, 'copy', from);
    }
  }

  syncDir(dir: string): void {
    if (!this.supports.directorySync) return;
    let file: DenoFsFile;
    try {
      file = this.api.openSync(dir === '' ? '.' : dir, { read: true });
    } catch (e) {
      throw mapIoError(e, 'open', dir);
    }
    try {
      file.syncSync();
    } catch (e) {
      // Some filesystems refuse fsync on directories (EINVAL); there is nothing more to do.
      if ((e as { code?: unknown }).code !== 'EINVAL') throw mapIoError(e, 'fsync', dir);
    } finally {
      file.close();
    }
  }

  lock(path: string, mode: LockMode): LockHandle {
    return registry.acquire(absolute(this.api, path), path, mode, () => {
      // The sidecar exists whatever happens (FORMAT.md §14.6): created, never deleted.
      let file: DenoFsFile;
      try {
        file = this.api.openSync(path, { read: true, write: true, create: true, mode: 0o644 });
      } catch (e) {
        throw mapIoError(e, 'open', path);
      }
      if (typeof file.tryLockSync !== 'function') return () => file.close();
      let acquired: boolean;
      try {
        acquired = file.tryLockSync(mode === 'exclusive');
      } catch (e) {
        file.close();
        throw mapIoError(e, 'flock', path);
      }
      if (!acquired) {
        file.close();
        throw wouldBlock(path, 'another process');
      }
      // Closing the file drops the lock; the OS does the same if the process dies.
      return () => file.close();
    });
  }
}

let shared: DenoFs | undefined;

/** The process-wide Deno adapter. */
export function denoFs(): FsOps {
  shared ??= new DenoFs();
  return shared;
}
