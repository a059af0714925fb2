/**
 * The write path of a `Database` handle: catalog writes, row writes, transactions.
 *
 * Every write is validated completely and encoded before anything changes (so a refused
 * call writes nothing, changes nothing and consumes no transaction id), then staged into a
 * `TxnScope` — the open explicit transaction's, or a one-operation autocommit scope that
 * is written at once. Catalog records are encoded, decoded again and applied from the
 * decoded form, so the in-memory catalog is exactly what a reopen would build.
 */
import { ModelVaultError, formatError, ioError, txnError, usageError } from '../errors.ts';
import { canonicalKey } from '../format/canonical-key.ts';
import { decodeCatalogRecord, encodeCatalogRecord } from '../format/catalog.ts';
import { SEGMENT_START, SegmentType } from '../format/constants.ts';
import { encodeIndexPayload } from '../format/index-payload.ts';
import { OP_DELETE, OP_INSERT, OP_REPLACE, encodeRecord } from '../format/record.ts';
import type { RecordLayout } from '../format/record.ts';
import { scanStrict } from '../format/segment.ts';
import { planSchemaVersion as planSchemaChange } from '../schema/evolution.ts';
import type { MigrationPlan } from '../schema/evolution.ts';
import { findTopLevelField } from '../schema/field-paths.ts';
import { checkCollectionRegistration, checkSchemaVersion } from '../schema/registration.ts';
import { acceptScalar } from '../schema/scalars.ts';
import type { FieldDef, IndexDef, ScalarType } from '../schema/types.ts';
import { isScalarType } from '../schema/types.ts';
import { validateRow } from '../schema/validate.ts';
import type { RowInput } from '../schema/validate.ts';
import type { ScalarValue } from '../schema/values.ts';
import type { Store } from '../storage/store.ts';
import type { CollectionState } from './catalog.ts';
import { CommitUndoFailed, raiseMinor, writeCommitGroup } from './commit.ts';
import { checkUnique, indexEntriesFor } from './index-entries.ts';
import type { EngineState } from './open.ts';
import { reshape, topLevelNames } from './replay.ts';
import { RecordSlab } from './record-slab.ts';
import { keyString } from './row-store.ts';
import { TxnScope } from './transaction.ts';

/** What the writer needs from its `Database`. */
export interface WriteTarget {
  readonly path: string;
  readonly readOnly: boolean;
  readonly state: EngineState;
  readonly store: Store;
  formatMinor: number;
  assertOpen(): void;
  require(nameOrId: string | number): CollectionState;
}

export interface RegisteredCollection {
  id: number;
  schemaVersion: number;
}

export interface SchemaVersionWriteOptions {
  /** Skip the change classification (the reference's `register_schema_version_force`). */
  force?: boolean;
}

const CURRENT_MINOR = 6;

export class Writer {
  /** Per-handle transaction-id counter (FORMAT.md §10.3): the first id of every session is 1. */
  private lastTxnId = 0n;
  private txn: TxnScope | null = null;
  private poisoned: ModelVaultError | null = null;
  /** Whether a minor < 6 file holds unframed data segments (computed on first write). */
  private legacyData: boolean | null = null;
  /** Rows' payloads share chunks (record-slab.ts: checkpoints copy key-ordered runs at once). */
  private readonly recordBytes = new RecordSlab();

  constructor(private readonly db: WriteTarget) {}

  get inTransaction(): boolean {
    return this.txn !== null;
  }

  /** The state as last committed: what same-process views read (no dirty reads). */
  committedState(): EngineState {
    return this.txn === null ? this.db.state : this.txn.committedState();
  }

  // ---- catalog writes -------------------------------------------------------------------

  registerCollection(
    name: string,
    fields: readonly FieldDef[],
    primaryField: string,
    indexes: readonly IndexDef[] = [],
  ): RegisteredCollection {
    return this.write((scope) => {
      const current = this.db.state.catalog;
      const checked = checkCollectionRegistration(
        { name, fields, primaryField, indexes },
        (n) => current.idOf(n) !== undefined,
      );
      const id = current.nextId;
      if (current.get(id) !== undefined) {
        throw ioError('CollectionIdExhausted', 'no collection id left (u32 exhausted)', {});
      }
      const payload = encodeCatalogRecord({
        kind: 'create',
        catalogVersion: 4,
        collectionId: id,
        name: checked.name,
        schemaVersion: 1,
        fields: [...checked.fields],
        indexes: [...checked.indexes],
        primaryField: checked.primaryField,
      });
      const rec = decodeCatalogRecord(payload);
      const state = scope.catalogForWrite().apply(rec);
      this.db.state.indexes.rebuild(id, state.fields, state.indexes, []);
      scope.noteReindexed(id);
      scope.body.push({ type: SegmentType.Schema, payload });
      return { id, schemaVersion: 1 };
    });
  }

