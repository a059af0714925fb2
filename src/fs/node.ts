/**
 * `FsOps` over `node:fs` synchronous calls (also used under Bun).
 *
 * Locking: the Rust engine takes `flock` on the sidecar. Node has no flock API, so when the
 * optional native addon `fs-ext` is installed its `flockSync` is used (`locks: 'os'`, which
 * also excludes Rust processes); otherwise the marker-file protocol of
 * `process-file-lock.ts` (`locks: 'process-file'`, excludes other processes of this library
 * only). `fs-ext` is never a dependency; it is looked up at run time.
 */
import {
  closeSync,
  constants,
  copyFileSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { FileHandle, FsCapabilities, FsOps, LockHandle, LockMode, OpenMode } from './types.ts';
import { checkOffset, checkRange, closedError, errnoOf, mapIoError, notWritable, wouldBlock } from './errors.ts';
import { ioError } from '../errors.ts';
import { LockRegistry } from './lock-registry.ts';
import { acquireProcessFileLock } from './process-file-lock.ts';

const OPEN_FLAGS: Readonly<Record<OpenMode, number>> = {
  read: constants.O_RDONLY,
  readwrite: constants.O_RDWR,
  create: constants.O_RDWR | constants.O_CREAT,
  'create-new': constants.O_RDWR | constants.O_CREAT | constants.O_EXCL,
  'create-truncate': constants.O_RDWR | constants.O_CREAT | constants.O_TRUNC,
};

class NodeFile implements FileHandle {
  private fd: number;

  constructor(
    fd: number,
    private readonly path: string,
    private readonly writable: boolean,
  ) {
    this.fd = fd;
  }

  private live(syscall: string): number {
    if (this.fd < 0) throw closedError(this.path, syscall);
    return this.fd;
  }

  readAt(buf: Uint8Array, position: number): number {
    const fd = this.live('read');
    checkRange(position, buf.length, 'read', this.path);
    let done = 0;
    try {
      while (done < buf.length) {
        const n = readSync(fd, buf, done, buf.length - done, position + done);
        if (n === 0) break;
        done += n;
      }
    } catch (e) {
      throw mapIoError(e, 'read', this.path);
    }
    return done;
  }

  writeAt(buf: Uint8Array, position: number): void {
    const fd = this.live('write');
    checkRange(position, buf.length, 'write', this.path);
    if (!this.writable) throw notWritable(this.path, 'write');
    let done = 0;
    try {
      while (done < buf.length) {
        done += writeSync(fd, buf, done, buf.length - done, position + done);
      }
    } catch (e) {
      throw mapIoError(e, 'write', this.path);
    }
  }

  length(): number {
    const fd = this.live('fstat');
    try {
      return fstatSync(fd).size;
    } catch (e) {
      throw mapIoError(e, 'fstat', this.path);
    }
  }

  truncate(length: number): void {
    const fd = this.live('ftruncate');
    checkOffset(length, 'length', 'ftruncate', this.path);
    if (!this.writable) throw notWritable(this.path, 'ftruncate');
    try {
      ftruncateSync(fd, length);
    } catch (e) {
      throw mapIoError(e, 'ftruncate', this.path);
    }
  }

  sync(): void {
    const fd = this.live('fsync');
    try {
      fsyncSync(fd);
    } catch (e) {
      throw mapIoError(e, 'fsync', this.path);
    }
  }

  close(): void {
    if (this.fd < 0) return;
    const fd = this.fd;
    this.fd = -1;
    try {
      closeSync(fd);
    } catch (e) {
      throw mapIoError(e, 'close', this.path);
    }
  }
}

/** The subset of `fs-ext` used; its flags are 'sh' | 'ex' | 'shnb' | 'exnb' | 'un'. */
export interface FlockBinding {
  flockSync(fd: number, flags: string): void;
}

function loadFlock(): FlockBinding | undefined {
  try {
    // import.meta.url is absent in some CJS bundles; then the addon is simply not used.
    const require = createRequire(import.meta.url);
    const mod = require('fs-ext') as Partial<FlockBinding>;
    return typeof mod.flockSync === 'function' ? (mod as FlockBinding) : undefined;
  } catch {
    return undefined;
  }
}

export interface NodeFsOptions {
  /**
   * `auto` (default): flock through `fs-ext` when installed, else the marker-file protocol.
   * `os` makes `createNodeFs` fail with `Io.IoError` when the addon is missing.
   */
  locks?: 'auto' | 'os' | 'process-file';
  /** A flock binding to use instead of looking up `fs-ext` (e.g. one loaded from elsewhere). */
  flock?: FlockBinding;
}

/** One registry per process: Node's flock semantics are per process, not per FsOps. */
const registry = new LockRegistry();

function openSidecar(path: string): number {
  try {
    return openSync(path, constants.O_RDWR | constants.O_CREAT, 0o644);
  } catch (e) {
    throw mapIoError(e, 'open', path);
  }
}

class NodeFs implements FsOps {
  readonly name = 'node';
  readonly supports: FsCapabilities;
  private readonly flock: FlockBinding | undefined;

  constructor(options: NodeFsOptions) {
    const mode = options.locks ?? 'auto';
    this.flock = mode === 'process-file' ? undefined : (options.flock ?? loadFlock());
    if (mode === 'os' && this.flock === undefined) {
      throw ioError('IoError', "locks: 'os' needs the optional native addon fs-ext, which is not installed", {
        syscall: 'flock',
      });
    }
    this.supports = {
      directorySync: process.platform !== 'win32',
      atomicRename: process.platform !== 'win32',
      locks: this.flock !== undefined ? 'os' : 'process-file',
      persistent: true,
    };
  }

  open(path: string, mode: OpenMode): FileHandle {
    let fd: number;
    try {
      fd = openSync(path, OPEN_FLAGS[mode], 0o644);
    } catch (e) {
      throw mapIoError(e, 'open', path);
    }
    // POSIX lets O_RDONLY open a directory; the first read would fail far from the cause.
    let isDir: boolean;
    try {
      isDir = fstatSync(fd).isDirectory();
    } catch (e) {
      closeSync(fd);
      throw mapIoError(e, 'fstat', path);
    }
    if (isDir) {
      closeSync(fd);
      throw mapIoError(Object.assign(new Error('is a directory'), { code: 'EISDIR' }), 'open', path);
    }
    return new NodeFile(fd, path, mode !== 'read');
  }

  exists(path: string): boolean {
    return existsSync(path);
  }

  remove(path: string): void {
    try {
      unlinkSync(path);
    } catch (e) {
      throw mapIoError(e, 'unlink', path);
    }
  }

  rename(from: string, to: string): void {
    try {
      renameSync(from, to);
    } catch (e) {
      throw mapIoError(e, 'rename', from);
    }
  }

  copy(from: string, to: string): void {
    try {
      copyFileSync(from, to);
    } catch (e) {
      throw mapIoError(e, 'copy', from);
    }
  }

  syncDir(dir: string): void {
    if (!this.supports.directorySync) return;
    let fd: number;
    try {
      fd = openSync(dir === '' ? '.' : dir, constants.O_RDONLY);
    } catch (e) {
      throw mapIoError(e, 'open', dir);
    }
    try {
      fsyncSync(fd);
    } catch (e) {
      // Some filesystems refuse fsync on directories (EINVAL); there is nothing more to do.
      if (errnoOf(e) !== 'EINVAL') throw mapIoError(e, 'fsync', dir);
    } finally {
      closeSync(fd);
    }
  }

  lock(path: string, mode: LockMode): LockHandle {
    return registry.acquire(resolve(path), path, mode, () => {
      // The sidecar exists whatever the lock flavour (FORMAT.md §14.6): created, never deleted.
      const fd = openSidecar(path);
      if (this.flock === undefined) {
        closeSync(fd);
        return acquireProcessFileLock(path, mode);
      }
      try {
        this.flock.flockSync(fd, mode === 'exclusive' ? 'exnb' : 'shnb');
      } catch (e) {
        closeSync(fd);
        const errno = errnoOf(e);
        if (errno === 'EAGAIN' || errno === 'EWOULDBLOCK') throw wouldBlock(path, 'another process', e);
        throw mapIoError(e, 'flock', path);
      }
      // Closing the descriptor drops the flock; the OS does the same if we crash.
      return () => closeSync(fd);
    });
  }
}

let shared: NodeFs | undefined;

/** The process-wide Node adapter (`auto` locks). */
export function nodeFs(): FsOps {
  shared ??= new NodeFs({});
  return shared;
}

/** A Node adapter with explicit options (tests pick the lock flavour). */
export function createNodeFs(options: NodeFsOptions = {}): FsOps {
  return new NodeFs(options);
}
