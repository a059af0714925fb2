/**
 * Record payloads (FORMAT.md §8): one row write or delete of one collection.
 *
 *   u16 version | u32 collection_id | u32 schema_version | u8 op | tagged PK | u32 field_count | body
 *
 * Version 1 bodies are tagged scalars, version 2 row values in body-field order, version 3
 * (path, row value) entries in any order. Writers emit v3 iff the field list has a
 * multi-segment path, else v2.
 *
 * Per-layout work (body-field lists, encoded v3 paths, path lookup) is computed once per
 * field-list array and cached, so the per-record paths do no allocation beyond the values.
 */
import { schemaError, formatError, type ModelVaultError } from '../errors.ts';
import type { FieldDef, Type } from '../schema/types.ts';
import { freezeRow, hasField, isPlainObjectValue, setField, type Row, type ScalarValue, type Value } from '../schema/values.ts';
import { ByteReader, ByteWriter, encodeUtf8 } from './bytes.ts';
import type { ByteStorage } from './bytes.ts';
import { newDecodeBudget, readRowValue, writeRowValue } from './row-value.ts';
import {
  readTaggedScalar,
  recordTypeMismatch,
  truncatedRecord,
  unsupportedRecordType,
  writeTaggedScalar,
  invalidRecordUtf8,
  isWellFormedString,
} from './scalar.ts';

export const OP_INSERT = 1;
export const OP_REPLACE = 2;
export const OP_DELETE = 3;

export interface RecordLayout {
  collectionId: number;
  primaryField: string;
  pkType: Type;
  /**
   * The collection's full field list (incl. the PK field) at some schema version. Treated as
   * immutable: per-layout tables are cached by this array's identity, so pass the same array
   * (e.g. the catalog's) on every call rather than a copy.
   */
  fields: readonly FieldDef[];
}

export interface DecodedRecord {
  version: 1 | 2 | 3;
  collectionId: number;
  schemaVersion: number;
  op: number;
  pk: ScalarValue;
  /** Includes the PK field; null for op 3. */
  row: Row | null;
}

const MAX_V3_SEGMENTS = 255;
const MAX_V3_SEGMENT_BYTES = 65535;

const invalidFieldPath = (why: string): ModelVaultError => schemaError('InvalidFieldPath', `invalid field path: ${why}`);

interface LayoutInfo {
  /** v1/v2 body: one-segment fields except the PK, in field-list order. */
  readonly body12: readonly FieldDef[];
  readonly names12: readonly string[];
  /** v3 body: every field except the one-segment PK field. */
  readonly body3: readonly FieldDef[];
  /** Encoded v3 path of each body3 field; null when unencodable (too many/long segments). */
  readonly paths3: readonly (Uint8Array | null)[];
  /** pathKey(path) → index into body3. */
  readonly index3: ReadonlyMap<string, number>;
  readonly hasMultiSegment: boolean;
}

const layoutCache = new WeakMap<readonly FieldDef[], Map<string, LayoutInfo>>();

/** Unambiguous string form of a path (segments may contain any character). */
function pathKey(path: readonly string[]): string {
  let k = '';
  for (const seg of path) k += `${seg.length}:${seg}`;
  return k;
}

function encodeV3Path(path: readonly string[]): Uint8Array | null {
  if (path.length === 0 || path.length > MAX_V3_SEGMENTS) return null;
  const w = new ByteWriter(16);
  w.u8(path.length);
  for (const seg of path) {
    if (!isWellFormedString(seg)) return null;
    const b = encodeUtf8(seg);
    if (b.length === 0 || b.length > MAX_V3_SEGMENT_BYTES) return null;
    w.u16(b.length).bytes(b);
  }
  return w.finish();
}

function layoutInfo(fields: readonly FieldDef[], primaryField: string): LayoutInfo {
  let byPk = layoutCache.get(fields);
  if (byPk === undefined) {
    byPk = new Map();
    layoutCache.set(fields, byPk);
  }
  let info = byPk.get(primaryField);
  if (info !== undefined) return info;
  const body12: FieldDef[] = [];
  const body3: FieldDef[] = [];
  let hasMultiSegment = false;
  for (const f of fields) {
    if (f.path.length > 1) hasMultiSegment = true;
    const isPk = f.path.length === 1 && f.path[0] === primaryField;
    if (isPk) continue;
    body3.push(f);
    if (f.path.length === 1) body12.push(f);
  }
  const index3 = new Map<string, number>();
  // The first field with a given path wins; valid catalogs have unique paths anyway.
  for (let i = body3.length - 1; i >= 0; i--) index3.set(pathKey(body3[i]!.path), i);
  info = {
    body12,
    names12: body12.map((f) => f.path[0]!),
    body3,
    paths3: body3.map((f) => encodeV3Path(f.path)),
    index3,
    hasMultiSegment,
  };
  byPk.set(primaryField, info);
  return info;
}

