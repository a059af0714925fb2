/**
 * Compaction (FORMAT.md §14.2/§14.3, BEHAVIOR.md §7.6), with a smaller image than the
 * reference's: a fresh minor-6 database whose whole state is one Checkpoint segment
 * (catalog flattened to the current schema, live rows, index state) published by the
 * superblock — no commit group per row, no history. The reference reads it like any
 * checkpointed file.
 *
 * Before anything is written where a database lives, the image is opened in strict mode
 * and its row counts compared with the live state, so a compaction that would lose or
 * garble data fails with the original file untouched.
 */
import { ModelVaultError, usageError } from '../errors.ts';
import { initializeImage } from '../engine/create.ts';
import { analyzeImage } from '../engine/open.ts';
import type { EngineState } from '../engine/open.ts';
import type { FsOps } from '../fs/types.ts';
import { MemoryStore } from '../storage/memory-store.ts';
import { appendCheckpoint } from './checkpoint.ts';
import { writeFileAtomically } from './durable-files.ts';

/** The compacted image of `state` (throws on states the format cannot hold, e.g. no PK). */
export function buildCompactedImage(state: EngineState): Uint8Array {
  for (const c of state.catalog.list()) {
    for (const ix of state.indexes.of(c.id)) {
      if (ix.conflicts > 0) {
        // A fresh insert of these rows would fail; the reference aborts the process here.
        throw new ModelVaultError(
          'Validation.UniqueConflict',
          `cannot compact: unique index ${JSON.stringify(ix.def.name)} on ${JSON.stringify(c.name)} holds ${ix.conflicts} conflicting key(s)`,
          { collection: c.name, index: ix.def.name, conflicts: ix.conflicts },
        );
      }
    }
  }
  const mem = new MemoryStore();
  initializeImage(mem, 6);
  appendCheckpoint(mem, state);
  const image = mem.bytes();
  verifyImage(image, state);
  return image;
}

/** Opens the image strictly and compares per-collection row counts with `state`. */
export function verifyImage(image: Uint8Array, state: EngineState): void {
  const opened = analyzeImage(image, 'strict').state;
  for (const c of state.catalog.list()) {
    const want = state.rows.count(c.id);
    const got = opened.rows.count(c.id);
    if (opened.catalog.get(c.id)?.name !== c.name || got !== want) {
      throw new ModelVaultError(
        'Format.CompactionMismatch',
        `compacted image does not reproduce collection ${JSON.stringify(c.name)} (${got} of ${want} rows)`,
        { collection: c.name, expected: want, got },
      );
    }
  }
}

/**
 * Writes the compacted image to `dest` (created or replaced) through a temporary sibling,
 * so `dest` is never a half-written file; fsyncs the file and its directory.
 */
export function compactToPath(fs: FsOps, state: EngineState, livePath: string, dest: string): number {
  if (dest === livePath) {
    throw usageError('InvalidArgument', 'compactTo: destination is the live database path (use compactInPlace)', {
      name: 'dest',
      value: dest,
    });
  }
  return writeFileAtomically(fs, dest, 'compact', [buildCompactedImage(state)]);
}

/**
 * §14.3 steps 1–4: the image beside the live file, fsynced, then moved over it and the
 * directory fsynced. The caller holds the writer lock throughout and reopens afterwards.
 */
export function compactLiveFile(fs: FsOps, state: EngineState, livePath: string): Uint8Array {
  const image = buildCompactedImage(state);
  writeFileAtomically(fs, livePath, 'compact', [image]);
  return image;
}
