/**
 * An in-memory `FsOps` that simulates power loss and I/O errors: the durability test
 * harness (and something users can run their own crash tests on).
 *
 * Paths are POSIX-style; relative paths resolve against `/`. FsOps has no mkdir, so
 * directories come from the test: `/` always exists, `mkdir()` and the parents of initial
 * `files` add more. Directory creation itself is treated as durable at once (only entries
 * inside directories are subject to `syncDir`).
 *
 * Every call through the adapter or one of its file handles is numbered from the last
 * `resetCalls()` and logged (`calls`). A test can:
 * - `failAt(i, errno)` / `failWhen(match, errno)`: call i (or every matching call) throws a
 *   typed I/O error instead of running; a failing write may first apply a prefix;
 * - `crashAt(i, { when })`: power is lost before or after call i takes effect; the call
 *   throws `Io.SimulatedCrash`, every later call on this instance (and its handles) does
 *   too, and `recovered()` returns the filesystem as it is found after reboot;
 * - `crash()`: lose power now and get the rebooted filesystem.
 * Crash outcomes are drawn from a seeded RNG (see `CrashMode`), so every run reproduces.
 */
import type { FileHandle, FsCapabilities, FsOps, LockHandle, LockMode, OpenMode } from './types.ts';
import { ioError, usageError, type ModelVaultError } from '../errors.ts';
import { checkOffset, checkRange, closedError, mapIoError, notWritable } from './errors.ts';
import { LockRegistry } from './lock-registry.ts';
import { SeededRng } from './rng.ts';
import {
  applyDirOp,
  contentAfterCrash,
  Inode,
  namesAfterCrash,
  type CrashMode,
  type DirOp,
} from './memfs-model.ts';

export type { CrashMode } from './memfs-model.ts';

export type FaultErrno = 'EIO' | 'ENOSPC' | 'EACCES';

export interface CallInfo {
  /** Position in the call log since the last `resetCalls()`. */
  readonly index: number;
  /** `open`, `readAt`, `writeAt`, `length`, `truncate`, `sync`, `close`, `exists`, … */
  readonly op: string;
  readonly path: string;
  /** e.g. `writeAt(/db.typra, 8274, 56)`. */
  readonly description: string;
  /** Whether the call can change the filesystem (crash points usually only need these). */
  readonly mutating: boolean;
}

export interface FaultOptions {
  /**
   * What a failing write applies before failing: `none`, or a prefix whose length the
   * seeded RNG picks (real writes can be partial).
   */
  partial?: 'none' | 'random';
  /**
   * What a failing `sync` does to the file's unsynced writes: `lost` (default) — like Linux
   * after a writeback error, they stay readable but will never reach the disk, so a later
   * successful fsync does not make them durable; `pending` — they stay pending.
   */
  syncFailure?: 'lost' | 'pending';
  /** For `failWhen`: fail only the first N matching calls (default: all of them). */
  times?: number;
}

export interface CrashOptions {
  /** Lose power before the call takes effect (default) or right after it did. */
  when?: 'before' | 'after';
  mode?: CrashMode;
  seed?: number;
}

export interface MemFsOptions {
  /** Seed for crash outcomes and partial writes (default 1). */
  seed?: number;
  /** Default crash mode (default `random`). */
  crashMode?: CrashMode;
  /** Initial, durable files: absolute path → content (copied). Their parents are created. */
  files?: ReadonlyMap<string, Uint8Array> | Readonly<Record<string, Uint8Array>>;
  /** Initial directories (with their parents). */
  directories?: Iterable<string>;
}

interface FaultRule {
  readonly at?: number;
  readonly match?: (call: CallInfo) => boolean;
  readonly errno: FaultErrno;
  readonly partial: 'none' | 'random';
  readonly syncFailure: 'lost' | 'pending';
  remaining: number;
}

interface ScheduledCrash {
  readonly at: number;
  readonly when: 'before' | 'after';
  readonly mode: CrashMode;
  readonly seed: number;
}

/** Resolves `path` against `/`, collapsing `.`, `..` and repeated slashes. */
export function normalizePath(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}

