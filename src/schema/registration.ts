/**
 * Registration checks (BEHAVIOR.md §3.1–§3.2, FORMAT.md §6.11–§6.13). The reference appends
 * a catalog record and validates afterwards, so a refused registration can leave a record
 * that makes the file unopenable; here everything a reader would refuse is refused first,
 * and nothing reaches the log until these functions return.
 *
 * Order: the reference's checks in its order, then the port's additions (each a record the
 * reference would write but its decoder — or its record encoder — cannot handle):
 * - paths: ≤ 255 segments, ≤ 65 535 UTF-8 bytes per segment (record v3 limits), no lone
 *   surrogates → `Schema.InvalidFieldPath`;
 * - types: nesting depth ≤ 32 → `Schema.TypeNestingTooDeep{max: 32}`; object members have a
 *   one-segment non-empty path, unique within the object → `Schema.InvalidFieldPath`;
 *   enum variants valid Unicode → `Schema.InvalidType`;
 * - constraints: arguments in range for their encoding (i64 / u64) and no constraints on
 *   object members (the catalog cannot store them, so they would silently vanish on reopen,
 *   BEHAVIOR §1.5) → `Schema.InvalidConstraint`;
 * - indexes: name 1..=1023 UTF-8 bytes and unique in the collection → `Schema.InvalidIndexName`;
 *   path valid → `Schema.InvalidFieldPath`.
 * Malformed shapes from untyped callers (a type or constraint of unknown form, an index kind
 * other than unique/non_unique) → `Usage.InvalidArgument`.
 *
 * `strict: true` adds what the reference only discovers at write time: a non-primitive
 * primary key → `Schema.InvalidPrimaryKeyType`; a constraint that can never apply to its
 * field's type, or a regex that does not compile → `Schema.InvalidConstraint`.
 */
import { schemaError, usageError } from '../errors.ts';
import { findTopLevelField, validateFieldList, validateFieldPath } from './field-paths.ts';
import { MAX_NAME_BYTES, checkIndexName, normalizeCollectionName, normalizePrimaryFieldName } from './names.ts';
import { debugString } from './rust-display.ts';
import { collectSchemaProblems } from './evolution.ts';
import { compileRegex } from './regex.ts';
import { INT64_MAX, INT64_MIN, UINT64_MAX } from './scalars.ts';
import { isWellFormedUnicode, utf8ByteLength } from './text.ts';
import { SCALAR_TYPES, isEnum, isList, isObject, isOptional, isScalarType } from './types.ts';
import type { CollectionDef, Constraint, FieldDef, IndexDef, Type } from './types.ts';
import { valueKindOf } from './validate.ts';

/** FORMAT.md §6.6. */
export const MAX_TYPE_DEPTH = 32;
/** Record payload v3 path encoding (FORMAT.md §8.6): u8 segment count, u16 segment length. */
export const MAX_PATH_SEGMENTS = 255;
export const MAX_SEGMENT_BYTES = 65535;
/** Largest schema version (u32). */
export const MAX_SCHEMA_VERSION = 0xffffffff;

export interface RegistrationOptions {
  /** Refuse primary-key types and constraints that could never accept a write. */
  readonly strict?: boolean;
}

export interface CollectionRegistration {
  readonly name: string;
  readonly fields: readonly FieldDef[];
  readonly primaryField: string;
  readonly indexes?: readonly IndexDef[];
}

/** What a CreateCollection record will carry once every check passed. */
export interface CheckedRegistration {
  readonly name: string;
  readonly primaryField: string;
  readonly fields: readonly FieldDef[];
  readonly indexes: readonly IndexDef[];
}

function invalidPath(path: readonly string[], reason: string): never {
  throw schemaError('InvalidFieldPath', 'invalid field path', { path: [...path], reason });
}

/** Per-path limits beyond §6.12: record-v3 encodability and exact UTF-8 form. */
function checkPathLimits(path: readonly string[]): void {
  if (path.length > MAX_PATH_SEGMENTS) invalidPath(path, `more than ${MAX_PATH_SEGMENTS} segments`);
  for (const seg of path) {
    if (typeof seg !== 'string') invalidPath(path, 'segment is not a string');
    if (!isWellFormedUnicode(seg)) invalidPath(path, 'segment is not valid Unicode');
    if (seg.length > MAX_SEGMENT_BYTES || utf8ByteLength(seg) > MAX_SEGMENT_BYTES) {
      invalidPath(path, `segment longer than ${MAX_SEGMENT_BYTES} UTF-8 bytes`);
    }
  }
}