  registerSchemaVersion(
    collection: string | number,
    fields: readonly FieldDef[],
    indexes: readonly IndexDef[] = [],
    options: SchemaVersionWriteOptions = {},
  ): number {
    return this.write((scope) => {
      const c = this.db.require(collection);
      const version = checkSchemaVersion(c, fields, indexes, { force: options.force === true });
      const payload = encodeCatalogRecord({
        kind: 'new_version',
        catalogVersion: 4,
        collectionId: c.id,
        schemaVersion: version,
        fields: [...fields],
        indexes: [...indexes],
      });
      const rec = decodeCatalogRecord(payload);
      const next = scope.catalogForWrite().apply(rec);
      // Existing rows are presented under the new version, as a reopen would (replay.ts
      // reshapeRows): new top-level fields null, dropped ones gone. The rows' committed
      // payloads name the old version, so they are not carried over (a checkpoint encodes
      // the reshaped rows at the new version).
      const names = topLevelNames(next);
      scope.replaceAllRows(c.id, (r) => ({ pk: r.pk, pkKey: r.pkKey, row: reshape(r.row, names), version }));
      // Index state is what the rows imply: an added index covers existing rows at once.
      // (The reference writes no Index segment for that, and neither do we.)
      const rows = this.db.state.rows;
      this.db.state.indexes.rebuild(c.id, next.fields, next.indexes, () => rows.values(c.id));
      scope.noteReindexed(c.id);
      scope.body.push({ type: SegmentType.Schema, payload });
      return version;
    });
  }

  /** BEHAVIOR.md §3.4: the classification and steps of a schema change, without writing. */
  planSchemaVersion(collection: string | number, fields: readonly FieldDef[], indexes: readonly IndexDef[] = []): MigrationPlan {
    this.db.assertOpen();
    return planSchemaChange(this.db.require(collection), fields, indexes);
  }

  // ---- row writes -----------------------------------------------------------------------

  /** Upsert by primary key (op 1 for a new key, op 2 replacing the whole row). */
  insert(collection: string | number, input: RowInput): void {
    this.write((scope) => {
      const c = this.db.require(collection);
      const row = validateRow(c, input);
      const pkType = primaryType(c);
      const pk = row[c.primaryField!] as ScalarValue;
      const pkKey = canonicalKey(pkType, pk);
      const key = keyString(pkKey);
      const { rows, indexes } = this.db.state;
      const old = rows.get(c.id, key);
      const derived = indexes.of(c.id);
      checkUnique(derived, c.name, pkKey, row);
      const entries = indexEntriesFor(derived, c.id, pkKey, old?.row ?? null, row);
      const indexPayload = entries.length > 0 ? encodeIndexPayload(entries) : null;
      const op = old === undefined ? OP_INSERT : OP_REPLACE;
      const record = encodeRecord(layoutOf(c, pkType), op, c.schemaVersion, pk, row, this.recordBytes);
      if (indexPayload !== null) scope.body.push({ type: SegmentType.Index, payload: indexPayload });
      scope.body.push({ type: SegmentType.Record, payload: record });
      // Checkpoints copy this payload instead of encoding the row again.
      scope.putRow(c.id, key, { pk, pkKey, row, version: c.schemaVersion, encoded: record });
    });
  }

  /** Deletes the row with this primary key; an absent key writes nothing. Returns whether a row was deleted. */
  delete(collection: string | number, pkInput: unknown): boolean {
    return this.write((scope) => {
      const c = this.db.require(collection);
      const pkType = primaryType(c);
      const accepted = acceptScalar(pkType, pkInput);
      if (!accepted.ok) {
        throw formatError('RecordPayloadTypeMismatch', `record payload type mismatch: primary key ${accepted.message}`, {
          expected: pkType,
        });
      }
      const pkKey = canonicalKey(pkType, accepted.value);
      const key = keyString(pkKey);
      const old = this.db.state.rows.get(c.id, key);
      if (old === undefined) return false;
      const entries = indexEntriesFor(this.db.state.indexes.of(c.id), c.id, pkKey, old.row, null);
      const indexPayload = entries.length > 0 ? encodeIndexPayload(entries) : null;
      const record = encodeRecord(layoutOf(c, pkType), OP_DELETE, c.schemaVersion, old.pk, null);
      if (indexPayload !== null) scope.body.push({ type: SegmentType.Index, payload: indexPayload });
      scope.body.push({ type: SegmentType.Record, payload: record });
      scope.putRow(c.id, key, undefined);
      return true;
    });
  }

  // ---- transactions ---------------------------------------------------------------------

  /** Starts an explicit transaction; it takes the next transaction id now (§10.3). */
  begin(): void {
    this.guard();
    if (this.txn !== null) throw txnError('NestedTransaction', 'nested transactions are not supported');
    this.lastTxnId += 1n;
    this.txn = new TxnScope(this.db.state, this.lastTxnId);
  }

  /**
   * Writes the staged operations as one commit group and publishes it; an empty
   * transaction writes nothing. Without an open transaction: `Transaction.NoActiveTransaction`
   * (the later upstream behaviour; the reference returned Ok). If the write fails, the
   * transaction is rolled back (state and file as before it began) and the error thrown.
   */
  commit(): void {
    this.db.assertOpen();
    const scope = this.txn;
    if (scope === null) throw txnError('NoActiveTransaction', 'no active transaction to commit');
    this.txn = null;
    if (scope.isEmpty) return;
    this.flush(scope, scope.txnId!);
  }