function dirOf(normalized: string): string {
  const i = normalized.lastIndexOf('/');
  return i <= 0 ? '/' : normalized.slice(0, i);
}

const FAULT_MESSAGES: Readonly<Record<FaultErrno, string>> = {
  EIO: 'input/output error (injected)',
  ENOSPC: 'no space left on device (injected)',
  EACCES: 'permission denied (injected)',
};

function systemError(errno: string, message: string): Error {
  return Object.assign(new Error(`${errno}: ${message}`), { code: errno });
}

function faultBehaviour(options: FaultOptions): Pick<FaultRule, 'partial' | 'syncFailure'> {
  return { partial: options.partial ?? 'none', syncFailure: options.syncFailure ?? 'lost' };
}

const CAPABILITIES: FsCapabilities = {
  directorySync: true,
  atomicRename: true,
  locks: 'in-process',
  persistent: false,
};

class MemFile implements FileHandle {
  private closed = false;

  constructor(
    private readonly fs: MemFs,
    private readonly inode: Inode,
    private readonly path: string,
    private readonly writable: boolean,
  ) {}

  private live(syscall: string): void {
    if (this.closed) throw closedError(this.path, syscall);
  }

  private checkWritable(syscall: string): void {
    if (!this.writable) throw notWritable(this.path, syscall);
  }

  readAt(buf: Uint8Array, position: number): number {
    return this.fs.run('readAt', this.path, `readAt(${this.path}, ${position}, ${buf.length})`, false, () => {
      this.live('read');
      checkRange(position, buf.length, 'read', this.path);
      return this.inode.current.read(buf, position);
    });
  }

  writeAt(buf: Uint8Array, position: number): void {
    this.fs.run('writeAt', this.path, `writeAt(${this.path}, ${position}, ${buf.length})`, true, (fault) => {
      this.live('write');
      checkRange(position, buf.length, 'write', this.path);
      this.checkWritable('write');
      if (fault !== undefined) {
        const prefix = this.fs.faultPrefix(fault, buf.length);
        if (prefix > 0) this.inode.write(buf.subarray(0, prefix), position);
        throw this.fs.faultError(fault, 'write', this.path);
      }
      this.inode.write(buf, position);
    }, true);
  }

  length(): number {
    return this.fs.run('length', this.path, `length(${this.path})`, false, () => {
      this.live('fstat');
      return this.inode.current.size;
    });
  }

  truncate(length: number): void {
    this.fs.run('truncate', this.path, `truncate(${this.path}, ${length})`, true, () => {
      this.live('ftruncate');
      checkOffset(length, 'length', 'ftruncate', this.path);
      this.checkWritable('ftruncate');
      this.inode.truncate(length);
    });
  }

  sync(): void {
    this.fs.run('sync', this.path, `sync(${this.path})`, true, (fault) => {
      this.live('fsync');
      if (fault !== undefined) {
        if (fault.syncFailure === 'lost') this.inode.loseUnsynced();
        throw this.fs.faultError(fault, 'fsync', this.path);
      }
      this.inode.sync();
    }, true);
  }

  close(): void {
    if (this.closed) return;
    this.fs.run('close', this.path, `close(${this.path})`, false, (fault) => {
      // Like close(2): the descriptor is gone even when the call reports an error.
      this.closed = true;
      if (fault !== undefined) throw this.fs.faultError(fault, 'close', this.path);
    }, true);
  }
}

export class MemFs implements FsOps {
  readonly name = 'memfs';
  readonly supports = CAPABILITIES;

  private readonly names = new Map<string, Inode>();
  private readonly dirs = new Set<string>(['/']);
  private readonly durableNames = new Map<string, Inode>();
  private readonly pendingDirOps = new Map<string, DirOp[]>();
  private readonly locks = new LockRegistry();
  private readonly rng: SeededRng;
  private readonly seed: number;
  private readonly crashMode: CrashMode;

  private callLog: CallInfo[] = [];
  private faults: FaultRule[] = [];
  private scheduled: ScheduledCrash | undefined;
  private afterReboot: MemFs | undefined;
  private crashPoint: CallInfo | undefined;