function checkPathShape(path: unknown): asserts path is readonly string[] {
  if (!Array.isArray(path) || !path.every((s) => typeof s === 'string')) {
    throw usageError('InvalidArgument', 'a field path must be an array of strings', { path });
  }
}

/** Type shape, depth, object members and enum variants (the field's own type is depth 0). */
export function checkType(type: Type, fieldPath: readonly string[], depth = 0): void {
  if (depth > MAX_TYPE_DEPTH) {
    throw schemaError('TypeNestingTooDeep', `type nesting deeper than ${MAX_TYPE_DEPTH} levels`, { max: MAX_TYPE_DEPTH, path: [...fieldPath] });
  }
  if (typeof type === 'string') {
    if (!(SCALAR_TYPES as readonly string[]).includes(type)) {
      throw usageError('InvalidArgument', `unknown type ${JSON.stringify(type)}`, { path: [...fieldPath] });
    }
    return;
  }
  if (typeof type !== 'object' || type === null) {
    throw usageError('InvalidArgument', 'a type must be a scalar name or an object', { path: [...fieldPath] });
  }
  if (isOptional(type)) return checkType(type.optional, fieldPath, depth + 1);
  if (isList(type)) return checkType(type.list, fieldPath, depth + 1);
  if (isEnum(type)) {
    if (!Array.isArray(type.enum) || !type.enum.every((v) => typeof v === 'string')) {
      throw usageError('InvalidArgument', 'enum variants must be strings', { path: [...fieldPath] });
    }
    for (const v of type.enum) {
      if (!isWellFormedUnicode(v)) throw schemaError('InvalidType', 'enum variant is not valid Unicode', { path: [...fieldPath] });
    }
    return;
  }
  if (isObject(type)) {
    if (!Array.isArray(type.object)) throw usageError('InvalidArgument', 'object members must be an array', { path: [...fieldPath] });
    const seen = new Set<string>();
    for (const member of type.object) {
      checkPathShape(member.path);
      const memberPath = [...fieldPath, ...member.path];
      if (member.path.length !== 1) invalidPath(memberPath, 'object member paths must have exactly one segment');
      const key = member.path[0]!;
      if (key.length === 0) invalidPath(memberPath, 'object member name is empty');
      checkPathLimits(member.path);
      if (seen.has(key)) invalidPath(memberPath, 'duplicate object member');
      seen.add(key);
      if (!Array.isArray(member.constraints)) throw usageError('InvalidArgument', 'constraints must be an array', { path: memberPath });
      if (member.constraints.length > 0) {
        throw schemaError('InvalidConstraint', 'constraints on object members are not supported (the catalog cannot persist them)', {
          path: memberPath,
        });
      }
      checkType(member.type, memberPath, depth + 1);
    }
    return;
  }
  throw usageError('InvalidArgument', 'unknown type shape', { path: [...fieldPath] });
}

const I64_KINDS = new Set(['min_i64', 'max_i64']);
const U64_KINDS = new Set(['min_u64', 'max_u64', 'min_length', 'max_length']);

/** Constraint shapes and argument ranges (what the catalog encoding can hold). */
export function checkConstraint(c: Constraint, fieldPath: readonly string[]): void {
  const raw = c as { kind?: unknown; value?: unknown };
  const bad = (reason: string): never => {
    throw schemaError('InvalidConstraint', `invalid constraint: ${reason}`, { path: [...fieldPath], kind: raw.kind });
  };
  if (typeof raw.kind !== 'string') throw usageError('InvalidArgument', 'constraint without a kind', { path: [...fieldPath] });
  if (I64_KINDS.has(raw.kind)) {
    if (typeof raw.value !== 'bigint') bad(`${raw.kind} needs a bigint argument`);
    else if (raw.value < INT64_MIN || raw.value > INT64_MAX) bad(`${raw.kind} argument out of int64 range`);
    return;
  }
  if (U64_KINDS.has(raw.kind)) {
    if (typeof raw.value !== 'bigint') bad(`${raw.kind} needs a bigint argument`);
    else if (raw.value < 0n || raw.value > UINT64_MAX) bad(`${raw.kind} argument out of uint64 range`);
    return;
  }
  if (raw.kind === 'min_f64' || raw.kind === 'max_f64') {
    if (typeof raw.value !== 'number') bad(`${raw.kind} needs a number argument`);
    return;
  }
  if (raw.kind === 'regex') {
    if (typeof raw.value !== 'string') bad('regex needs a string pattern');
    else if (!isWellFormedUnicode(raw.value)) bad('regex pattern is not valid Unicode');
    return;
  }
  if (raw.kind === 'email' || raw.kind === 'url' || raw.kind === 'non_empty') return;
  throw usageError('InvalidArgument', `unknown constraint kind ${JSON.stringify(raw.kind)}`, { path: [...fieldPath] });
}