/** The body fields of §8.3 for a record version (1 and 2 share one list). */
export function bodyFields(layout: RecordLayout, version: number): readonly FieldDef[] {
  const info = layoutInfo(layout.fields, layout.primaryField);
  return version === 3 ? info.body3 : info.body12;
}

/** The record version a writer emits for this field list (§8.9). */
export function recordVersionFor(fields: readonly FieldDef[]): 2 | 3 {
  for (const f of fields) if (f.path.length > 1) return 3;
  return 2;
}

// ---------------------------------------------------------------------------------------
// Decoding

export interface RecordHeader {
  readonly version: number;
  readonly collectionId: number;
  /** Throws `TruncatedRecordPayload` when the payload is shorter than 10 bytes. */
  readonly schemaVersion: number;
}

/** §8.10 step 1: the prefix needed to route a record before decoding it. */
export function peekRecordHeader(payload: Uint8Array): RecordHeader {
  if (payload.length < 6) throw truncatedRecord();
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const version = view.getUint16(0, true);
  const collectionId = view.getUint32(2, true);
  return {
    version,
    collectionId,
    get schemaVersion(): number {
      if (payload.length < 10) throw truncatedRecord();
      return view.getUint32(6, true);
    },
  };
}

export function decodeRecord(payload: Uint8Array, layout: RecordLayout): DecodedRecord {
  const r = new ByteReader(payload, truncatedRecord);
  const version = r.u16();
  if (version < 1 || version > 3) {
    throw formatError('UnknownRecordPayloadVersion', `unknown record payload version ${version}`, { got: version });
  }
  const collectionId = r.u32();
  const schemaVersion = r.u32();
  const op = r.u8();
  const pk = readTaggedScalar(r, layout.pkType);
  const fieldCount = r.u32();
  let row: Row | null = null;
  if (op === OP_DELETE) {
    if (fieldCount !== 0) throw recordTypeMismatch('delete record with a non-zero field count');
  } else {
    const info = layoutInfo(layout.fields, layout.primaryField);
    row = {};
    setField(row, layout.primaryField, pk);
    if (version === 3) readBodyV3(r, info, fieldCount, row);
    else {
      const body = info.body12;
      if (fieldCount !== body.length) {
        throw recordTypeMismatch(`field count ${fieldCount}, schema has ${body.length} body fields`);
      }
      const names = info.names12;
      if (version === 2) {
        const budget = newDecodeBudget();
        for (let i = 0; i < body.length; i++) setField(row, names[i]!, readRowValue(r, body[i]!.type, budget));
      } else {
        for (let i = 0; i < body.length; i++) setField(row, names[i]!, readTaggedScalar(r, body[i]!.type));
      }
    }
  }
  if (r.remaining !== 0) throw formatError('TrailingRecordPayload', 'trailing bytes after record payload');
  // Decoded rows are stored rows: frozen (schema/values.ts `freezeRow`).
  return { version: version as 1 | 2 | 3, collectionId, schemaVersion, op, pk, row: row === null ? null : freezeRow(row) };
}

function matchesAt(buf: Uint8Array, at: number, end: number, expected: Uint8Array): boolean {
  if (expected.length > end - at) return false;
  for (let i = 0; i < expected.length; i++) if (buf[at + i] !== expected[i]) return false;
  return true;
}

/** Parses a v3 path (u8 count, u16-length segments) and returns its body3 index. */
function readV3PathIndex(r: ByteReader, info: LayoutInfo): number {
  const count = r.u8();
  if (count === 0) throw invalidFieldPath('no segments');
  let key = '';
  for (let i = 0; i < count; i++) {
    const len = r.u16();
    if (len === 0) throw invalidFieldPath('empty segment');
    const seg = r.utf8(len, () => invalidFieldPath('invalid UTF-8'));
    key += `${seg.length}:${seg}`;
  }
  const idx = info.index3.get(key);
  if (idx === undefined) throw recordTypeMismatch('v3 path names no body field');
  return idx;
}

