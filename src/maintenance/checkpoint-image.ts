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
import type { EngineState } from '../engine/open.ts';
import type { StoredRow } from '../engine/row-store.ts';
import { sortedKeyStrings } from '../engine/row-store.ts';
import { encodedInsertOf, rememberEncoded } from '../engine/encoded-rows.ts';

export interface CheckpointPieces {
  catalog: Uint8Array[];
  records: Uint8Array[];
  indexBlob: Uint8Array;
  /** Total length of `records` (summed while they are gathered: one pass less over them). */
  recordBytes: number;
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
  const bytes = encodeRecord(layout, OP_INSERT, c.schemaVersion, r.pk, r.row);
  rememberEncoded(r, c.fields, c.schemaVersion, bytes);
  return bytes;
}

/** Every index mapping of the state as Insert entries, in the order described above. */
export function indexEntries(state: EngineState): IndexEntry[] {
  const out: IndexEntry[] = [];
  const collections = state.catalog.list();
  for (const kind of ['unique', 'non_unique'] as const) {
    for (const c of collections) {
      const ixs = state.indexes
        .of(c.id)
        .filter((ix) => ix.def.kind === kind)
        .sort((a, b) => compareStringsUtf8(a.def.name, b.def.name));
      for (const ix of ixs) {
        const keys = [...ix.buckets.values()].sort((a, b) => compareKeyBytes(a.key, b.key));
        for (const b of keys) {
          for (const pk of [...b.pks].sort()) {
            out.push({ collectionId: c.id, kind, op: 'insert', name: ix.def.name, key: b.key, pk: keyFromString(pk) });
          }
        }
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
 * summed first, then every entry is written straight into one buffer (primary keys go from
 * their key strings — one byte per UTF-16 unit — to bytes without a temporary array).
 */
export function encodeIndexBlob(state: EngineState): Uint8Array {
  type Group = { cid: number; kind: 1 | 2; name: Uint8Array; buckets: { key: Uint8Array; pks: string[] }[] };
  const groups: Group[] = [];
  let size = 2 + 4;
  let count = 0;
  const collections = state.catalog.list();
  for (const kind of ['unique', 'non_unique'] as const) {
    for (const c of collections) {
      const ixs = state.indexes
        .of(c.id)
        .filter((ix) => ix.def.kind === kind)
        .sort((a, b) => compareStringsUtf8(a.def.name, b.def.name));
      for (const ix of ixs) {
        const name = utf8.encode(ix.def.name);
        const buckets = [...ix.buckets.values()]
          .sort((a, b) => compareKeyBytes(a.key, b.key))
          .map((b) => ({ key: b.key, pks: sortedKeyStrings(b.pks) }));
        for (const b of buckets) {
          for (const pk of b.pks) size += 4 + 1 + 1 + 4 + name.length + 4 + b.key.length + 4 + pk.length;
          count += b.pks.length;
        }
        groups.push({ cid: c.id, kind: kind === 'unique' ? 1 : 2, name, buckets });
      }
    }
  }
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, 2, true);
  dv.setUint32(2, count, true);
  let at = 6;
  for (const g of groups) {
    for (const b of g.buckets) {
      for (const pk of b.pks) {
        dv.setUint32(at, g.cid, true);
        out[at + 4] = g.kind;
        out[at + 5] = 1;
        dv.setUint32(at + 6, g.name.length, true);
        out.set(g.name, at + 10);
        at += 10 + g.name.length;
        dv.setUint32(at, b.key.length, true);
        out.set(b.key, at + 4);
        at += 4 + b.key.length;
        dv.setUint32(at, pk.length, true);
        at += 4;
        for (let i = 0; i < pk.length; i++) out[at + i] = pk.charCodeAt(i);
        at += pk.length;
      }
    }
  }
  return out;
}

const utf8 = new TextEncoder();

/** The three piece lists of a checkpoint of `state`. */
export function buildCheckpointPieces(state: EngineState): CheckpointPieces {
  const catalog: Uint8Array[] = [];
  const records: Uint8Array[] = [];
  let recordBytes = 0;
  for (const c of state.catalog.list()) {
    catalog.push(...flattenedCatalog(c));
    const layout = layoutOf(c);
    const recordVersion = recordVersionFor(c.fields);
    for (const r of state.rows.sortedByKey(c.id)) {
      const p = encodedRow(c, layout, r, recordVersion);
      recordBytes += p.length;
      records.push(p);
    }
  }
  return { catalog, records, indexBlob: encodeIndexBlob(state), recordBytes };
}