const CONSTRAINT_KINDS: Record<Constraint['kind'], readonly string[]> = {
  min_i64: ['int64'],
  max_i64: ['int64'],
  min_u64: ['uint64'],
  max_u64: ['uint64'],
  min_f64: ['float64'],
  max_f64: ['float64'],
  min_length: ['string', 'bytes', 'list'],
  max_length: ['string', 'bytes', 'list'],
  regex: ['string'],
  email: ['string'],
  url: ['string'],
  non_empty: ['string', 'bytes', 'list'],
};

/** Strict mode: a constraint that cannot apply to the field's type fails every write. */
function checkConstraintFits(field: FieldDef): void {
  const kind = valueKindOf(field.type);
  for (const c of field.constraints) {
    if (!CONSTRAINT_KINDS[c.kind].includes(kind)) {
      throw schemaError('InvalidConstraint', `invalid constraint: ${c.kind} does not apply to ${kind}`, { path: [...field.path], kind: c.kind });
    }
    if (c.kind === 'regex') {
      const compiled = compileRegex(c.value);
      if (!compiled.ok) {
        throw schemaError('InvalidConstraint', `invalid regex in schema: ${compiled.error}`, { path: [...field.path], kind: c.kind });
      }
    }
  }
}

/**
 * A field list fit for the catalog: §6.12 rules (`Schema.InvalidFieldPath`), then the port's
 * additions (module comment). Shapes are checked first so the rules never see malformed input.
 */
export function checkFields(fields: readonly FieldDef[], options: RegistrationOptions = {}): void {
  if (!Array.isArray(fields)) throw usageError('InvalidArgument', 'fields must be an array', {});
  for (const f of fields) {
    checkPathShape(f.path);
    if (!Array.isArray(f.constraints)) throw usageError('InvalidArgument', 'constraints must be an array', { path: f.path });
  }
  validateFieldList(fields);
  for (const f of fields) checkPathLimits(f.path);
  for (const f of fields) {
    checkType(f.type, f.path);
    for (const c of f.constraints) checkConstraint(c, f.path);
    if (options.strict === true) checkConstraintFits(f);
  }
}

/** Index names 1..=1023 bytes and unique; paths valid (FORMAT.md §6.7). */
export function checkIndexes(indexes: readonly IndexDef[]): void {
  if (!Array.isArray(indexes)) throw usageError('InvalidArgument', 'indexes must be an array', {});
  const names = new Set<string>();
  for (const ix of indexes) {
    checkIndexName(ix.name);
    if (names.has(ix.name)) throw schemaError('InvalidIndexName', `duplicate index name ${debugString(ix.name)}`, { name: ix.name });
    names.add(ix.name);
    if (ix.kind !== 'unique' && ix.kind !== 'non_unique') {
      throw usageError('InvalidArgument', `unknown index kind ${JSON.stringify(ix.kind)}`, { name: ix.name });
    }
    checkPathShape(ix.path);
    validateFieldPath(ix.path);
    for (const seg of ix.path) if (!isWellFormedUnicode(seg)) invalidPath(ix.path, 'segment is not valid Unicode');
  }
}

function checkPrimaryType(fields: readonly FieldDef[], primaryField: string): void {
  const pk = findTopLevelField(fields, primaryField);
  if (pk !== undefined && !isScalarType(pk.type)) {
    throw schemaError('InvalidPrimaryKeyType', 'primary key field must use a primitive type (not optional/list/object/enum)', {
      name: primaryField,
    });
  }
}

/**
 * BEHAVIOR.md §3.1 in the reference's order, then the port's additions. `isNameTaken`
 * answers for the exact (trimmed) name. Returns the normalised registration.
 */
