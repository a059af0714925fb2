/**
 * The maintenance operations as `Database` methods see them: guards (open, writable, no
 * transaction, file-backed where needed), the header raise, events, and swapping the file
 * under the handle after an in-place compaction. The byte work lives in the modules this
 * file calls.
 */
import { formatError, txnError, usageError } from '../errors.ts';
import { SEGMENT_START, SegmentType } from '../format/constants.ts';
import { scanStrict } from '../format/segment.ts';
import type { Database } from '../engine/database.ts';
import { defaultFs } from '../fs/default.ts';
import type { FsOps } from '../fs/types.ts';
import { FileStore } from '../storage/file-store.ts';
import { appendCheckpoint, raiseMinorTo6 } from './checkpoint.ts';
import type { CheckpointResult } from './checkpoint.ts';
import { compactLiveFile, compactToPath } from './compact.ts';
import type { EventListener } from './events.ts';
import { traced } from './events.ts';
import { exportStore, readWholeFile, restoreSnapshotFile, storeChunks, validateSnapshot } from './snapshot.ts';
import { analyzeImage } from '../engine/open.ts';
import { handlesOf, writerOf } from '../engine/shared-handles.ts';
import type { RestoreResult } from './snapshot.ts';
import { renamedButNotDurable, writeFileAtomically } from './durable-files.ts';

export interface MaintenanceOptions {
  onEvent?: EventListener;
}

export interface CompactResult {
  bytesBefore: number;
  bytesAfter: number;
}

/**
 * The handle, or the writer its view shares state with, is inside a transaction (the writer
 * applies staged writes in place and undoes them on rollback; a view then reads a committed
 * snapshot, but maintenance through it waits for the transaction all the same).
 */
function assertNoOpenTransaction(db: Database, what: string): void {
  const writer = db.fs === null ? undefined : writerOf<Database>(db.fs, db.path);
  if (db.inTransaction || (writer !== undefined && writer.inTransaction)) {
    throw txnError('NestedTransaction', `${what} is not allowed inside a transaction`);
  }
}

function assertWritable(db: Database, what: string): void {
  db.assertOpen();
  if (db.readOnly) throw usageError('ReadOnly', `${what} needs a read-write handle: ${db.path}`, { path: db.path });
  if (db.inTransaction) {
    throw txnError('NestedTransaction', `${what} is not allowed inside a transaction`);
  }
}

function fileFs(db: Database, what: string): FsOps {
  if (db.store.kind !== 'file' || db.fs === null) {
    throw usageError('NotSupported', `${what} is only supported for file-backed databases`, { path: db.path });
  }
  return db.fs;
}

/**
 * A minor ≤ 5 file with unframed data segments: raising its header to 6 would make the
 * reference refuse it, so, like the write path, checkpoint refuses (compactTo converts).
 */
function hasLegacyData(db: Database): boolean {
  if (db.formatMinor >= 6) return false;
  return scanStrict(db.store, SEGMENT_START).some(
    (s) => s.type === SegmentType.Schema || s.type === SegmentType.Record || s.type === SegmentType.Index,
  );
}

export function checkpointDb(db: Database, options: MaintenanceOptions = {}): CheckpointResult {
  assertWritable(db, 'checkpoint');
  if (hasLegacyData(db)) {
    throw formatError(
      'LegacyFileReadOnly',
      `format 0.${db.formatMinor} file with unframed data segments cannot be checkpointed (raising it to 0.6 would make ` +
        'it unreadable); convert it with compactTo(dest) into a new format 0.6 file',
      { minor: db.formatMinor, path: db.path },
    );
  }
  return traced(
    'checkpoint',
    db.path,
    options.onEvent,
    () => {
      db.formatMinor = raiseMinorTo6(db.store, db.formatMinor);
      return appendCheckpoint(db.store, db.state);
    },
    (r) => ({ ...r }),
  );
}

export function compactToDb(db: Database, dest: string, options: MaintenanceOptions = {}): CompactResult {
  db.assertOpen();
  assertNoOpenTransaction(db, 'compactTo');
  const fs = db.fs ?? defaultFs();
  return traced(
    'compact',
    db.path,
    options.onEvent,
    () => {
      const bytesBefore = db.store.length();
      return { bytesBefore, bytesAfter: compactToPath(fs, db.state, db.path, dest) };
    },
    (r) => ({ ...r, dest }),
  );
}