  /** Discards the staged operations; writes nothing. Without an open transaction: a no-op. */
  rollback(): void {
    this.db.assertOpen();
    const scope = this.txn;
    if (scope === null) return;
    this.txn = null;
    scope.undo();
  }

  /**
   * Runs `fn` in a transaction: commits when it returns, rolls back and rethrows when it
   * throws. The API is synchronous: a `fn` returning a promise (an async function) is
   * rolled back and refused with `Usage.AsyncTransaction`.
   */
  transaction<T>(fn: () => T): T {
    this.begin();
    let result: T;
    try {
      result = fn();
    } catch (e) {
      if (this.txn !== null) this.rollback();
      throw e;
    }
    if (isThenable(result)) {
      if (this.txn !== null) this.rollback();
      // Keep an unhandled rejection of the abandoned promise from crashing the process.
      (result as PromiseLike<unknown>).then(undefined, () => undefined);
      throw usageError(
        'AsyncTransaction',
        'transaction callbacks must be synchronous (the callback returned a promise); the transaction was rolled back',
      );
    }
    if (this.txn === null) {
      throw txnError('NoActiveTransaction', 'the transaction was ended inside its callback');
    }
    this.commit();
    return result;
  }

  /** Called by `Database.close`: an open transaction is discarded (nothing is written). */
  discard(): void {
    const scope = this.txn;
    this.txn = null;
    scope?.undo();
  }

  // ---- internals ------------------------------------------------------------------------

  private guard(): void {
    this.db.assertOpen();
    if (this.db.readOnly) {
      throw ioError('ReadOnly', `database opened read-only; writes are refused: ${this.db.path}`, { path: this.db.path });
    }
    if (this.poisoned !== null) throw this.poisoned;
  }

  /** FORMAT.md §19.2 item 3: minor ≤ 5 files with unframed data are read-only. */
  private guardLegacy(): void {
    if (this.db.formatMinor >= CURRENT_MINOR) return;
    if (this.legacyData === null) {
      const data = new Set<number>([SegmentType.Schema, SegmentType.Record, SegmentType.Index]);
      this.legacyData = scanStrict(this.db.store, SEGMENT_START).some((s) => data.has(s.type));
    }
    if (this.legacyData) {
      throw formatError(
        'LegacyFileReadOnly',
        `format 0.${this.db.formatMinor} file with unframed data segments is read-only (raising it to 0.6 would make it ` +
          'unreadable); convert it with compactTo(dest) into a new format 0.6 file and write to that',
        { minor: this.db.formatMinor, path: this.db.path },
      );
    }
  }

  private write<T>(stage: (scope: TxnScope) => T): T {
    this.guard();
    this.guardLegacy();
    if (this.txn !== null) return stage(this.txn);
    const scope = new TxnScope(this.db.state, null);
    let result: T;
    try {
      result = stage(scope);
    } catch (e) {
      scope.undo();
      throw e;
    }
    if (!scope.isEmpty) {
      this.lastTxnId += 1n;
      this.flush(scope, this.lastTxnId);
    }
    return result;
  }

  private flush(scope: TxnScope, txnId: bigint): void {
    try {
      this.guardLegacy();
      if (this.db.formatMinor < CURRENT_MINOR) {
        raiseMinor(this.db.store, CURRENT_MINOR);
        this.db.formatMinor = CURRENT_MINOR;
      }
      writeCommitGroup(this.db.store, txnId, scope.body);
    } catch (e) {
      scope.undo();
      if (e instanceof CommitUndoFailed) this.poisoned = e;
      throw e;
    }
  }
}

function isThenable(v: unknown): boolean {
  return (
    (typeof v === 'object' || typeof v === 'function') &&
    v !== null &&
    typeof (v as { then?: unknown }).then === 'function'
  );
}

function primaryType(c: CollectionState): ScalarType {
  if (c.primaryField === null) {
    throw new ModelVaultError('Schema.NoPrimaryKey', `collection ${c.id} has no primary key (upgrade catalog or re-register)`, {
      collection_id: c.id,
    });
  }
  const f = findTopLevelField(c.fields, c.primaryField);
  if (f === undefined) {
    throw new ModelVaultError('Schema.PrimaryFieldNotFound', `primary field ${JSON.stringify(c.primaryField)} not found as a top-level field`, {
      name: c.primaryField,
    });
  }
  if (!isScalarType(f.type)) {
    throw new ModelVaultError('Validation.Invalid', 'validation error: primary key field must use a primitive type (not optional/list/object/enum)', {
      path: [],
      message: 'primary key field must use a primitive type (not optional/list/object/enum)',
    });
  }
  return f.type;
}

function layoutOf(c: CollectionState, pkType: ScalarType): RecordLayout {
  return { collectionId: c.id, primaryField: c.primaryField!, pkType, fields: c.fields };
}
