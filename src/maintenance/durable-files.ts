/**
 * Durable whole-file writes and replacements through `FsOps`, the building blocks of
 * compaction, export and restore. A file's contents are durable after its fsync; its name
 * only after the directory's fsync (the crash simulator models exactly this), so every
 * create/rename here is followed by `syncDir`.
 */

import { ModelVaultError } from '../errors.ts';
import type { FileHandle, FsOps } from '../fs/types.ts';

const CHUNK = 8 * 1024 * 1024;

/** Directory of a path as given ('.' for a bare name); works for '/' and '\\' separators. */
export function dirOf(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  if (i < 0) return '.';
  return i === 0 ? path.slice(0, 1) : path.slice(0, i);
}

/**
 * The clock behind temporary names (nanoseconds since the epoch). Replaceable so crash
 * tests, which replay an operation call by call, see the same names on every run.
 */
export const tempClock = { now: (): bigint => BigInt(Date.now()) * 1_000_000n };

const MAX_NAME_ATTEMPTS = 64;

/** `<path>.<purpose>.<pid>.<nanos>` (FORMAT.md §14.3/§14.4 naming). */
export function siblingName(path: string, purpose: 'compact' | 'restore' | 'export', nanos = tempClock.now()): string {
  const pid = (globalThis as { process?: { pid?: number } }).process?.pid ?? 0;
  return `${path}.${purpose}.${pid}.${nanos}`;
}

/**
 * Creates `<sibling>.tmp` with `create-new` (a name already taken moves the timestamp on),
 * writes `parts`, truncates, fsyncs and closes it. Returns the sibling base name (the
 * caller derives `.tmp` and `.bak` from it) and the byte count. On failure the temporary
 * file is removed and the error rethrown.
 */
export function writeTempSibling(
  fs: FsOps,
  path: string,
  purpose: 'compact' | 'restore' | 'export',
  parts: Iterable<Uint8Array>,
): { base: string; bytes: number } {
  let nanos = tempClock.now();
  for (let attempt = 0; ; attempt++) {
    const base = siblingName(path, purpose, nanos);
    let h: FileHandle;
    try {
      h = fs.open(`${base}.tmp`, 'create-new');
    } catch (e) {
      if (e instanceof ModelVaultError && e.code === 'Io.AlreadyExists' && attempt < MAX_NAME_ATTEMPTS) {
        nanos += 1n;
        continue;
      }
      throw e;
    }
    try {
      try {
        return { base, bytes: writeAll(h, parts) };
      } finally {
        h.close();
      }
    } catch (e) {
      removeQuietly(fs, `${base}.tmp`);
      throw e;
    }
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
  syncRenamed(fs, dirOf(dest));
  removeQuietly(fs, backup);
}

/**
 * The directory fsync that makes a completed rename durable, retried once: until it
 * succeeds, a crash may bring back the old file, and writes made to the new one would be
 * lost. A second failure is reported with `details.renamed = true`, telling the caller that
 * the path already names the new file.
 */
function syncRenamed(fs: FsOps, dir: string): void {
  try {
    fs.syncDir(dir);
  } catch {
    try {
      fs.syncDir(dir);
    } catch (e) {
      const cause = e instanceof ModelVaultError ? e : null;
      throw new ModelVaultError(
        cause?.code ?? 'Io.Other',
        `replaced the file but could not make the rename durable (directory fsync of ${dir} failed)`,
        { ...(cause?.details ?? {}), renamed: true, dir },
        { cause: e },
      );
    }
  }
}

/** Whether `e` reports a replacement whose rename happened but is not known to be durable. */
export function renamedButNotDurable(e: unknown): boolean {
  return e instanceof ModelVaultError && e.details.renamed === true;
}

/** Writes a complete new file at `dest` via a temporary sibling and an atomic replace. */
export function writeFileAtomically(
  fs: FsOps,
  dest: string,
  purpose: 'compact' | 'export' | 'restore',
  parts: Iterable<Uint8Array>,
): number {
  const { base, bytes } = writeTempSibling(fs, dest, purpose, parts);
  replaceFile(fs, `${base}.tmp`, dest, `${base}.bak`);
  return bytes;
}
