/**
 * The `Database` handle: opening (locks, new-file creation, recovery, healing) and the read
 * API over the in-memory state (catalog, rows, derived indexes).
 *
 * Opening is computed first, entirely in memory (open.ts); only when the whole load has
 * succeeded does a read-write auto-truncate open cut the torn tail and heal the file by
 * publishing a fresh Manifest + superblock, so a failed open never modifies the file and a
 * healed file opens afterwards in strict and read-only mode too.
 */
import { ioError, ModelVaultError, usageError } from '../errors.ts';
import { canonicalKey, compareBytes, compareStringsUtf8 } from '../format/canonical-key.ts';
import { HEADER_SIZE } from '../format/constants.ts';
import { decodeHeader } from '../format/header.ts';
import { defaultFs } from '../fs/default.ts';
import type { FsOps, LockHandle } from '../fs/types.ts';
import type { CollectionDef, ScalarType } from '../schema/types.ts';
import type { Row, ScalarValue } from '../schema/values.ts';
import { uuidFromText } from '../schema/tagged-json.ts';
import { FileStore } from '../storage/file-store.ts';
import { MemoryStore } from '../storage/memory-store.ts';
import type { Store } from '../storage/store.ts';
import type { CollectionState } from './catalog.ts';
import { Catalog } from './catalog.ts';
import { IndexState } from './index-state.ts';
import { initializeImage, isIncompleteCreation, newDatabaseImage, parentDirectory, writeNewDatabase } from './create.ts';
import type { FieldDef, IndexDef } from '../schema/types.ts';
import type { MigrationPlan } from '../schema/evolution.ts';
import type { RowInput } from '../schema/validate.ts';
import { Writer } from './writer.ts';
import type { RegisteredCollection, SchemaVersionWriteOptions } from './writer.ts';
import { claimWriter, refuseReaderOfOwnWriter } from './writer-registry.ts';
import { handlesOf, viewLock, writerLock, writerOf } from './shared-handles.ts';
import { analyzeStore } from './open.ts';
import type { CheckpointUse, EngineState, ImageAnalysis, RecoveryMode } from './open.ts';
import { publish } from './publish.ts';
import type { TruncateReason } from './recovery.ts';
import type { StoredRow } from './row-store.ts';
import { keyString, RowStore } from './row-store.ts';
import { checkpointDb, compactInPlaceDb, compactToDb, exportSnapshotDb, restoreSnapshot } from '../maintenance/database-ops.ts';
import type { CompactResult, MaintenanceOptions } from '../maintenance/database-ops.ts';
import type { CheckpointResult } from '../maintenance/checkpoint.ts';
import type { RestoreResult } from '../maintenance/snapshot.ts';
import { traceOpen } from '../maintenance/events.ts';
import type { EventListener } from '../maintenance/events.ts';
import type { Query } from '../query/ast.ts';
import type { QueryContext } from '../query/executor.ts';
import { countQuery, iterateQuery, prepareQuery, runQuery } from '../query/executor.ts';
import { explainPrepared } from '../query/explain.ts';
import type { SqlResult } from '../query/sql/execute.ts';
import { executeSql, explainSql } from '../query/sql/execute.ts';
import { isModel } from '../model/model.ts';
import type { AnyModel } from '../model/model.ts';
import { openCollection } from '../model/collection.ts';
import type { ModelCollection } from '../model/collection.ts';
import { migrate as migrateModel } from '../model/migrate.ts';
import type { MigrateOptions, MigrationReport } from '../model/migrate.ts';

export type { RecoveryMode } from './open.ts';

export interface OpenOptions {
  /** Filesystem adapter; defaults to the runtime's (`defaultFs()`). */
  fs?: FsOps;
  /** Default: `auto-truncate` for read-write opens, `strict` for read-only opens. */
  recovery?: RecoveryMode;
  /**
   * Never writes (not even the lock file's content). With `recovery: 'auto-truncate'` the
   * handle shows what recovery would keep, without touching the file.
   */
  readOnly?: boolean;
  /** Receives `open` (and, when the tail was cut or healed, `recovery`) events; see src/maintenance/events.ts. */
  onEvent?: EventListener;
}