function readBodyV3(r: ByteReader, info: LayoutInfo, fieldCount: number, row: Row): void {
  const body = info.body3;
  if (fieldCount !== body.length) {
    throw recordTypeMismatch(`field count ${fieldCount}, schema has ${body.length} body fields`);
  }
  const seen = new Uint8Array(body.length);
  const budget = newDecodeBudget();
  for (let n = 0; n < fieldCount; n++) {
    // Writers emit body-field order, so first try the expected path's exact bytes.
    let idx: number;
    const expected = info.paths3[n];
    if (expected != null && matchesAt(r.buf, r.pos, r.end, expected)) {
      r.pos += expected.length;
      idx = n;
    } else {
      idx = readV3PathIndex(r, info);
    }
    if (seen[idx] !== 0) throw recordTypeMismatch('v3 path occurs twice');
    seen[idx] = 1;
    const field = body[idx]!;
    const value = readRowValue(r, field.type, budget);
    placeAtPath(row, field.path, value);
  }
}

/** §8.6 row rebuilding: intermediate segments become (or reuse) objects. */
function placeAtPath(row: Row, path: readonly string[], value: Value): void {
  let parent: { [key: string]: Value } = row;
  const last = path.length - 1;
  for (let i = 0; i < last; i++) {
    const seg = path[i]!;
    const existing = hasField(parent, seg) ? parent[seg] : undefined;
    if (isPlainObjectValue(existing)) parent = existing;
    else {
      const next: { [key: string]: Value } = {};
      setField(parent, seg, next);
      parent = next;
    }
  }
  setField(parent, path[last]!, value);
}

// ---------------------------------------------------------------------------------------
// Encoding

/**
 * Encodes one record (v3 iff the field list has a multi-segment path, else v2). A body
 * field missing from `row` encodes as None, which only an Optional type accepts. For v3 the
 * value of a multi-segment field is found by walking `row` through objects.
 */
export function encodeRecord(
  layout: RecordLayout,
  op: 1 | 2 | 3,
  schemaVersion: number,
  pk: ScalarValue,
  row: Row | null,
  /** Where the payload's bytes go (default: a buffer of its own). */
  storage?: ByteStorage,
): Uint8Array {
  // One scratch writer for all calls (encoding never re-enters itself); finish() copies.
  scratch.pos = 0;
  writeRecord(scratch, layout, op, schemaVersion, pk, row);
  return storage === undefined ? scratch.finish() : scratch.finishInto(storage);
}

const scratch = new ByteWriter(1024);

/**
 * `encodeRecord` appending to an existing writer (e.g. a whole commit group's buffer). On
 * error the writer may hold a partial record; callers rewind `w.pos` to where they started.
 */
export function writeRecord(
  w: ByteWriter,
  layout: RecordLayout,
  op: 1 | 2 | 3,
  schemaVersion: number,
  pk: ScalarValue,
  row: Row | null,
): void {
  const info = layoutInfo(layout.fields, layout.primaryField);
  const version = info.hasMultiSegment ? 3 : 2;
  if (layout.collectionId >>> 0 !== layout.collectionId || schemaVersion >>> 0 !== schemaVersion) {
    throw recordTypeMismatch('collection id and schema version must be u32');
  }
  if (op !== OP_INSERT && op !== OP_REPLACE && op !== OP_DELETE) throw recordTypeMismatch(`op ${String(op)}`);
  w.u16(version).u32(layout.collectionId).u32(schemaVersion).u8(op);
  const pkType = layout.pkType;
  if (typeof pkType !== 'string') throw unsupportedRecordType();
  writeTaggedScalar(w, pkType, pk);
  if (op === OP_DELETE) {
    w.u32(0);
    return;
  }
  const src: Row = row ?? {};
  if (version === 2) {
    const body = info.body12;
    const names = info.names12;
    w.u32(body.length);
    for (let i = 0; i < body.length; i++) {
      const name = names[i]!;
      writeRowValue(w, body[i]!.type, hasField(src, name) ? src[name] : undefined);
    }
  } else {
    const body = info.body3;
    w.u32(body.length);
    for (let i = 0; i < body.length; i++) {
      const path = info.paths3[i];
      if (path == null) throw invalidFieldPath('v3 paths allow 1..=255 segments of 1..=65535 bytes');
      w.bytes(path);
      writeRowValue(w, body[i]!.type, valueAtPath(src, body[i]!.path));
    }
  }
}

function valueAtPath(row: Row, path: readonly string[]): Value | undefined {
  let cur: Value | undefined = row;
  for (const seg of path) {
    if (!isPlainObjectValue(cur) || !hasField(cur, seg)) return undefined;
    cur = cur[seg];
  }
  return cur;
}

// Re-exported so engine code can build readers with the record EOF error.
export { truncatedRecord, invalidRecordUtf8 };
