/**
 * The logical content of a database as the golden files' JSON (golden README: "Schema
 * encoding", "JSON value encoding"): collections in id order with their schema, rows sorted
 * by primary key value, and every current index's contents sorted by key value.
 */
import type { Json } from '../schema/tagged-json.ts';
import { fieldToJson, indexToJson, rowToJson, scalarToJson } from '../schema/tagged-json.ts';
import type { ScalarType } from '../schema/types.ts';
import { compareKeyValues } from './database.ts';
import type { Database } from './database.ts';

export interface DumpIndex {
  index: string;
  entry_count: number;
  entries: { key: Json; key_hex: string; pks: Json[] }[];
}

export interface DumpCollection {
  id: number;
  name: string;
  schema_version: number;
  primary_field: string | null;
  fields: Json[];
  indexes: Json[];
  row_count: number;
  rows: Json[];
  index_contents: DumpIndex[];
}

function hex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

export function dumpDatabase(db: Database): DumpCollection[] {
  return db.collections().map((c) => {
    const pkField = c.primaryField === null ? undefined : c.fields.find((f) => f.path.length === 1 && f.path[0] === c.primaryField);
    const pkType = pkField !== undefined && typeof pkField.type === 'string' ? (pkField.type as ScalarType) : null;
    const stored = db.state.rows.sortedByKey(c.id);
    if (pkType !== null) stored.sort((a, b) => compareKeyValues(pkType, a.pk, b.pk));
    const index_contents: DumpIndex[] = c.indexes.map((d) => {
      const entries = db.indexContents(c.id, d.name).map((e) => ({
        key: scalarToJson(e.keyType, e.key),
        key_hex: hex(e.keyBytes),
        pks: e.pks.map((pk) => scalarToJson(pkType!, pk)),
      }));
      return { index: d.name, entry_count: entries.length, entries };
    });
    return {
      id: c.id,
      name: c.name,
      schema_version: c.schemaVersion,
      primary_field: c.primaryField,
      fields: c.fields.map(fieldToJson),
      indexes: c.indexes.map(indexToJson),
      row_count: stored.length,
      rows: stored.map((r) => rowToJson(c.fields, r.row)),
      index_contents,
    };
  });
}