/** What the open did about the end of the log and the checkpoint. */
export interface RecoveryInfo {
  /** Bytes cut from the end of the file (for a read-only auto-truncate open: bytes that would be cut). */
  truncatedBytes: number;
  reason: TruncateReason | null;
  /** End of the kept log (= file length when nothing was cut). */
  safeEnd: number;
  /** A Manifest + superblock was published after the cut (or over an invalid manifest pointer). */
  healed: boolean;
  checkpoint: CheckpointUse;
  /** The selected superblock's manifest pointer was valid (or unset). */
  manifestValid: boolean;
}

export interface IndexEntryView {
  key: ScalarValue;
  keyType: ScalarType;
  keyBytes: Uint8Array;
  /** Primary keys in ascending canonical-key byte order. */
  pks: ScalarValue[];
}

const CHUNK = 16 * 1024 * 1024;

/** The whole store in one buffer, read in large chunks. */
export function readImage(store: Store): Uint8Array {
  const L = store.length();
  if (L <= CHUNK) return L === 0 ? new Uint8Array(0) : store.readAt(0, L);
  const out = new Uint8Array(L);
  for (let at = 0; at < L; at += CHUNK) out.set(store.readAt(at, Math.min(CHUNK, L - at)), at);
  return out;
}

interface OpenedParts {
  analysis: ImageAnalysis;
  recoveryInfo: RecoveryInfo;
}

/**
 * §13.2 over a store: creation/upgrade, analysis, then (read-write auto only) cut + heal.
 * `created` is set for files: then a file left incomplete by a crash during creation is
 * created afresh (see `isIncompleteCreation`) and `created` makes its name durable.
 */
function openStore(store: Store, recovery: RecoveryMode, readOnly: boolean, created?: () => void): OpenedParts {
  const L = store.length();
  if (L === 0 || (created !== undefined && L <= newDatabaseImage().length && isIncompleteCreation(readImage(store)))) {
    if (readOnly) throw ioError('ReadOnly', 'cannot initialise an empty database file in read-only mode');
    if (created === undefined) initializeImage(store, 6);
    else {
      writeNewDatabase(store);
      created();
    }
  }
  if (store.length() === HEADER_SIZE && decodeHeader(store.readAt(0, HEADER_SIZE)).minor === 2) {
    if (readOnly) throw ioError('ReadOnly', 'cannot upgrade a format 0.2 file in read-only mode');
    initializeImage(store, 3);
  }
  const imageLength = store.length();
  // A checkpointed file is opened from its checkpoint without reading the log before it.
  const analysis = analyzeStore(store, recovery);
  const { safeEnd, reason } = analysis.prefix;
  let healed = false;
  if (!readOnly && recovery === 'auto-truncate' && (safeEnd < imageLength || analysis.manifestError !== null)) {
    if (safeEnd < imageLength) {
      store.truncate(safeEnd);
      store.sync();
    }
    // A checkpoint that failed to load is dropped from the superblock, so strict opens of
    // the healed file no longer trip over it; a valid one is carried forward.
    publish(store, analysis.checkpointPointer ?? { offset: 0, len: 0 });
    healed = true;
  }
  return {
    analysis,
    recoveryInfo: {
      truncatedBytes: imageLength - safeEnd,
      reason,
      safeEnd,
      healed,
      checkpoint: analysis.checkpoint,
      manifestValid: analysis.manifestError === null,
    },
  };
}

export class Database {
  readonly path: string;
  readonly readOnly: boolean;
  readonly recoveryInfo: RecoveryInfo;
  /** The file's format minor as opened (the write path raises it lazily, §13.4). */
  formatMinor: number;
  /** This handle's own state (a view's is the one it was opened with; it reads its writer's). */
  private ownState: EngineState;
  /** A view: the writer whose committed state it reads (src/engine/shared-handles.ts). */
  private viewOf: Database | null = null;
  /** @internal */
  readonly store: Store;
  private lock: LockHandle | null;
  private closed = false;
  /** @internal The adapter of a file-backed handle (null in memory). */
  fs: FsOps | null = null;
  private releaseWriterSlot: (() => void) | null;
  private writerImpl: Writer | null = null;

  private constructor(
    path: string,
    store: Store,
    lock: LockHandle | null,
    readOnly: boolean,
    parts: OpenedParts,
    releaseWriterSlot: (() => void) | null = null,
  ) {
    this.releaseWriterSlot = releaseWriterSlot;
    this.path = path;
    this.store = store;
    this.lock = lock;
    this.readOnly = readOnly;
    this.recoveryInfo = parts.recoveryInfo;
    this.formatMinor = parts.analysis.header.minor;
    this.ownState = parts.analysis.state;
  }

