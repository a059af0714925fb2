/**
 * Replay: turning committed log segments into catalog + rows (FORMAT.md §10.4 minor 6,
 * §10.5 legacy minors 3–5, §8.10 per record).
 *
 * Both replays apply three passes in log order — Schema, then Index, then Record — like the
 * reference. Index payloads are decoded (so malformed ones fail exactly as in the reference)
 * but not applied: the index state is derived from the rows afterwards (index-state.ts).
 *
 * Deliberate difference: a record is decoded with the field list of the schema version it
 * names (every version's list is kept by the catalog), not only with the current one, and
 * then presented under the current schema (see reshapeRows). The reference refuses such
 * logs (golden `schema_version_mismatch*`); a record naming the current version decodes
 * exactly as in the reference, and a version that never existed is still refused.
 */
import { schemaError } from '../errors.ts';
import { CheckpointTable } from './row-table.ts';
import type { RowTable } from './row-table.ts';
import { decodeCatalogRecord } from '../format/catalog.ts';
import { canonicalKey } from '../format/canonical-key.ts';
import { SegmentType } from '../format/constants.ts';
import { validateIndexPayload } from '../format/index-payload.ts';
import { decodeRecord, OP_DELETE } from '../format/record.ts';
import type { RecordLayout } from '../format/record.ts';
import { truncatedRecord } from '../format/scalar.ts';
import type { ScannedSegment } from '../format/segment.ts';
import {
  decodeTxnMarker,
  invalidTxnPayload,
  TXN_COMMIT_OUTSIDE,
  TXN_ID_MISMATCH,
  TXN_NESTED_BEGIN,
  TXN_UNCLOSED,
  TXN_UNFRAMED_DATA,
} from '../format/txn-marker.ts';
import { findTopLevelField } from '../schema/field-paths.ts';
import type { FieldDef, ScalarType } from '../schema/types.ts';
import { freezeRow, setField } from '../schema/values.ts';
import type { Row } from '../schema/values.ts';
import { ModelVaultError } from '../errors.ts';
import type { Catalog, CollectionState } from './catalog.ts';
import { primaryNotFound } from './catalog.ts';
import { payloadOf } from './recovery.ts';
import type { RowStore } from './row-store.ts';
import { keyString, recordRoute } from './row-store.ts';
import { hintFieldOf, lazyPlan, lazyRowOf } from './lazy-rows.ts';
import type { LazyPlan } from './lazy-rows.ts';

export interface LoadState {
  catalog: Catalog;
  rows: RowStore;
}

/** Attaches the segment offset to an error raised while applying that segment. */
export function withOffset<T>(offset: number, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ModelVaultError && e.details.offset === undefined) {
      throw new ModelVaultError(e.code, e.message, { ...e.details, offset }, { cause: e });
    }
    throw e;
  }
}

function unknownCollection(id: number): ModelVaultError {
  return schemaError('UnknownCollection', `unknown collection id ${id}`, { id });
}

/** The primary field's scalar type in a field list, per §8.10 step 4. */
function pkTypeIn(fields: readonly FieldDef[], primaryField: string) {
  const f = findTopLevelField(fields, primaryField);
  if (f === undefined) throw primaryNotFound(primaryField);
  return f.type;
}

/** §8.10 for one committed Record payload of the log, with per-version decoding. */
export function applyLogRecord(state: LoadState, payload: Uint8Array): void {
  if (payload.length < 6) throw truncatedRecord();
  const head = recordRoute(payload);
  const c = state.catalog.get(head.collectionId);
  if (c === undefined) throw unknownCollection(head.collectionId);
  if (c.primaryField === null) return; // catalog-v1 collection: records are skipped (§8.10 step 3)
  const currentPkType = pkTypeIn(c.fields, c.primaryField);
  if (head.schemaVersion === null) throw truncatedRecord();
  const named = state.catalog.fieldsAt(c.id, head.schemaVersion);
  const fields = named ?? c.fields;
  const pkType = named === undefined ? currentPkType : pkTypeIn(fields, c.primaryField);
  if (named !== undefined) {
    // Kept encoded when the walk vouches for it (lazy-rows.ts); deletes and anything
    // unusual take the decoding path below.
    const plan = planFor(c.id, c.primaryField, pkType, fields, hintFieldOf(c.indexes));
    const lazy = lazyRowOf(payload, plan, head.schemaVersion);
    if (lazy !== null) {
      state.rows.put(c.id, lazy.key, lazy);
      return;
    }
  }
  const rec = decodeRecord(payload, { collectionId: c.id, primaryField: c.primaryField, pkType, fields });
  if (named === undefined) {
    throw schemaError(
      'InvalidSchemaVersion',
      `invalid schema version: expected ${c.schemaVersion}, got ${rec.schemaVersion}`,
      { expected: c.schemaVersion, got: rec.schemaVersion },
    );
  }
  const pkKey = canonicalKey(pkType as ScalarType, rec.pk);
  const key = keyString(pkKey);
  if (rec.op === OP_DELETE) state.rows.delete(c.id, key);
  else state.rows.put(c.id, key, { pk: rec.pk, pkKey, row: rec.row!, version: rec.schemaVersion });
}

/** One plan per field list (a schema version's fields array), primary field and collection. */
const plans = new WeakMap<readonly FieldDef[], Map<string, LazyPlan>>();

