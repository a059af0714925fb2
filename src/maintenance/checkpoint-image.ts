/**
 * The logical state as checkpoint pieces (FORMAT.md §11.2), deterministically:
 *
 * - catalog: per collection in id order, a CreateCollection (schema version 1, current
 *   fields/indexes/primary) and one NewSchemaVersion per version 2..current, like the
 *   reference, so the reference reads the result;
 * - records: one op-1 record per live row at the collection's current schema version, by
 *   collection id then canonical primary-key bytes; v3 when the collection has multi-segment
 *   fields (the reference writes v2 and loses them);
 * - index blob: one Insert per derived index mapping, unique indexes first, then by
 *   collection id, index name (UTF-8 order), key bytes, pk bytes.
 *
 * Two checkpoints of one state are therefore byte-identical. Encoded records come from
 * `engine/encoded-rows.ts` (the write path remembers the payload it committed for each
 * row), so a checkpoint encodes only rows nobody has encoded at the current version.
 */
import { schemaError } from '../errors.ts';
import { encodeCatalogRecord } from '../format/catalog.ts';
import { compareStringsUtf8, keyFromString } from '../format/canonical-key.ts';
import type { IndexEntry } from '../format/index-payload.ts';
import { encodeRecord, OP_INSERT, recordVersionFor } from '../format/record.ts';
import type { RecordLayout } from '../format/record.ts';
import { findTopLevelField } from '../schema/field-paths.ts';
import type { CollectionState } from '../engine/catalog.ts';
import type { DerivedIndex } from '../engine/index-state.ts';
import type { EngineState } from '../engine/open.ts';
import type { StoredRow } from '../engine/row-store.ts';
import { fixedWidthBytes, sortedKeyStrings } from '../engine/row-store.ts';
import { radixOrder } from '../wasm/radix-order.ts';
import { encodedInsertOf, rememberEncoded } from '../engine/encoded-rows.ts';
import { RecordSlab } from '../engine/record-slab.ts';

export interface CheckpointPieces {
  catalog: Uint8Array[];
  /**
   * Record payloads, each collection's in its row table's order (roughly where they sit in
   * memory); the checkpoint lists them by `recordOrder` (see `recordsInOrder`).
   */
  records: Uint8Array[];
  /** Payload order of `records` (`records[recordOrder[j]]` is the j-th), or null when `records` is in it. */
  recordOrder: Int32Array | null;
  indexBlob: Uint8Array;
  /** Total length of `records` (summed while they are gathered: one pass less over them). */
  recordBytes: number;
  /** Length of the longest record (sizes the framer's staging window). */
  largestRecord: number;
}

/** The flattened catalog of §11.2 for one collection. */
export function flattenedCatalog(c: CollectionState): Uint8Array[] {
  if (c.primaryField === null) {
    throw schemaError('NoPrimaryKey', `collection ${c.id} has no primary key (upgrade catalog or re-register)`, {
      collection_id: c.id,
    });
  }
  const out = [
    encodeCatalogRecord({
      kind: 'create',
      catalogVersion: 4,
      collectionId: c.id,
      name: c.name,
      schemaVersion: 1,
      fields: [...c.fields],
      indexes: [...c.indexes],
      primaryField: c.primaryField,
    }),
  ];
  for (let v = 2; v <= c.schemaVersion; v++) {
    out.push(
      encodeCatalogRecord({
        kind: 'new_version',
        catalogVersion: 4,
        collectionId: c.id,
        schemaVersion: v,
        fields: [...c.fields],
        indexes: [...c.indexes],
      }),
    );
  }
  return out;
}

export function layoutOf(c: CollectionState): RecordLayout {
  const pk = c.primaryField === null ? undefined : findTopLevelField(c.fields, c.primaryField);
  if (pk === undefined || c.primaryField === null) {
    throw schemaError('NoPrimaryKey', `collection ${c.id} has no usable primary key`, { collection_id: c.id });
  }
  return { collectionId: c.id, primaryField: c.primaryField, pkType: pk.type, fields: c.fields };
}

/** The op-1 record of a live row at the collection's current version (cached). */
export function encodedRow(c: CollectionState, layout: RecordLayout, r: StoredRow, recordVersion = recordVersionFor(c.fields)): Uint8Array {
  const hit = encodedInsertOf(r, c.id, c.fields, c.schemaVersion, recordVersion);
  if (hit !== undefined) return hit;
  const bytes = encodeRecord(layout, OP_INSERT, c.schemaVersion, r.pk, r.row, encodedHere);
  rememberEncoded(r, c.fields, c.schemaVersion, bytes);
  return bytes;
}