  /**
   * @internal The in-memory state. The write path applies staged writes to it in place; a
   * view reads its writer's last committed state instead (Writer.committedState).
   */
  get state(): EngineState {
    const w = this.viewOf;
    if (w === null) return this.ownState;
    return w.writerImpl?.committedState() ?? w.ownState;
  }

  /**
   * Opens (or, read-write, creates) a database file. Read-write takes the exclusive lock on
   * `path + '.writer.lock'`, read-only the shared one (FORMAT.md §14.6).
   */
  static open(path: string, options: OpenOptions = {}): Database {
    return traceOpen(path, options.onEvent, () => Database.openFile(path, options));
  }

  private static openFile(path: string, options: OpenOptions): Database {
    const fs = options.fs ?? defaultFs();
    const readOnly = options.readOnly ?? false;
    const recovery = options.recovery ?? (readOnly ? 'strict' : 'auto-truncate');
    // One writer handle per file per process. A writer takes the OS lock before opening
    // (creating) the file, so a refused writer never creates or touches the database file;
    // a reader opens first (the file must exist) so a missing file creates no lock file.
    let releaseSlot: (() => void) | null = null;
    if (readOnly) {
      // A read-only open of a file this process writes shares the writer's state.
      const writer = writerOf<Database>(fs, path);
      if (writer !== undefined) return writer.openView();
      refuseReaderOfOwnWriter(fs, path);
    } else releaseSlot = claimWriter(fs, path);
    let setWriter: ((h: Database) => Database[]) | null = null;
    let lock: LockHandle | null = null;
    let store: FileStore | null = null;
    try {
      if (readOnly) store = FileStore.open(fs, path, 'read');
      if (readOnly) lock = fs.lock(`${path}.writer.lock`, 'shared');
      else {
        const w = writerLock(fs, path, () => fs.lock(`${path}.writer.lock`, 'exclusive'));
        lock = w.lock;
        setWriter = w.setWriter;
      }
      const s = store ?? FileStore.open(fs, path, 'create');
      store = s;
      const parts = openStore(s, recovery, readOnly, () => fs.syncDir(parentDirectory(path)));
      const db = new Database(path, s, lock, readOnly, parts, releaseSlot);
      db.fs = fs;
      if (setWriter !== null) for (const view of setWriter(db)) view.shareStateOf(db);
      return db;
    } catch (e) {
      try {
        store?.close();
      } finally {
        lock?.release();
        releaseSlot?.();
      }
      throw e;
    }
  }

  /** A new, empty in-memory database (the 8274-byte image of FORMAT.md §18.1). */
  static openInMemory(): Database {
    return Database.openImage(new Uint8Array(0));
  }

  /** Opens an image held in memory (a copy is taken); like the reference: auto-truncate, writable. */
  static fromSnapshotBytes(bytes: Uint8Array): Database {
    return Database.openImage(bytes, { recovery: 'auto-truncate', readOnly: false });
  }