  constructor(options: MemFsOptions = {}) {
    this.seed = options.seed ?? 1;
    this.rng = new SeededRng(this.seed ^ 0x5bd1e995);
    this.crashMode = options.crashMode ?? 'random';
    const files = options.files instanceof Map ? options.files : new Map(Object.entries(options.files ?? {}));
    for (const dir of options.directories ?? []) this.mkdir(dir);
    for (const [path, content] of files) {
      const inode = new Inode(content);
      const p = normalizePath(path);
      this.mkdir(dirOf(p));
      this.names.set(p, inode);
      this.durableNames.set(p, inode);
    }
  }

  /** Creates a directory and its parents (not logged; a test fixture, not an FsOps call). */
  mkdir(path: string): void {
    const p = normalizePath(path);
    if (this.names.has(p)) this.fail('EEXIST', 'a file has this name', 'mkdir', path);
    for (let d = p; !this.dirs.has(d); d = dirOf(d)) {
      if (this.names.has(d)) this.fail('ENOTDIR', 'not a directory', 'mkdir', path);
      this.dirs.add(d);
    }
  }

  // ---- test controls ----------------------------------------------------------------

  /** Calls since the last `resetCalls()`, in order. */
  get calls(): readonly CallInfo[] {
    return this.callLog;
  }

  /** Starts numbering calls from 0 again (e.g. after a test's setup). */
  resetCalls(): void {
    this.callLog = [];
  }

  /** Call `index` throws a typed `errno` error instead of taking effect. */
  failAt(index: number, errno: FaultErrno, options: FaultOptions = {}): void {
    this.faults.push({ at: index, errno, ...faultBehaviour(options), remaining: 1 });
  }