export function checkCollectionRegistration(
  input: CollectionRegistration,
  isNameTaken: (name: string) => boolean,
  options: RegistrationOptions = {},
): CheckedRegistration {
  const name = normalizeCollectionName(input.name);
  const primaryField = normalizePrimaryFieldName(input.primaryField);
  const fields = input.fields;
  if (!Array.isArray(fields)) throw usageError('InvalidArgument', 'fields must be an array', {});
  for (const f of fields) checkPathShape(f.path);
  if (findTopLevelField(fields, primaryField) === undefined) {
    throw schemaError('PrimaryFieldNotFound', `primary field ${debugString(primaryField)} not found as a top-level field`, {
      name: primaryField,
    });
  }
  if (isNameTaken(name)) throw schemaError('DuplicateCollectionName', `duplicate collection name: ${debugString(name)}`, { name });
  checkFields(fields, options);
  const indexes = input.indexes ?? [];
  checkIndexes(indexes);
  if (options.strict === true) checkPrimaryType(fields, primaryField);
  return { name, primaryField, fields, indexes };
}

export interface SchemaVersionOptions extends RegistrationOptions {
  /** `registerSchemaVersionForce`: skip the change classification. */
  readonly force?: boolean;
}

/**
 * BEHAVIOR.md §3.2 steps 2–4 for `current` (step 1, the id lookup, is the caller's), then
 * the port's additions. Returns the new schema version number.
 */
export function checkSchemaVersion(
  current: CollectionDef,
  fields: readonly FieldDef[],
  indexes: readonly IndexDef[],
  options: SchemaVersionOptions = {},
): number {
  if (!Array.isArray(fields)) throw usageError('InvalidArgument', 'fields must be an array', {});
  if (!Array.isArray(indexes)) throw usageError('InvalidArgument', 'indexes must be an array', {});
  for (const f of fields) checkPathShape(f.path);
  for (const ix of indexes) checkPathShape(ix.path);
  if (options.force !== true) {
    const first = collectSchemaProblems(current, fields, indexes)[0];
    if (first !== undefined) {
      throw first.kind === 'breaking'
        ? schemaError('IncompatibleSchemaChange', `incompatible schema change: ${first.reason}`, { message: first.reason })
        : schemaError('MigrationRequired', `migration required: ${first.reason}`, { message: first.reason });
    }
  }
  if (current.schemaVersion >= MAX_SCHEMA_VERSION) {
    throw schemaError('SchemaVersionExhausted', 'schema version limit reached (cannot bump further)', {});
  }
  validateFieldList(fields);
  const pk = current.primaryField;
  if (pk !== null && findTopLevelField(fields, pk) === undefined) {
    throw schemaError('PrimaryFieldMissingInSchema', `schema update must retain top-level primary field ${debugString(pk)}`, { name: pk });
  }
  checkFields(fields, options);
  checkIndexes(indexes);
  if (options.strict === true && pk !== null) checkPrimaryType(fields, pk);
  return current.schemaVersion + 1;
}

/**
 * Everything a writer must know holds before emitting a catalog record for `def` (e.g. when
 * compaction re-registers collections): a normalised name, a valid primary field, field and
 * index lists the decoder accepts.
 */
export function checkCollectionDef(def: CollectionDef, options: RegistrationOptions = {}): void {
  // Catalog names are compared exactly (only registration trims), so an untrimmed name
  // from an existing file is kept; the decoder's limits still apply.
  if (normalizeCollectionName(def.name).length === 0) throw schemaError('InvalidCollectionName', 'invalid collection name', {});
  if (utf8ByteLength(def.name) > MAX_NAME_BYTES || !isWellFormedUnicode(def.name)) {
    throw schemaError('InvalidCollectionName', 'invalid collection name', { reason: 'not 1..=1023 bytes of valid Unicode' });
  }
  checkFields(def.fields, options);
  checkIndexes(def.indexes);
  if (def.primaryField !== null) {
    const pk = def.primaryField;
    if (utf8ByteLength(pk) > MAX_NAME_BYTES || findTopLevelField(def.fields, pk) === undefined) {
      throw schemaError('PrimaryFieldNotFound', `primary field ${debugString(pk)} not found as a top-level field`, { name: pk });
    }
    if (options.strict === true) checkPrimaryType(def.fields, pk);
  }
}