  /** An in-memory handle over a copy of `bytes` with explicit options (no locks, no files). */
  static openImage(bytes: Uint8Array, options: { recovery?: RecoveryMode; readOnly?: boolean } = {}): Database {
    const readOnly = options.readOnly ?? false;
    const recovery = options.recovery ?? (readOnly ? 'strict' : 'auto-truncate');
    const store = new MemoryStore(bytes);
    return new Database(':memory:', store, null, readOnly, openStore(store, recovery, readOnly));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Throws `Usage.Closed` once the handle is closed. */
  assertOpen(): void {
    if (this.closed) throw usageError('Closed', `database is closed: ${this.path}`, { path: this.path });
  }

  /** Idempotent: discards an open transaction (nothing is written), releases the store and the lock. */
  close(): void {
    if (this.closed) return;
    this.writerImpl?.discard();
    this.writerImpl = null;
    this.closed = true;
    // A closed handle holds no rows: views of this writer keep the committed state they
    // read (until a new writer of the file re-points them), and this handle drops its own,
    // so closing releases the memory even while the caller keeps the handle object.
    if (this.fs !== null && this.viewOf === null) {
      for (const h of handlesOf<Database>(this.fs, this.path)) {
        if (h !== this && h.viewOf === this) {
          h.ownState = this.ownState;
          h.viewOf = null;
        }
      }
    }
    this.ownState = { catalog: new Catalog(), rows: new RowStore(), indexes: new IndexState() };
    try {
      this.store.close();
    } finally {
      this.lock?.release();
      this.lock = null;
      this.releaseWriterSlot?.();
      this.releaseWriterSlot = null;
    }
  }

  // ---- writes (src/engine/writer.ts) ----------------------------------------------------

  private get writer(): Writer {
    this.assertOpen();
    return (this.writerImpl ??= new Writer(this));
  }

  /** Registers a collection (schema version 1). Names are trimmed; everything is validated before writing. */
  registerCollection(
    name: string,
    fields: readonly FieldDef[],
    primaryField: string,
    indexes: readonly IndexDef[] = [],
  ): RegisteredCollection {
    return this.writer.registerCollection(name, fields, primaryField, indexes);
  }

  /**
   * Replaces the field and index lists with a new schema version; returns its number.
   * Needs-migration changes → `Schema.MigrationRequired`, breaking → `Schema.IncompatibleSchemaChange`
   * (unless `force`).
   */
  registerSchemaVersion(
    collection: string | number,
    fields: readonly FieldDef[],
    indexes: readonly IndexDef[] = [],
    options: SchemaVersionWriteOptions = {},
  ): number {
    return this.writer.registerSchemaVersion(collection, fields, indexes, options);
  }

  /** How a schema change would be classified, and the migration steps it needs (writes nothing). */
  planSchemaVersion(collection: string | number, fields: readonly FieldDef[], indexes: readonly IndexDef[] = []): MigrationPlan {
    return this.writer.planSchemaVersion(collection, fields, indexes);
  }

  /** Inserts, or replaces the row with the same primary key (last write wins). */
  insert(collection: string | number, row: RowInput): void {
    this.writer.insert(collection, row);
  }

  /** Deletes by primary key; a missing key writes nothing. Returns whether a row was deleted. */
  delete(collection: string | number, pk: unknown): boolean {
    return this.writer.delete(collection, pk);
  }

  /** Runs `fn` in a transaction (commit on return, rollback + rethrow on throw). `fn` must be synchronous. */
  transaction<T>(fn: () => T): T {
    return this.writer.transaction(fn);
  }

  /** Starts an explicit transaction (`Transaction.NestedTransaction` if one is open). */
  begin(): void {
    this.writer.begin();
  }

  /** Commits the open transaction (`Transaction.NoActiveTransaction` if none). */
  commit(): void {
    this.writer.commit();
  }

  /** Discards the open transaction's writes (a no-op without one). */
  rollback(): void {
    this.writer.rollback();
  }

  get inTransaction(): boolean {
    return this.writerImpl?.inTransaction ?? false;
  }

  /** The database image (file or memory) as it stands, byte for byte (committed writes only). */
  snapshotBytes(): Uint8Array {
    this.assertOpen();
    return readImage(this.store);
  }

  // Maintenance (src/maintenance/, docs/maintenance.md): thin delegations.

  /** Writes a checkpoint and publishes it; later opens load it and replay only the tail. */
  checkpoint(options?: MaintenanceOptions): CheckpointResult {
    return checkpointDb(this, options);
  }

  /** Writes a compacted copy of the current state to `dest` (not the live path). */
  compactTo(dest: string, options?: MaintenanceOptions): CompactResult {
    return compactToDb(this, dest, options);
  }

  /** Replaces the live file with its compacted image, atomically, keeping the writer lock. */
  compactInPlace(options?: MaintenanceOptions): CompactResult {
    return compactInPlaceDb(this, options);
  }

  /** Checkpoints (read-write file handles), then writes a consistent copy to `dest`; returns its size. */
  exportSnapshotTo(dest: string, options?: MaintenanceOptions & { fs?: FsOps }): number {
    return exportSnapshotDb(this, dest, options);
  }

  /** Validates `snapshot`, then atomically replaces `dest` with it (refused while `dest` is open). */
  static restoreSnapshotTo(snapshot: string, dest: string, options?: MaintenanceOptions & { fs?: FsOps }): RestoreResult {
    return restoreSnapshot(snapshot, dest, options);
  }

  /** @internal A read-only handle sharing this writer's state (src/engine/shared-handles.ts). */
  openView(): Database {
    const fs = this.fs as FsOps;
    const { lock, register } = viewLock(fs, this.path);
    let store: FileStore | null = null;
    try {
      store = FileStore.open(fs, this.path, 'read');
      const parts = { analysis: { header: { minor: this.formatMinor }, state: this.state }, recoveryInfo: this.recoveryInfo };
      const view = new Database(this.path, store, lock, true, parts as unknown as OpenedParts);
      view.fs = fs;
      view.viewOf = this;
      register(view);
      return view;
    } catch (e) {
      store?.close();
      lock.release();
      throw e;
    }
  }

  /** @internal A view follows a new writer of its file. */
  shareStateOf(writer: Database): void {
    this.ownState = writer.ownState;
    this.viewOf = writer;
  }

  /** @internal After the file was replaced under the handle (restore): drop the writer's caches. */
  resetWriter(): void {
    this.writerImpl = null;
  }

  /** @internal In-place compaction moves the handle to the new file (the old store is closed). */
  adoptStore(store: Store): void {
    const old = this.store;
    (this as { store: Store }).store = store;
    try {
      old.close();
    } catch {
      /* the old descriptor names an unlinked file; nothing is lost if closing it fails */
    }
  }

  /** Every collection, in ascending id order. */
  collections(): CollectionDef[] {
    this.assertOpen();
    return this.state.catalog.list().map(publicDef);
  }

  /**
   * With a model (docs/models.md): its typed handle — the collection is registered when
   * missing, evolved when the change is safe, refused with the migration plan otherwise.
   */
  collection<M extends AnyModel>(model: M): ModelCollection<M>;
  /** A collection by name (exact, then trimmed) or by id. */
  collection(nameOrId: string | number): CollectionDef | undefined;
  collection(nameOrId: string | number | AnyModel): CollectionDef | ModelCollection<AnyModel> | undefined {
    if (isModel(nameOrId)) return openCollection(this, nameOrId);
    this.assertOpen();
    const c = this.lookup(nameOrId);
    return c === undefined ? undefined : publicDef(c);
  }

  /** Moves a collection to a model's schema in one transaction (new version + rewritten rows); `dryRun` writes nothing. */
  migrate<M extends AnyModel, F extends AnyModel | undefined = undefined>(model: M, options?: MigrateOptions<M, F>): MigrationReport {
    return migrateModel(this, model, options);
  }

  /** @internal */
  lookup(nameOrId: string | number): CollectionState | undefined {
    const cat = this.state.catalog;
    if (typeof nameOrId === 'number') return cat.get(nameOrId);
    return cat.byName(nameOrId) ?? cat.byName(nameOrId.trim());
  }

  /** @internal Throws `Schema.UnknownCollectionName` / `Schema.UnknownCollection`. */
  require(nameOrId: string | number): CollectionState {
    const c = this.lookup(nameOrId);
    if (c !== undefined) return c;
    if (typeof nameOrId === 'number') {
      throw new ModelVaultError('Schema.UnknownCollection', `unknown collection id ${nameOrId}`, { id: nameOrId });
    }
    throw new ModelVaultError('Schema.UnknownCollectionName', `unknown collection name ${JSON.stringify(nameOrId)}`, {
      name: nameOrId,
    });
  }

  /** @internal Canonical key string of a primary-key value given as a JS value of the PK type. */
  pkKeyOf(c: CollectionState, pk: unknown): string {
    return keyString(canonicalKey(pkTypeOf(c), coercePk(pkTypeOf(c), pk)));
  }

  /** The row with this primary key, or null. */
  get(collection: string | number, pk: unknown): Row | null {
    this.assertOpen();
    const c = this.require(collection);
    return this.state.rows.get(c.id, this.pkKeyOf(c, pk))?.row ?? null;
  }

  /** Rows of a collection in ascending canonical primary-key byte order. */
  *rows(collection: string | number): IterableIterator<Row> {
    this.assertOpen();
    const c = this.require(collection);
    for (const r of this.state.rows.sortedByKey(c.id)) yield r.row;
  }

  rowCount(collection: string | number): number {
    this.assertOpen();
    return this.state.rows.count(this.require(collection).id);
  }

  /** Contents of one secondary index, sorted by key value (see `compareKeyValues`). */
  indexContents(collection: string | number, indexName: string): IndexEntryView[] {
    this.assertOpen();
    const c = this.require(collection);
    const ix = this.state.indexes.get(c.id, indexName);
    if (ix === undefined) {
      throw new ModelVaultError('Schema.UnknownIndex', `unknown index ${JSON.stringify(indexName)} on ${c.name}`, {
        collection: c.name,
        index: indexName,
      });
    }
    const keyType = ix.keyType;
    if (keyType === null) return [];
    const out: IndexEntryView[] = [];
    for (const b of ix.buckets.values()) {
      const pks = [...b.rows.keys()].sort().map((k) => b.rows.get(k)!.pk);
      out.push({ key: b.value, keyType, keyBytes: b.key, pks });
    }
    out.sort((a, b) => compareKeyValues(keyType, a.key, b.key));
    return out;
  }

  // Queries (src/query/, docs/queries.md): thin delegations to the query layer.

  /** @internal The state a query of one collection runs over. */
  queryContext(collection: string | number): QueryContext {
    this.assertOpen();
    return { rows: this.state.rows, indexes: this.state.indexes, collection: this.require(collection) };
  }

  /** Matching rows (shared, read-only row objects unless `select` projects them). */
  query(collection: string | number, q: Query = {}): Row[] {
    return runQuery(prepareQuery(this.queryContext(collection), q));
  }

  /** Lazy results: no materialisation without `orderBy`; stops pulling at `limit`. */
  queryIter(collection: string | number, q: Query = {}): IterableIterator<Row> {
    return iterateQuery(prepareQuery(this.queryContext(collection), q));
  }

  /** The number of rows `query` would return. */
  count(collection: string | number, q: Query = {}): number {
    return countQuery(prepareQuery(this.queryContext(collection), q));
  }

  /** The chosen plan as text (the reference's format where it has the plan). */
  explain(collection: string | number, q: Query = {}): string {
    return explainPrepared(prepareQuery(this.queryContext(collection), q));
  }

  /** One SQL SELECT (docs/queries.md); `params` fill the `?` placeholders left to right. */
  sql(text: string, params: readonly unknown[] = []): SqlResult {
    return executeSql(text, params, (name) => this.queryContext(name));
  }

  /** The plan of one SQL SELECT, as `explain` prints it. */
  explainSql(text: string, params: readonly unknown[] = []): string {
    return explainSql(text, params, (name) => this.queryContext(name));
  }
}

function publicDef(c: CollectionState): CollectionDef {
  return {
    id: c.id,
    name: c.name,
    schemaVersion: c.schemaVersion,
    fields: c.fields,
    indexes: c.indexes,
    primaryField: c.primaryField,
  };
}

function pkTypeOf(c: CollectionState): ScalarType {
  const f = c.primaryField === null ? undefined : c.fields.find((x) => x.path.length === 1 && x.path[0] === c.primaryField);
  if (f === undefined || typeof f.type !== 'string') {
    throw new ModelVaultError('Schema.NoPrimaryKey', `collection ${c.id} has no usable primary key`, {
      collection_id: c.id,
    });
  }
  return f.type;
}

/** Accepts safe-integer numbers for 64-bit PKs and the 36-char text form for uuids. */
function coercePk(t: ScalarType, pk: unknown): ScalarValue {
  if ((t === 'int64' || t === 'uint64' || t === 'timestamp') && typeof pk === 'number' && Number.isSafeInteger(pk)) {
    return BigInt(pk);
  }
  if (t === 'uuid' && typeof pk === 'string') return uuidFromText(pk);
  return pk as ScalarValue;
}

const f64 = new DataView(new ArrayBuffer(8));

/** Float total order (−NaN < −inf < … < −0 < +0 < … < inf < NaN), via the sign-flipped bits. */
function floatOrderKey(x: number): bigint {
  f64.setFloat64(0, x);
  const bits = f64.getBigUint64(0);
  return bits >> 63n === 1n ? ~bits & 0xffff_ffff_ffff_ffffn : bits | (1n << 63n);
}

/**
 * The order of primary keys and index keys in dumps: numbers numerically (floats in total
 * order, so −0.0 sorts before +0.0), false before true, strings/bytes/uuids bytewise.
 */
export function compareKeyValues(t: ScalarType, a: ScalarValue, b: ScalarValue): number {
  switch (t) {
    case 'bool':
      return Number(a) - Number(b);
    case 'int64':
    case 'uint64':
    case 'timestamp':
      return (a as bigint) < (b as bigint) ? -1 : (a as bigint) > (b as bigint) ? 1 : 0;
    case 'float64': {
      const x = floatOrderKey(a as number);
      const y = floatOrderKey(b as number);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'string':
      return compareStringsUtf8(a as string, b as string);
    case 'bytes':
    case 'uuid':
      return compareBytes(a as Uint8Array, b as Uint8Array);
  }
}