function planFor(
  collectionId: number,
  primaryField: string,
  pkType: RecordLayout['pkType'],
  fields: readonly FieldDef[],
  hintField: string | undefined,
): LazyPlan {
  let m = plans.get(fields);
  if (m === undefined) {
    m = new Map();
    plans.set(fields, m);
  }
  const k = `${collectionId}:${primaryField}:${hintField ?? ''}`;
  let plan = m.get(k);
  if (plan === undefined || plan.layout.pkType !== pkType) {
    plan = lazyPlan({ collectionId, primaryField, pkType, fields }, hintField);
    m.set(k, plan);
  }
  return plan;
}

type Committed = { type: SegmentType; seg: ScannedSegment };

function applyPasses(state: LoadState, image: Uint8Array, committed: readonly Committed[]): void {
  for (const { type, seg } of committed) {
    if (type === SegmentType.Schema) {
      withOffset(seg.offset, () => state.catalog.apply(decodeCatalogRecord(payloadOf(image, seg))));
    }
  }
  for (const { type, seg } of committed) {
    // Checked, not kept: index state is derived from the rows.
    if (type === SegmentType.Index) withOffset(seg.offset, () => validateIndexPayload(payloadOf(image, seg)));
  }
  for (const { type, seg } of committed) {
    if (type === SegmentType.Record) withOffset(seg.offset, () => applyLogRecord(state, payloadOf(image, seg)));
  }
}

function isData(t: SegmentType): boolean {
  return t === SegmentType.Schema || t === SegmentType.Index || t === SegmentType.Record;
}

function marker(image: Uint8Array, s: ScannedSegment): bigint {
  return withOffset(s.offset, () => decodeTxnMarker(payloadOf(image, s)));
}

/** §10.4: transactional replay of a minor-6 log range. */
export function replayV6(state: LoadState, image: Uint8Array, segments: readonly ScannedSegment[]): void {
  const committed: Committed[] = [];
  let staged: Committed[] = [];
  let inTxn = false;
  let pending = 0n;
  for (const s of segments) {
    switch (s.type) {
      case SegmentType.TxnBegin:
        if (inTxn) throw invalidTxnPayload(TXN_NESTED_BEGIN, { offset: s.offset });
        pending = marker(image, s);
        inTxn = true;
        staged = [];
        break;
      case SegmentType.TxnCommit: {
        const id = marker(image, s);
        if (!inTxn) throw invalidTxnPayload(TXN_COMMIT_OUTSIDE, { offset: s.offset });
        if (id !== pending) throw invalidTxnPayload(TXN_ID_MISMATCH, { offset: s.offset });
        for (const c of staged) committed.push(c);
        staged = [];
        inTxn = false;
        break;
      }
      case SegmentType.TxnAbort:
        marker(image, s);
        staged = [];
        inTxn = false;
        break;
      default:
        if (!isData(s.type)) break; // Manifest, Checkpoint, Temp
        if (!inTxn) throw invalidTxnPayload(TXN_UNFRAMED_DATA, { offset: s.offset });
        staged.push({ type: s.type, seg: s });
    }
  }
  if (inTxn) throw invalidTxnPayload(TXN_UNCLOSED);
  applyPasses(state, image, committed);
}

/** §10.5: minors 3–5 have no framing; every data segment counts, markers are ignored. */
export function replayLegacy(state: LoadState, image: Uint8Array, segments: readonly ScannedSegment[]): void {
  const all: Committed[] = [];
  for (const s of segments) if (isData(s.type)) all.push({ type: s.type, seg: s });
  applyPasses(state, image, all);
}

export function replay(state: LoadState, image: Uint8Array, segments: readonly ScannedSegment[], minor: number): void {
  if (minor >= 6) replayV6(state, image, segments);
  else replayLegacy(state, image, segments);
}

/**
 * Presents every row under its collection's current schema: every top-level field of the
 * current version is present (a field the row's version lacked is null) and fields dropped
 * since are removed. Rows already at the current version are left as decoded.
 */
export function reshapeRows(state: LoadState): void {
  for (const c of state.catalog.list()) {
    const table = state.rows.table(c.id);
    if (allAt(table, c.schemaVersion)) continue;
    let names: string[] | null = null;
    for (const [key, r] of table) {
      if (r.version === c.schemaVersion) continue;
      names ??= topLevelNames(c);
      // Fields named, not spread: a LazyRow's pk and pkKey are getters.
      table.set(key, { pk: r.pk, pkKey: r.pkKey, row: reshape(r.row, names), version: c.schemaVersion, encoded: r.encoded });
    }
  }
}

/** The common case, checked without the entry arrays `for…of table` allocates. */
function allAt(table: RowTable, version: number): boolean {
  if (table instanceof CheckpointTable) return table.allAtVersion(version);
  for (const r of table.values()) if (r.version !== version) return false;
  return true;
}

/** The top-level field names of the collection's current schema, in schema order. */
export function topLevelNames(c: CollectionState): string[] {
  const seen = new Set<string>();
  for (const f of c.fields) seen.add(f.path[0]!);
  return [...seen];
}

/** `row` with exactly the top-level fields `names` (missing ones null). */
export function reshape(row: Row, names: readonly string[]): Row {
  const out: Row = {};
  for (const n of names) setField(out, n, Object.prototype.hasOwnProperty.call(row, n) ? row[n]! : null);
  return freezeRow(out);
}