/**
 * Keeps the handle's writer lock throughout (it locks the sidecar, not the file, so the
 * rename does not disturb it); afterwards the handle reads and appends to the new file.
 * The in-memory state stays as it is: the image was verified to reproduce it.
 */
export function compactInPlaceDb(db: Database, options: MaintenanceOptions = {}): CompactResult {
  assertWritable(db, 'compactInPlace');
  const fs = fileFs(db, 'compactInPlace');
  return traced(
    'compact',
    db.path,
    options.onEvent,
    () => {
      const bytesBefore = db.store.length();
      let image: Uint8Array;
      try {
        image = compactLiveFile(fs, db.state, db.path);
      } catch (e) {
        // The path names the new file but a crash could bring the old one back: writes
        // through this handle could be lost, so every handle of the file is closed.
        if (renamedButNotDurable(e)) for (const h of handlesOf<Database>(fs, db.path)) h.close();
        throw e;
      }
      // The old descriptor now names the unlinked previous file.
      const next = FileStore.open(fs, db.path, 'readwrite');
      db.adoptStore(next);
      db.formatMinor = 6;
      // Same-process views share the state; they only need the new file for their reads.
      for (const h of handlesOf<Database>(fs, db.path)) if (h !== db) h.adoptStore(FileStore.open(fs, db.path, 'read'));
      return { bytesBefore, bytesAfter: image.length };
    },
    (r) => ({ ...r, inPlace: true }),
  );
}

export function exportSnapshotDb(db: Database, dest: string, options: MaintenanceOptions & { fs?: FsOps } = {}): number {
  db.assertOpen();
  assertNoOpenTransaction(db, 'exportSnapshotTo');
  return traced(
    'export',
    db.path,
    options.onEvent,
    () => {
      if (db.store.kind === 'file') {
        const fs = fileFs(db, 'exportSnapshotTo');
        if (!db.readOnly && !hasLegacyData(db)) checkpointDb(db, { onEvent: options.onEvent });
        return exportStore(fs, db.store, dest);
      }
      return writeFileAtomically(options.fs ?? defaultFs(), dest, 'export', storeChunks(db.store));
    },
    (bytes) => ({ bytes, dest }),
  );
}

export function restoreSnapshot(
  snapshot: string,
  dest: string,
  options: MaintenanceOptions & { fs?: FsOps } = {},
): RestoreResult {
  const fs = options.fs ?? defaultFs();
  return traced(
    'restore',
    dest,
    options.onEvent,
    () => {
      const writer = writerOf<Database>(fs, dest);
      return writer === undefined ? restoreSnapshotFile(fs, snapshot, dest) : restoreUnderWriter(fs, writer, snapshot);
    },
    (r) => ({ ...r, snapshot }),
  );
}

/**
 * Restore onto a file this process has open for writing: under the writer's lock (which the
 * group already holds), then every handle of the file — writer and views — is moved to the
 * new file and the shared state replaced by the snapshot's.
 */
function restoreUnderWriter(fs: FsOps, writer: Database, snapshot: string): RestoreResult {
  assertWritable(writer, 'restoreSnapshotTo');
  const image = readWholeFile(fs, snapshot);
  if (image.length === 0) validateSnapshot(image, snapshot);
  const analysis = analyzeImage(image, 'strict');
  let bytes: number;
  try {
    bytes = writeFileAtomically(fs, writer.path, 'restore', [image]);
  } catch (e) {
    if (renamedButNotDurable(e)) for (const h of handlesOf<Database>(fs, writer.path)) h.close();
    throw e;
  }
  Object.assign(writer.state, analysis.state);
  writer.formatMinor = analysis.header.minor;
  writer.resetWriter();
  for (const h of handlesOf<Database>(fs, writer.path)) {
    h.adoptStore(FileStore.open(fs, writer.path, h === writer ? 'readwrite' : 'read'));
  }
  let rows = 0;
  for (const c of analysis.state.catalog.list()) rows += analysis.state.rows.count(c.id);
  return { bytes, rows };
}