  /** Every call matching `match` (or the first `times` of them) fails with `errno`. */
  failWhen(match: (call: CallInfo) => boolean, errno: FaultErrno, options: FaultOptions = {}): void {
    this.faults.push({ match, errno, ...faultBehaviour(options), remaining: options.times ?? Infinity });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Power is lost at call `index` (numbered like `calls`). */
  crashAt(index: number, options: CrashOptions = {}): void {
    this.scheduled = {
      at: index,
      when: options.when ?? 'before',
      mode: options.mode ?? this.crashMode,
      seed: options.seed ?? this.seed,
    };
  }

  /** Loses power now; returns the filesystem as found after reboot. This instance is dead. */
  crash(options: Omit<CrashOptions, 'when'> = {}): MemFs {
    if (this.afterReboot === undefined) {
      this.powerLoss(options.mode ?? this.crashMode, options.seed ?? this.seed);
    }
    return this.afterReboot as MemFs;
  }

  get crashed(): boolean {
    return this.afterReboot !== undefined;
  }

  /** The call at which a scheduled crash happened, if it did. */
  get crashedAt(): CallInfo | undefined {
    return this.crashPoint;
  }

  /** The rebooted filesystem after a crash (`Usage.NotCrashed` if there was none). */
  recovered(): MemFs {
    if (this.afterReboot === undefined) {
      throw usageError('NotCrashed', 'recovered() needs a crash first (crash() or crashAt())');
    }
    return this.afterReboot;
  }

  /** Current (volatile) content of a file, or undefined. Not logged. */
  peek(path: string): Uint8Array | undefined {
    return this.names.get(normalizePath(path))?.current.snapshot();
  }

  /** Every current file path, sorted. Not logged. */
  list(): string[] {
    return [...this.names.keys()].sort();
  }

  /** An independent copy of the current view (all durable), e.g. to fork a test state. */
  clone(options: Omit<MemFsOptions, 'files'> = {}): MemFs {
    const files = new Map<string, Uint8Array>();
    for (const [p, inode] of this.names) files.set(p, inode.current.snapshot());
    return new MemFs({ seed: this.seed, crashMode: this.crashMode, ...options, files, directories: this.dirs });
  }

  // ---- call plumbing ----------------------------------------------------------------

  /**
   * Runs one numbered call. `body` gets the fault to apply when `handlesFault` is set
   * (writes apply a prefix first); otherwise a fault fails the call before it runs.
   * @internal
   */
  run<T>(
    op: string,
    path: string,
    description: string,
    mutating: boolean,
    body: (fault?: FaultRule) => T,
    handlesFault = false,
  ): T {
    if (this.afterReboot !== undefined) throw this.deadError(description);
    const call: CallInfo = { index: this.callLog.length, op, path, description, mutating };
    this.callLog.push(call);
    const crash = this.scheduled !== undefined && this.scheduled.at === call.index ? this.scheduled : undefined;
    if (crash !== undefined && crash.when === 'before') {
      this.crashPoint = call;
      this.powerLoss(crash.mode, crash.seed);
      throw this.deadError(description);
    }
    const fault = this.takeFault(call);
    let result: T;
    try {
      if (fault !== undefined && !handlesFault) throw this.faultError(fault, op, path);
      result = body(fault);
    } catch (e) {
      // A call that failed may still have changed state (partial write): crash after it too.
      if (crash === undefined) throw e;
    }
    if (crash !== undefined) {
      this.crashPoint = call;
      this.powerLoss(crash.mode, crash.seed);
      throw this.deadError(description);
    }
    return result!;
  }

  /** @internal */
  faultPrefix(fault: FaultRule, length: number): number {
    return fault.partial === 'random' && length > 0 ? this.rng.upTo(length - 1) : 0;
  }

  /** @internal */
  faultError(fault: FaultRule, syscall: string, path: string): ModelVaultError {
    return mapIoError(systemError(fault.errno, FAULT_MESSAGES[fault.errno]), syscall, path);
  }

  private takeFault(call: CallInfo): FaultRule | undefined {
    for (const rule of this.faults) {
      if (rule.remaining <= 0) continue;
      const hit = rule.at !== undefined ? rule.at === call.index : rule.match !== undefined && rule.match(call);
      if (hit) {
        rule.remaining--;
        return rule;
      }
    }
    return undefined;
  }

  private deadError(description: string): ModelVaultError {
    return ioError('SimulatedCrash', `simulated power loss: ${description} did not complete`, {
      syscall: description,
      path: this.crashPoint?.path ?? '',
    });
  }

  private powerLoss(mode: CrashMode, seed: number): void {
    const rng = new SeededRng(seed);
    const names = namesAfterCrash(this.durableNames, this.pendingDirOps, mode, rng);
    const contents = new Map<Inode, Uint8Array>();
    const files = new Map<string, Uint8Array>();
    for (const path of [...names.keys()].sort()) {
      const inode = names.get(path) as Inode;
      let content = contents.get(inode);
      if (content === undefined) {
        content = contentAfterCrash(inode, mode, rng);
        contents.set(inode, content);
      }
      files.set(path, content);
    }
    // The "process" died with the power: its locks go with it (the new instance has none).
    this.locks.clear();
    this.afterReboot = new MemFs({ seed: this.seed, crashMode: this.crashMode, files, directories: this.dirs });
  }

  // ---- namespace helpers ------------------------------------------------------------

  private isDirectory(p: string): boolean {
    return this.dirs.has(p);
  }

  /** Whether the directory that would hold `p` is missing (or is a file: ENOTDIR). */
  private parentMissing(p: string): boolean {
    return !this.dirs.has(dirOf(p));
  }

  private dirOp(dir: string, op: DirOp): void {
    let list = this.pendingDirOps.get(dir);
    if (list === undefined) this.pendingDirOps.set(dir, (list = []));
    list.push(op);
  }

  private link(p: string, inode: Inode): void {
    this.names.set(p, inode);
    this.dirOp(dirOf(p), { kind: 'link', path: p, inode });
  }

  private fail(errno: string, message: string, syscall: string, path: string): never {
    throw mapIoError(systemError(errno, message), syscall, path);
  }

  private existing(p: string, syscall: string, path: string): Inode {
    const inode = this.names.get(p);
    if (inode === undefined) {
      if (this.isDirectory(p)) this.fail('EISDIR', 'is a directory', syscall, path);
      this.fail('ENOENT', 'no such file', syscall, path);
    }
    return inode;
  }

  // ---- FsOps ------------------------------------------------------------------------

  open(path: string, mode: OpenMode): FileHandle {
    const p = normalizePath(path);
    return this.run('open', p, `open(${p}, ${mode})`, mode !== 'read' && mode !== 'readwrite', () => {
      if (this.isDirectory(p)) this.fail('EISDIR', 'is a directory', 'open', path);
      let inode = this.names.get(p);
      if (inode === undefined && this.parentMissing(p)) this.fail('ENOENT', 'no such directory', 'open', path);
      switch (mode) {
        case 'read':
        case 'readwrite':
          if (inode === undefined) this.fail('ENOENT', 'no such file', 'open', path);
          break;
        case 'create-new':
          if (inode !== undefined) this.fail('EEXIST', 'file exists', 'open', path);
          break;
        case 'create-truncate':
          if (inode !== undefined) inode.truncate(0);
          break;
        case 'create':
          break;
      }
      if (inode === undefined) {
        inode = new Inode();
        this.link(p, inode);
      }
      return new MemFile(this, inode, p, mode !== 'read');
    });
  }

  exists(path: string): boolean {
    const p = normalizePath(path);
    return this.run('exists', p, `exists(${p})`, false, () => this.names.has(p) || this.isDirectory(p));
  }

  remove(path: string): void {
    const p = normalizePath(path);
    this.run('remove', p, `remove(${p})`, true, () => {
      this.existing(p, 'unlink', path);
      this.names.delete(p);
      this.dirOp(dirOf(p), { kind: 'unlink', path: p });
    });
  }

  rename(from: string, to: string): void {
    const f = normalizePath(from);
    const t = normalizePath(to);
    this.run('rename', f, `rename(${f}, ${t})`, true, () => {
      const inode = this.existing(f, 'rename', from);
      if (this.isDirectory(t)) this.fail('EISDIR', 'is a directory', 'rename', to);
      if (this.parentMissing(t)) this.fail('ENOENT', 'no such directory', 'rename', to);
      if (f === t) return;
      this.names.delete(f);
      this.names.set(t, inode);
      if (dirOf(f) === dirOf(t)) {
        this.dirOp(dirOf(f), { kind: 'rename', from: f, to: t, inode });
      } else {
        // Two directories are written back independently: both, either or neither survive.
        this.dirOp(dirOf(t), { kind: 'link', path: t, inode });
        this.dirOp(dirOf(f), { kind: 'unlink', path: f });
      }
    });
  }

  copy(from: string, to: string): void {
    const f = normalizePath(from);
    const t = normalizePath(to);
    this.run('copy', f, `copy(${f}, ${t})`, true, () => {
      const source = this.existing(f, 'copy', from).current.snapshot();
      if (this.isDirectory(t)) this.fail('EISDIR', 'is a directory', 'copy', to);
      if (this.parentMissing(t)) this.fail('ENOENT', 'no such directory', 'copy', to);
      let target = this.names.get(t);
      if (target === undefined) {
        target = new Inode();
        this.link(t, target);
      } else {
        target.truncate(0);
      }
      if (source.length > 0) target.write(source, 0);
    });
  }

  syncDir(dir: string): void {
    const d = normalizePath(dir);
    this.run('syncDir', d, `syncDir(${d})`, true, () => {
      if (!this.dirs.has(d)) this.fail(this.names.has(d) ? 'ENOTDIR' : 'ENOENT', 'no such directory', 'fsync', dir);
      const ops = this.pendingDirOps.get(d);
      if (ops === undefined) return;
      for (const op of ops) applyDirOp(this.durableNames, op);
      this.pendingDirOps.delete(d);
    });
  }

  lock(path: string, mode: LockMode): LockHandle {
    const p = normalizePath(path);
    return this.run('lock', p, `lock(${p}, ${mode})`, true, () =>
      this.locks.acquire(p, path, mode, () => {
        if (this.isDirectory(p)) this.fail('EISDIR', 'is a directory', 'open', path);
        if (this.parentMissing(p)) this.fail('ENOENT', 'no such directory', 'open', path);
        if (!this.names.has(p)) this.link(p, new Inode());
        return () => {};
      }),
    );
  }
}

/** A fresh crash-simulating in-memory filesystem. */
export function createMemFs(options: MemFsOptions = {}): MemFs {
  return new MemFs(options);
}
