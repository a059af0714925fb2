/**
 * A `Store` over one file opened through an `FsOps` adapter.
 */
import type { Store } from './store.ts';
import type { FileHandle, FsOps, OpenMode } from '../fs/types.ts';
import { checkOffset, checkRange, closedError, unexpectedEof } from '../fs/errors.ts';

/** Reads above this size are checked against the file length before allocating. */
const LARGE_READ = 1 << 20;

export class FileStore implements Store {
  readonly kind = 'file' as const;
  private handle: FileHandle | undefined;

  private constructor(
    handle: FileHandle,
    readonly path: string,
  ) {
    this.handle = handle;
  }

  static open(fs: FsOps, path: string, mode: OpenMode): FileStore {
    return new FileStore(fs.open(path, mode), path);
  }

  private live(syscall: string): FileHandle {
    if (this.handle === undefined) throw closedError(this.path, syscall);
    return this.handle;
  }

  length(): number {
    return this.live('fstat').length();
  }

  readAt(position: number, length: number): Uint8Array {
    const handle = this.live('read');
    checkOffset(length, 'length', 'read', this.path);
    checkRange(position, length, 'read', this.path);
    // A large request is checked against the file size before allocating, so a corrupt
    // length field cannot become a huge buffer; small reads skip the extra fstat.
    if (length > LARGE_READ) {
      const size = handle.length();
      if (position > size || length > size - position) {
        throw unexpectedEof(this.path, position, length, Math.max(0, size - position));
      }
    }
    const buf = new Uint8Array(length);
    const got = handle.readAt(buf, position);
    if (got !== length) throw unexpectedEof(this.path, position, length, got);
    return buf;
  }

  writeAt(position: number, bytes: Uint8Array): void {
    this.live('write').writeAt(bytes, position);
  }

  truncate(length: number): void {
    this.live('ftruncate').truncate(length);
  }

  sync(): void {
    this.live('fsync').sync();
  }

  /** Idempotent; every later call fails with `Io.Closed`. */
  close(): void {
    const handle = this.handle;
    if (handle === undefined) return;
    this.handle = undefined;
    handle.close();
  }
}
