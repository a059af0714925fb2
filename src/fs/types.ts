/**
 * The only door to the outside world: everything the engine does to files goes through
 * an `FsOps`. All calls are synchronous so the engine API can be synchronous.
 *
 * Each adapter declares what it supports (abstract-level style); the engine adapts to
 * those capabilities instead of sniffing the runtime, and the conformance suite tests
 * exactly what is declared.
 */

export interface FsCapabilities {
  /** `syncDir` makes directory entries (create, rename, remove) durable. */
  readonly directorySync: boolean;
  /** `rename` onto an existing path replaces it atomically. */
  readonly atomicRename: boolean;
  /**
   * What `lock` excludes:
   * - `os`: an OS advisory lock (flock-compatible) that excludes other processes,
   *   including the Rust engine;
   * - `process-file`: a lock file protocol that excludes other processes of ours only;
   * - `in-process`: only other handles in this process (e.g. memfs);
   */
  readonly locks: 'os' | 'process-file' | 'in-process';
  /** Data outlives the process (false for memfs). */
  readonly persistent: boolean;
}

/**
 * - `read`: existing file, read only.
 * - `readwrite`: existing file, read and write.
 * - `create`: read and write, created empty if missing, never truncated.
 * - `create-new`: read and write, must not exist yet (fails with `Io.AlreadyExists`).
 * - `create-truncate`: read and write, created or truncated to 0.
 */
export type OpenMode = 'read' | 'readwrite' | 'create' | 'create-new' | 'create-truncate';

export interface FileHandle {
  /** Reads up to `buf.length` bytes at `position`; returns the count (short only at EOF). */
  readAt(buf: Uint8Array, position: number): number;
  /** Writes all of `buf` at `position`, extending the file (zero-filling any gap). */
  writeAt(buf: Uint8Array, position: number): void;
  length(): number;
  truncate(length: number): void;
  /** fsync: data and metadata of this file are durable when it returns (not its name: see `syncDir`). */
  sync(): void;
  /** Idempotent; any other call afterwards fails with `Io.Closed`. */
  close(): void;
}

export type LockMode = 'exclusive' | 'shared';

export interface LockHandle {
  release(): void;
}

export interface FsOps {
  readonly name: string;
  readonly supports: FsCapabilities;
  open(path: string, mode: OpenMode): FileHandle;
  exists(path: string): boolean;
  /** Removes a file; a missing file is `Io.NotFound`. */
  remove(path: string): void;
  /** Renames, replacing `to` if it exists (atomically when `supports.atomicRename`). */
  rename(from: string, to: string): void;
  /** Copies file contents (not durable until the destination is synced). */
  copy(from: string, to: string): void;
  /** fsync of a directory; a no-op where `supports.directorySync` is false. */
  syncDir(dir: string): void;
  /**
   * Non-blocking advisory lock on `path` (created if missing, never deleted).
   * A conflict throws `Io.WouldBlock` — also against another lock of this same process
   * (exclusive vs anything), as a second flock descriptor would; shared locks coexist.
   */
  lock(path: string, mode: LockMode): LockHandle;
}
