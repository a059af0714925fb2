/**
 * Snapshot export and restore (FORMAT.md §14.4, BEHAVIOR.md §7.9), safer than the
 * reference in two ways: the export lands at `dest` through a temporary sibling and an
 * atomic replace (never a half-written `dest`), and a restore validates the snapshot — a
 * strict open of its bytes — before anything at `dest` is replaced, and takes the writer
 * lock of `dest` so it cannot pull the file from under a writer.
 */
import { analyzeImage } from '../engine/open.ts';
import { usageError } from '../errors.ts';
import type { FsOps } from '../fs/types.ts';
import type { Store } from '../storage/store.ts';
import { writeFileAtomically } from './durable-files.ts';

const CHUNK = 8 * 1024 * 1024;

/** The store's bytes in chunks, read lazily (a consistent copy while the caller holds the lock). */
export function* storeChunks(store: Store): Generator<Uint8Array> {
  const n = store.length();
  for (let at = 0; at < n; at += CHUNK) yield store.readAt(at, Math.min(CHUNK, n - at));
}

/** Copies a store (already checkpointed by the caller) to `dest`, durably. */
export function exportStore(fs: FsOps, store: Store, dest: string): number {
  return writeFileAtomically(fs, dest, 'export', storeChunks(store));
}

/** The whole file at `path`, read without a lock. */
export function readWholeFile(fs: FsOps, path: string): Uint8Array {
  const h = fs.open(path, 'read');
  try {
    const n = h.length();
    const out = new Uint8Array(n);
    let at = 0;
    while (at < n) {
      const got = h.readAt(out.subarray(at, Math.min(n, at + CHUNK)), at);
      if (got === 0) break;
      at += got;
    }
    return at === n ? out : out.subarray(0, at);
  } finally {
    h.close();
  }
}

/**
 * Throws the typed error a strict open of `image` would raise; an empty image or a
 * header-only minor-2 file (which an open would initialise or upgrade) is refused as not a
 * database. Returns the row count, for reporting.
 */
export function validateSnapshot(image: Uint8Array, path: string): number {
  if (image.length === 0) {
    throw usageError('InvalidSnapshot', `snapshot ${path} is empty, not a database`, { path });
  }
  const state = analyzeImage(image, 'strict').state;
  let rows = 0;
  for (const c of state.catalog.list()) rows += state.rows.count(c.id);
  return rows;
}

export interface RestoreResult {
  bytes: number;
  rows: number;
}

/**
 * Replaces `dest` with the database in `snapshot`: validate, take `dest`'s writer lock
 * (refused with `Io.WouldBlock` while any handle — here or in another process — has
 * `dest` open), write a temporary sibling, fsync, atomic replace, fsync the directory.
 */
export function restoreSnapshotFile(fs: FsOps, snapshot: string, dest: string): RestoreResult {
  const image = readWholeFile(fs, snapshot);
  const rows = validateSnapshot(image, snapshot);
  const lock = fs.lock(`${dest}.writer.lock`, 'exclusive');
  try {
    const bytes = writeFileAtomically(fs, dest, 'restore', [image]);
    return { bytes, rows };
  } finally {
    lock.release();
  }
}
