/**
 * Catalog records: the payload of Schema segments (FORMAT.md §6).
 *
 * Decoding accepts catalog versions 1–4 and reports failures exactly as the reference does:
 * `Format.InvalidCatalogPayload` whose `message` is the reference's failure name
 * (`UnexpectedEof`, `TypeNestingTooDeep { max: 32 }`, …), except empty paths/segments which
 * are `Schema.InvalidFieldPath`. Encoding always writes version 4 and refuses anything the
 * decoder would reject, so this port never writes a Schema segment that makes a file
 * unopenable.
 */
import { formatError, schemaError, type ModelVaultError } from '../errors.ts';
import type { Constraint, FieldDef, IndexDef, Type } from '../schema/types.ts';
import { ByteReader, ByteWriter, encodeUtf8 } from './bytes.ts';
import { isWellFormedString } from './scalar.ts';

export const CATALOG_VERSION = 4;
export const MAX_TYPE_DEPTH = 32;
export const MAX_NAME_BYTES = 1023;

export const ENTRY_CREATE_COLLECTION = 1;
export const ENTRY_NEW_SCHEMA_VERSION = 2;

export type CatalogRecord =
  | {
      kind: 'create';
      catalogVersion: number;
      collectionId: number;
      name: string;
      schemaVersion: number;
      fields: FieldDef[];
      indexes: IndexDef[];
      primaryField: string | null;
    }
  | {
      kind: 'new_version';
      catalogVersion: number;
      collectionId: number;
      schemaVersion: number;
      fields: FieldDef[];
      indexes: IndexDef[];
    };

/** `details.message` repeats the message so callers can assert on it without parsing. */
export function catalogError(message: string, extra: Record<string, unknown> = {}): ModelVaultError {
  return formatError('InvalidCatalogPayload', message, { message, ...extra });
}

const unexpectedEof = (): ModelVaultError => catalogError('UnexpectedEof');
const invalidUtf8 = (): ModelVaultError => catalogError('InvalidUtf8');
const invalidFieldPath = (why: string): ModelVaultError => schemaError('InvalidFieldPath', `invalid field path: ${why}`);

const TYPE_TAGS: Record<string, number> = {
  bool: 0,
  int64: 1,
  uint64: 2,
  float64: 3,
  string: 4,
  bytes: 5,
  uuid: 6,
  timestamp: 7,
};
const SCALAR_BY_TAG = ['bool', 'int64', 'uint64', 'float64', 'string', 'bytes', 'uuid', 'timestamp'] as const;
const TAG_OPTIONAL = 8;
const TAG_LIST = 9;
const TAG_OBJECT = 10;
const TAG_ENUM = 11;

const CONSTRAINT_TAGS = {
  min_i64: 1,
  max_i64: 2,
  min_u64: 3,
  max_u64: 4,
  min_f64: 5,
  max_f64: 6,
  min_length: 7,
  max_length: 8,
  regex: 9,
  email: 10,
  url: 11,
  non_empty: 12,
} as const;
const CONSTRAINT_BY_TAG = [
  '',
  'min_i64',
  'max_i64',
  'min_u64',
  'max_u64',
  'min_f64',
  'max_f64',
  'min_length',
  'max_length',
  'regex',
  'email',
  'url',
  'non_empty',
] as const;

const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
const U64_MAX = (1n << 64n) - 1n;
const U32_MAX = 0xffffffff;

// Shared scratch for f64 <-> bit pattern conversion (constraints store raw bits).
const f64Scratch = new DataView(new ArrayBuffer(8));

// ---------------------------------------------------------------------------------------
// Decoding