/** Payloads a checkpoint encodes share chunks too (engine/record-slab.ts). */
const encodedHere = new RecordSlab();

/** Every index of the state in index-blob order: unique first, then by collection id, then by name (UTF-8). */
function indexesInBlobOrder(state: EngineState): { c: CollectionState; kind: 'unique' | 'non_unique'; ix: DerivedIndex }[] {
  const out: { c: CollectionState; kind: 'unique' | 'non_unique'; ix: DerivedIndex }[] = [];
  const collections = state.catalog.list();
  for (const kind of ['unique', 'non_unique'] as const) {
    for (const c of collections) {
      const ixs = state.indexes
        .of(c.id)
        .filter((ix) => ix.def.kind === kind)
        .sort((a, b) => compareStringsUtf8(a.def.name, b.def.name));
      for (const ix of ixs) out.push({ c, kind, ix });
    }
  }
  return out;
}

/** Every index mapping of the state as Insert entries, in the order described above. */
export function indexEntries(state: EngineState): IndexEntry[] {
  const out: IndexEntry[] = [];
  for (const { c, kind, ix } of indexesInBlobOrder(state)) {
    const keys = [...ix.buckets.values()].sort((a, b) => compareKeyBytes(a.key, b.key));
    for (const b of keys) {
      for (const pk of [...b.rows.keys()].sort()) {
        out.push({ collectionId: c.id, kind, op: 'insert', name: ix.def.name, key: b.key, pk: keyFromString(pk) });
      }
    }
  }
  return out;
}

function compareKeyBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/**
 * `encodeIndexPayload(indexEntries(state))` without the intermediate objects: sizes are
 * summed first, then every entry is written straight into one buffer.
 *
 * Entries come in runs, one per bucket, that share everything up to the primary key (the
 * `prefix` below). A large bucket's primary keys are read from their strings once, into
 * one flat array that the radix kernel orders (wasm/radix-order.ts) and the entries are
 * written from; small buckets sort and write the strings directly.
 */
export function encodeIndexBlob(state: EngineState): Uint8Array {
  type Run =
    | { prefix: Uint8Array; flat: Uint8Array; order: Int32Array; w: number }
    | { prefix: Uint8Array; flat: null; pks: readonly string[] };
  const runs: Run[] = [];
  let size = 2 + 4;
  let count = 0;
  for (const { c, kind, ix } of indexesInBlobOrder(state)) {
    const name = utf8.encode(ix.def.name);
    for (const b of bucketsInKeyOrder([...ix.buckets.values()])) {
      const prefix = entryPrefix(c.id, kind === 'unique' ? 1 : 2, name, b.key);
      const m = b.rows.size;
      count += m;
      if (m >= RADIX_MIN) {
        const pks = [...b.rows.keys()];
        const w = pks[0]!.length;
        const flat = w > 0 && w <= 16 ? fixedWidthBytes(pks, w) : null;
        if (flat !== null) {
          runs.push({ prefix, flat, order: radixOrder(flat, m, w), w });
          size += m * (prefix.length + 4 + w);
          continue;
        }
      }
      const pks = m === 1 ? [...b.rows.keys()] : sortedKeyStrings(b.rows.keys());
      let pkBytes = 0;
      for (let i = 0; i < pks.length; i++) pkBytes += pks[i]!.length;
      runs.push({ prefix, flat: null, pks });
      size += m * (prefix.length + 4) + pkBytes;
    }
  }
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, 2, true);
  dv.setUint32(2, count, true);
  let at = 6;
  for (const run of runs) {
    const prefix = run.prefix;
    const pl = prefix.length;
    if (run.flat !== null) {
      // Every entry of the run is the same length: the first one is written, copied over
      // the run's whole extent by doubling (copyWithin, native), and then only the primary
      // keys are overwritten — per entry w bytes, not the whole prefix.
      const { flat, order, w } = run;
      const m = order.length;
      const L = pl + 4 + w;
      out.set(prefix, at);
      dv.setUint32(at + pl, w, true);
      out.set(flat.subarray(order[0]! * w, order[0]! * w + w), at + pl + 4);
      const total = m * L;
      for (let filled = L; filled < total; filled *= 2) out.copyWithin(at + filled, at, at + Math.min(filled, total - filled));
      for (let j = 1, dst = at + L + pl + 4; j < m; j++, dst += L) {
        const src = order[j]! * w;
        for (let i = 0; i < w; i++) out[dst + i] = flat[src + i]!;
      }
      at += total;
    } else {
      for (const pk of run.pks) {
        for (let i = 0; i < pl; i++) out[at + i] = prefix[i]!;
        at += pl;
        dv.setUint32(at, pk.length, true);
        at += 4;
        for (let i = 0; i < pk.length; i++) out[at + i] = pk.charCodeAt(i);
        at += pk.length;
      }
    }
  }
  return out;
}

