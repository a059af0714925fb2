/**
 * Initialising a database image (FORMAT.md §3.6): header, zero-filled superblock area,
 * slot A generation 1 and slot B generation 0, then one publish. The result for minor 6 is
 * the 8274-byte image of §18.1. The same steps (with minor 3) upgrade a header-only minor-2
 * file (§13.2 step 4).
 */
import { HEADER_SIZE, SEGMENT_START, SUPERBLOCK_A_OFFSET, SUPERBLOCK_B_OFFSET } from '../format/constants.ts';
import { encodeHeader } from '../format/header.ts';
import { encodeSuperblock } from '../format/superblock.ts';
import { MemoryStore } from '../storage/memory-store.ts';
import type { Store } from '../storage/store.ts';
import { publish } from './publish.ts';

const emptySuperblock = (generation: bigint) =>
  encodeSuperblock({
    generation,
    manifestOffset: 0n,
    manifestLen: 0,
    checksumKind: 0,
    checkpointOffset: 0n,
    checkpointLen: 0,
  });

export function initializeImage(store: Store, minor: number): void {
  store.writeAt(0, encodeHeader({ major: 0, minor, headerSize: HEADER_SIZE, flags: 0n }));
  store.writeAt(SEGMENT_START - 1, new Uint8Array(1));
  store.writeAt(SUPERBLOCK_A_OFFSET, emptySuperblock(1n));
  store.writeAt(SUPERBLOCK_B_OFFSET, emptySuperblock(0n));
  publish(store);
}

let newImage: Uint8Array | undefined;

/** The 8274-byte image of a new database (§18.1), built once by the §3.6 steps. */
export function newDatabaseImage(): Uint8Array {
  if (newImage === undefined) {
    const store = new MemoryStore();
    initializeImage(store, 6);
    newImage = store.readAt(0, store.length());
  }
  return newImage;
}

/**
 * A file that is empty or holds only part of a new database's image: every byte equals the
 * new image's byte at that offset or is zero, and it is no longer than that image. Such a
 * file is what a crash during creation leaves behind (the 8274 bytes are one write, of
 * which any sector subset may have reached the disk). It holds no data — the only segment
 * a complete one has is the creation Manifest — so creating it afresh loses nothing.
 * A complete, exact image is NOT incomplete (it opens normally).
 */
export function isIncompleteCreation(bytes: Uint8Array): boolean {
  const image = newDatabaseImage();
  if (bytes.length > image.length) return false;
  let exact = bytes.length === image.length;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === image[i]) continue;
    if (b !== 0) return false;
    exact = false;
  }
  return !exact;
}

/**
 * Creates a new database in `store` with one write and one fsync, replacing an incomplete
 * creation (see `isIncompleteCreation`). The image is written as a whole so a crash leaves
 * either nothing usable (re-created by the next open) or the complete image — never a
 * header without superblocks. The caller makes the file's directory entry durable.
 */
export function writeNewDatabase(store: Store): void {
  const image = newDatabaseImage();
  if (store.length() > image.length) store.truncate(image.length);
  store.writeAt(0, image);
  store.sync();
}

/** The directory part of a `/`- or `\`-separated path ('.' when there is none). */
export function parentDirectory(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  if (cut < 0) return '.';
  if (cut === 0) return path.slice(0, 1);
  return path.slice(0, cut);
}
