/**
 * The seam every layer above storage uses: a byte container with exact reads and
 * whole writes. Two implementations: a file through `FsOps`, and a growable byte array.
 */
export interface Store {
  readonly kind: 'file' | 'memory';
  length(): number;
  /** Exactly `length` bytes at `position`, or `Io.UnexpectedEof`. */
  readAt(position: number, length: number): Uint8Array;
  /** Writes all bytes, zero-filling any gap past the current end. */
  writeAt(position: number, bytes: Uint8Array): void;
  truncate(length: number): void;
  /** Durability barrier (no-op for memory). */
  sync(): void;
  close(): void;
}
