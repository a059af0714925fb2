/**
 * Durable whole-file writes and replacements through `FsOps`, the building blocks of
 * compaction, export and restore. A file's contents are durable after its fsync; its name
 * only after the directory's fsync (the crash simulator models exactly this), so every
 * create/rename here is followed by `syncDir`.
 */

import type { FileHandle, FsOps } from '../fs/types.ts';

const CHUNK = 8 * 1024 * 1024;

/** Directory of a path as given ('.' for a bare name); works for '/' and '\\' separators. */
export function dirOf(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  if (i < 0) return '.';
  return i === 0 ? path.slice(0, 1) : path.slice(0, i);
}

let sequence = 0;

/** `<path>.<purpose>.<pid>.<nanos>` (FORMAT.md §14.3/§14.4 naming), unique within the process. */
export function siblingName(path: string, purpose: 'compact' | 'restore' | 'export'): string {
  const pid = (globalThis as { process?: { pid?: number } }).process?.pid ?? 0;
  const nanos = BigInt(Date.now()) * 1_000_000n + BigInt(sequence++ % 1_000_000);
  return `${path}.${purpose}.${pid}.${nanos}`;
}

/** Writes `bytes` as the whole content of a file created with `create-new`, then fsyncs it. */
export function writeNewFile(fs: FsOps, path: string, parts: Iterable<Uint8Array>): number {
  const h = fs.open(path, 'create-new');
  try {
    return writeAll(h, parts);
  } finally {
    h.close();
  }
}

function writeAll(h: FileHandle, parts: Iterable<Uint8Array>): number {
  let at = 0;
  for (const p of parts) {
    for (let i = 0; i < p.length; i += CHUNK) {
      const chunk = p.subarray(i, Math.min(p.length, i + CHUNK));
      h.writeAt(chunk, at);
      at += chunk.length;
    }
  }
  h.truncate(at);
  h.sync();
  return at;
}

/** Removes a file, ignoring every error (clean-up after a failure already being reported). */
export function removeQuietly(fs: FsOps, path: string): void {
  try {
    if (fs.exists(path)) fs.remove(path);
  } catch {
    /* best effort */
  }
}

/**
 * Moves the durable file `tmp` over `dest`. Where the adapter renames atomically, one
 * rename: at every instant `dest` is the old or the new file. Otherwise the reference's
 * dance (FORMAT.md §14.3 step 3): `dest` → `.bak`, `tmp` → `dest`, and on failure the
 * backup is moved back; a crash between the two renames leaves the old file in `.bak`.
 * The directory is fsynced afterwards; `tmp` is removed on failure.
 */
export function replaceFile(fs: FsOps, tmp: string, dest: string, backup: string): void {
  try {
    if (fs.supports.atomicRename || !fs.exists(dest)) {
      fs.rename(tmp, dest);
    } else {
      removeQuietly(fs, backup);
      fs.rename(dest, backup);
      try {
        fs.rename(tmp, dest);
      } catch (e) {
        try {
          fs.rename(backup, dest);
        } catch {
          /* the old file stays in the backup; the original error is reported */
        }
        throw e;
      }
    }
  } catch (e) {
    removeQuietly(fs, tmp);
    throw e;
  }
  fs.syncDir(dirOf(dest));
  removeQuietly(fs, backup);
}

/** Writes a complete new file at `dest` via a temporary sibling and an atomic replace. */
export function writeFileAtomically(fs: FsOps, dest: string, purpose: 'compact' | 'export' | 'restore', parts: Iterable<Uint8Array>): number {
  const base = siblingName(dest, purpose);
  const tmp = `${base}.tmp`;
  let n: number;
  try {
    n = writeNewFile(fs, tmp, parts);
  } catch (e) {
    removeQuietly(fs, tmp);
    throw e;
  }
  replaceFile(fs, tmp, dest, `${base}.bak`);
  return n;
}