export function decodeCatalogRecord(payload: Uint8Array): CatalogRecord {
  const r = new ByteReader(payload, unexpectedEof);
  const catalogVersion = r.u16();
  if (catalogVersion < 1 || catalogVersion > 4) {
    throw catalogError(`UnknownCatalogPayloadVersion { got: ${catalogVersion} }`, { got: catalogVersion });
  }
  const entryKind = r.u16();
  let rec: CatalogRecord;
  if (entryKind === ENTRY_CREATE_COLLECTION) {
    const collectionId = r.u32();
    const nameLen = r.u32();
    if (nameLen === 0) throw catalogError('EmptyCollectionName');
    if (nameLen > MAX_NAME_BYTES) throw catalogError(`CollectionNameTooLong { got: ${nameLen} }`, { got: nameLen });
    const name = r.utf8(nameLen, invalidUtf8);
    const schemaVersion = r.u32();
    const fields = readFieldList(r, catalogVersion);
    const indexes = catalogVersion >= 4 ? readIndexList(r) : [];
    let primaryField: string | null = null;
    if (catalogVersion >= 2) {
      const pLen = r.u32();
      if (pLen > MAX_NAME_BYTES) throw catalogError(`CollectionNameTooLong { got: ${pLen} }`, { got: pLen });
      if (pLen > 0) primaryField = r.utf8(pLen, invalidUtf8);
    }
    rec = { kind: 'create', catalogVersion, collectionId, name, schemaVersion, fields, indexes, primaryField };
  } else if (entryKind === ENTRY_NEW_SCHEMA_VERSION) {
    const collectionId = r.u32();
    const schemaVersion = r.u32();
    const fields = readFieldList(r, catalogVersion);
    const indexes = catalogVersion >= 4 ? readIndexList(r) : [];
    rec = { kind: 'new_version', catalogVersion, collectionId, schemaVersion, fields, indexes };
  } else {
    throw catalogError(`UnknownEntryKind { got: ${entryKind} }`, { got: entryKind });
  }
  if (r.remaining !== 0) throw catalogError('TrailingBytes');
  return rec;
}

function readFieldList(r: ByteReader, catalogVersion: number): FieldDef[] {
  // Counts are bounded by the bytes available: every field consumes at least 9 bytes.
  const count = r.u32();
  const fields: FieldDef[] = [];
  for (let i = 0; i < count; i++) {
    const path = readFieldPath(r);
    const type = readType(r, 0);
    const constraints = catalogVersion >= 3 ? readConstraintList(r) : [];
    fields.push({ path, type, constraints });
  }
  return fields;
}

/** §6.5: u32 segment count (≥ 1), then u32-length-prefixed non-empty UTF-8 segments. */
export function readFieldPath(r: ByteReader): string[] {
  const count = r.u32();
  if (count === 0) throw invalidFieldPath('no segments');
  const path: string[] = [];
  for (let i = 0; i < count; i++) {
    const len = r.u32();
    const seg = r.utf8(len, invalidUtf8);
    if (len === 0) throw invalidFieldPath('empty segment');
    path.push(seg);
  }
  return path;
}

/** §6.6. `depth` is checked before the tag is read, as the reference does. */
export function readType(r: ByteReader, depth: number): Type {
  if (depth > MAX_TYPE_DEPTH) throw catalogError(`TypeNestingTooDeep { max: ${MAX_TYPE_DEPTH} }`, { max: MAX_TYPE_DEPTH });
  const tag = r.u8();
  if (tag < 8) return SCALAR_BY_TAG[tag]!;
  switch (tag) {
    case TAG_OPTIONAL:
      return { optional: readType(r, depth + 1) };
    case TAG_LIST:
      return { list: readType(r, depth + 1) };
    case TAG_OBJECT: {
      const count = r.u32();
      const members: FieldDef[] = [];
      for (let i = 0; i < count; i++) {
        const path = readFieldPath(r);
        const type = readType(r, depth + 1);
        members.push({ path, type, constraints: [] });
      }
      return { object: members };
    }
    case TAG_ENUM: {
      const count = r.u32();
      const variants: string[] = [];
      for (let i = 0; i < count; i++) {
        const len = r.u32();
        variants.push(r.utf8(len, invalidUtf8));
      }
      return { enum: variants };
    }
    default:
      throw catalogError(`unknown type tag ${tag}`, { tag });
  }
}

function readConstraintList(r: ByteReader): Constraint[] {
  const count = r.u32();
  const out: Constraint[] = [];
  for (let i = 0; i < count; i++) out.push(readConstraint(r));
  return out;
}

export function readConstraint(r: ByteReader): Constraint {
  const tag = r.u8();
  switch (tag) {
    case 1:
    case 2:
      return { kind: CONSTRAINT_BY_TAG[tag] as 'min_i64' | 'max_i64', value: r.i64() };
    case 3:
    case 4:
    case 7:
    case 8:
      return { kind: CONSTRAINT_BY_TAG[tag] as 'min_u64' | 'max_u64' | 'min_length' | 'max_length', value: r.u64() };
    case 5:
    case 6: {
      f64Scratch.setBigUint64(0, r.u64(), true);
      return { kind: CONSTRAINT_BY_TAG[tag] as 'min_f64' | 'max_f64', value: f64Scratch.getFloat64(0, true) };
    }
    case 9: {
      const len = r.u32();
      return { kind: 'regex', value: r.utf8(len, invalidUtf8) };
    }
    case 10:
    case 11:
    case 12:
      return { kind: CONSTRAINT_BY_TAG[tag] as 'email' | 'url' | 'non_empty' };
    default:
      throw catalogError(`unknown constraint tag ${tag}`, { tag });
  }
}