/** Buckets this large are ordered by the radix kernel; smaller ones by a comparison sort. */
const RADIX_MIN = 256;

/** An index entry up to its primary key: collection id, kind, op (insert), name, key. */
function entryPrefix(cid: number, kind: 1 | 2, name: Uint8Array, key: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 1 + 1 + 4 + name.length + 4 + key.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, cid, true);
  out[4] = kind;
  out[5] = 1;
  dv.setUint32(6, name.length, true);
  out.set(name, 10);
  dv.setUint32(10 + name.length, key.length, true);
  out.set(key, 14 + name.length);
  return out;
}

/** Buckets by key bytes: fixed-width keys (every scalar but strings and bytes) by the radix kernel. */
function bucketsInKeyOrder<B extends { readonly key: Uint8Array }>(buckets: B[]): B[] {
  const n = buckets.length;
  const w = n === 0 ? 0 : buckets[0]!.key.length;
  if (n >= RADIX_MIN && w > 0 && w <= 16) {
    const flat = new Uint8Array(n * w);
    let i = 0;
    for (; i < n; i++) {
      const k = buckets[i]!.key;
      if (k.length !== w) break;
      flat.set(k, i * w);
    }
    if (i === n) {
      const order = radixOrder(flat, n, w);
      const out = new Array<B>(n);
      for (let j = 0; j < n; j++) out[j] = buckets[order[j]!]!;
      return out;
    }
  }
  return buckets.sort((a, b) => compareKeyBytes(a.key, b.key));
}

const utf8 = new TextEncoder();

/** The three piece lists of a checkpoint of `state`. */
export function buildCheckpointPieces(state: EngineState): CheckpointPieces {
  const catalog: Uint8Array[] = [];
  const collections = state.catalog.list();
  // Sized up front: 100k pushes into a growing array cost more than the rows' own work.
  let expected = 0;
  for (const c of collections) expected += state.rows.count(c.id);
  const records = new Array<Uint8Array>(expected);
  let filled = 0;
  /** Per collection with rows out of key order: where its records start, and their order. */
  const orders: { base: number; n: number; order: Int32Array | null }[] = [];
  let recordBytes = 0;
  let largestRecord = 0;
  for (const c of collections) {
    catalog.push(...flattenedCatalog(c));
    const layout = layoutOf(c);
    const recordVersion = recordVersionFor(c.fields);
    // Rows are read in table order (a cache miss per row in key order, for 100k rows most
    // of the checkpoint's time); the framer lists them by key through the permutation.
    const { rows, order } = state.rows.keyOrdered(c.id);
    const base = filled;
    for (let i = 0; i < rows.length; i++) {
      const p = encodedRow(c, layout, rows[i]!, recordVersion);
      const n = p.length;
      recordBytes += n;
      if (n > largestRecord) largestRecord = n;
      records[base + i] = p;
    }
    filled = base + rows.length;
    orders.push({ base, n: rows.length, order });
  }
  records.length = filled;
  return { catalog, records, recordOrder: globalOrder(orders, filled), indexBlob: encodeIndexBlob(state), recordBytes, largestRecord };
}

/** One permutation over every collection's records (collections stay in id order), or null if none is needed. */
function globalOrder(orders: readonly { base: number; n: number; order: Int32Array | null }[], total: number): Int32Array | null {
  const out = orders.filter((o) => o.order !== null);
  if (out.length === 0) return null;
  if (out.length === 1 && out[0]!.base === 0 && out[0]!.n === total) return out[0]!.order;
  const all = new Int32Array(total);
  for (const { base, n, order } of orders) {
    if (order === null) for (let j = 0; j < n; j++) all[base + j] = base + j;
    else for (let j = 0; j < n; j++) all[base + j] = base + order[j]!;
  }
  return all;
}

/** `pieces.records` in payload order. */
export function recordsInOrder(pieces: CheckpointPieces): Uint8Array[] {
  const order = pieces.recordOrder;
  return order === null ? pieces.records : Array.from(order, (i) => pieces.records[i]!);
}
