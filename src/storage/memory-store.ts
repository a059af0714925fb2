/**
 * A `Store` over a growable byte array: in-memory databases and snapshot images.
 */
import type { Store } from './store.ts';
import { ioError } from '../errors.ts';
import { checkOffset, checkRange, closedError, unexpectedEof } from '../fs/errors.ts';

const PATH = '<memory>';
const MIN_CAPACITY = 4096;

export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  private buf: Uint8Array;
  private len: number;
  private closed = false;

  /** Starts as a copy of `initial` (the caller keeps ownership of its array). */
  constructor(initial?: Uint8Array) {
    const n = initial?.length ?? 0;
    this.buf = new Uint8Array(Math.max(MIN_CAPACITY, n));
    if (initial !== undefined) this.buf.set(initial);
    this.len = n;
  }

  private live(syscall: string): void {
    if (this.closed) throw closedError(PATH, syscall);
  }

  length(): number {
    this.live('fstat');
    return this.len;
  }

  readAt(position: number, length: number): Uint8Array {
    this.live('read');
    checkOffset(length, 'length', 'read', PATH);
    checkRange(position, length, 'read', PATH);
    if (position > this.len || length > this.len - position) {
      throw unexpectedEof(PATH, position, length, Math.max(0, this.len - position));
    }
    return this.buf.slice(position, position + length);
  }

  writeAt(position: number, bytes: Uint8Array): void {
    this.live('write');
    checkRange(position, bytes.length, 'write', PATH);
    // Like pwrite(2): writing nothing never extends the store.
    if (bytes.length === 0) return;
    const end = position + bytes.length;
    this.reserve(end);
    // Bytes between the old end and `position` are already zero: the tail past `len` is
    // kept zeroed (see truncate), so a gap needs no explicit fill.
    this.buf.set(bytes, position);
    if (end > this.len) this.len = end;
  }

  truncate(length: number): void {
    this.live('ftruncate');
    checkOffset(length, 'length', 'ftruncate', PATH);
    if (length < this.len) this.buf.fill(0, length, this.len);
    else this.reserve(length);
    this.len = length;
  }

  sync(): void {
    this.live('fsync');
  }

  close(): void {
    this.closed = true;
  }

  /** A copy of the current image (safe to keep after further writes). */
  bytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  /** A zero-copy view of the current image, valid only until the next write or truncate. */
  view(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  private reserve(size: number): void {
    if (size <= this.buf.length) return;
    let capacity = this.buf.length;
    while (capacity < size) capacity = capacity > Number.MAX_SAFE_INTEGER / 2 ? size : capacity * 2;
    let next: Uint8Array;
    try {
      next = new Uint8Array(capacity);
    } catch (e) {
      // Doubling can overshoot what the runtime allows; the exact size may still fit.
      try {
        next = new Uint8Array(size);
      } catch {
        throw ioError('NoSpace', `in-memory store cannot grow to ${size} bytes`, { errno: 'ENOMEM', syscall: 'write', path: PATH, size }, e);
      }
    }
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
}