function readIndexList(r: ByteReader): IndexDef[] {
  const count = r.u32();
  const out: IndexDef[] = [];
  for (let i = 0; i < count; i++) {
    const kindByte = r.u8();
    if (kindByte !== 1 && kindByte !== 2) throw catalogError(`UnknownIndexKind { got: ${kindByte} }`, { got: kindByte });
    const path = readFieldPath(r);
    const nameLen = r.u32();
    if (nameLen === 0) throw catalogError('EmptyIndexName');
    if (nameLen > MAX_NAME_BYTES) throw catalogError(`IndexNameTooLong { got: ${nameLen} }`, { got: nameLen });
    const name = r.utf8(nameLen, invalidUtf8);
    out.push({ name, path, kind: kindByte === 1 ? 'unique' : 'non_unique' });
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Encoding (always catalog version 4)

export function encodeCatalogRecord(rec: CatalogRecord): Uint8Array {
  const w = new ByteWriter(256);
  w.u16(CATALOG_VERSION);
  if (rec.kind === 'create') {
    w.u16(ENTRY_CREATE_COLLECTION);
    writeU32(w, rec.collectionId, 'collection id');
    const name = utf8Of(rec.name);
    if (name.length === 0) throw catalogError('EmptyCollectionName');
    if (name.length > MAX_NAME_BYTES) throw catalogError(`CollectionNameTooLong { got: ${name.length} }`, { got: name.length });
    w.u32(name.length).bytes(name);
    writeU32(w, rec.schemaVersion, 'schema version');
    writeFieldList(w, rec.fields);
    writeIndexList(w, rec.indexes);
    // An empty primary name would read back as "no primary field"; both encode as length 0.
    const primary = utf8Of(rec.primaryField ?? '');
    if (primary.length > MAX_NAME_BYTES) {
      throw catalogError(`CollectionNameTooLong { got: ${primary.length} }`, { got: primary.length });
    }
    w.u32(primary.length).bytes(primary);
  } else if (rec.kind === 'new_version') {
    w.u16(ENTRY_NEW_SCHEMA_VERSION);
    writeU32(w, rec.collectionId, 'collection id');
    writeU32(w, rec.schemaVersion, 'schema version');
    writeFieldList(w, rec.fields);
    writeIndexList(w, rec.indexes);
  } else {
    throw catalogError(`UnknownEntryKind { got: ${String((rec as { kind: unknown }).kind)} }`);
  }
  return w.finish();
}

function writeU32(w: ByteWriter, v: number, what: string): void {
  if (!Number.isInteger(v) || v < 0 || v > U32_MAX) throw catalogError(`${what} out of u32 range: ${v}`);
  w.u32(v);
}

function writeCount(w: ByteWriter, n: number): void {
  if (n > U32_MAX) throw catalogError(`count ${n} exceeds u32`);
  w.u32(n);
}

/** UTF-8 of a catalog string; unpaired surrogates would be stored as U+FFFD, so refuse them. */
function utf8Of(s: string): Uint8Array {
  if (!isWellFormedString(s)) throw catalogError('InvalidUtf8');
  return encodeUtf8(s);
}

function writeString(w: ByteWriter, s: string): void {
  const b = utf8Of(s);
  writeCount(w, b.length);
  w.bytes(b);
}

function writeFieldList(w: ByteWriter, fields: readonly FieldDef[]): void {
  if (!Array.isArray(fields)) throw catalogError('field list must be an array');
  writeCount(w, fields.length);
  for (const f of fields) {
    writeFieldPath(w, f.path);
    writeType(w, f.type, 0);
    writeConstraintList(w, f.constraints ?? []);
  }
}

export function writeFieldPath(w: ByteWriter, path: readonly string[]): void {
  if (!Array.isArray(path) || path.length === 0) throw invalidFieldPath('no segments');
  writeCount(w, path.length);
  for (const seg of path) {
    if (typeof seg !== 'string' || seg.length === 0) throw invalidFieldPath('empty segment');
    writeString(w, seg);
  }
}

/** Refuses nesting the decoder would reject, so every written type reads back. */
export function writeType(w: ByteWriter, t: Type, depth: number): void {
  if (depth > MAX_TYPE_DEPTH) throw catalogError(`TypeNestingTooDeep { max: ${MAX_TYPE_DEPTH} }`, { max: MAX_TYPE_DEPTH });
  if (typeof t === 'string') {
    const tag = TYPE_TAGS[t];
    if (tag === undefined || !Object.prototype.hasOwnProperty.call(TYPE_TAGS, t)) throw catalogError(`unknown type ${t}`);
    w.u8(tag);
    return;
  }
  if (typeof t !== 'object' || t === null) throw catalogError('invalid type');
  if ('optional' in t) {
    w.u8(TAG_OPTIONAL);
    writeType(w, t.optional, depth + 1);
  } else if ('list' in t) {
    w.u8(TAG_LIST);
    writeType(w, t.list, depth + 1);
  } else if ('object' in t) {
    if (!Array.isArray(t.object)) throw catalogError('object members must be an array');
    w.u8(TAG_OBJECT);
    writeCount(w, t.object.length);
    for (const m of t.object) {
      writeFieldPath(w, m.path);
      writeType(w, m.type, depth + 1);
    }
  } else if ('enum' in t) {
    if (!Array.isArray(t.enum)) throw catalogError('enum variants must be an array');
    w.u8(TAG_ENUM);
    writeCount(w, t.enum.length);
    for (const v of t.enum) {
      if (typeof v !== 'string') throw catalogError('enum variant must be a string');
      writeString(w, v);
    }
  } else {
    throw catalogError('invalid type');
  }
}

function writeConstraintList(w: ByteWriter, cs: readonly Constraint[]): void {
  if (!Array.isArray(cs)) throw catalogError('constraint list must be an array');
  writeCount(w, cs.length);
  for (const c of cs) writeConstraint(w, c);
}

export function writeConstraint(w: ByteWriter, c: Constraint): void {
  const tag = (CONSTRAINT_TAGS as Record<string, number>)[c.kind];
  if (tag === undefined || !Object.prototype.hasOwnProperty.call(CONSTRAINT_TAGS, c.kind)) {
    throw catalogError(`unknown constraint kind ${String(c.kind)}`);
  }
  w.u8(tag);
  switch (c.kind) {
    case 'min_i64':
    case 'max_i64':
      if (typeof c.value !== 'bigint' || c.value < I64_MIN || c.value > I64_MAX) {
        throw catalogError(`${c.kind} value must be an int64 bigint`);
      }
      w.i64(c.value);
      return;
    case 'min_u64':
    case 'max_u64':
    case 'min_length':
    case 'max_length':
      if (typeof c.value !== 'bigint' || c.value < 0n || c.value > U64_MAX) {
        throw catalogError(`${c.kind} value must be a uint64 bigint`);
      }
      w.u64(c.value);
      return;
    case 'min_f64':
    case 'max_f64':
      if (typeof c.value !== 'number') throw catalogError(`${c.kind} value must be a number`);
      w.f64(c.value);
      return;
    case 'regex':
      if (typeof c.value !== 'string') throw catalogError('regex value must be a string');
      writeString(w, c.value);
      return;
    default:
      return;
  }
}

function writeIndexList(w: ByteWriter, indexes: readonly IndexDef[]): void {
  if (!Array.isArray(indexes)) throw catalogError('index list must be an array');
  writeCount(w, indexes.length);
  for (const ix of indexes) {
    if (ix.kind !== 'unique' && ix.kind !== 'non_unique') {
      throw catalogError(`UnknownIndexKind { got: ${String(ix.kind)} }`);
    }
    w.u8(ix.kind === 'unique' ? 1 : 2);
    writeFieldPath(w, ix.path);
    const name = utf8Of(typeof ix.name === 'string' ? ix.name : '');
    if (name.length === 0) throw catalogError('EmptyIndexName');
    if (name.length > MAX_NAME_BYTES) throw catalogError(`IndexNameTooLong { got: ${name.length} }`, { got: name.length });
    w.u32(name.length).bytes(name);
  }
}

/** Standalone type codec (tests, dumps). */
export function encodeType(t: Type): Uint8Array {
  const w = new ByteWriter(16);
  writeType(w, t, 0);
  return w.finish();
}

export function decodeType(bytes: Uint8Array): Type {
  const r = new ByteReader(bytes, unexpectedEof);
  const t = readType(r, 0);
  if (r.remaining !== 0) throw catalogError('TrailingBytes');
  return t;
}
