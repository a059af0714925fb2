/**
 * Validation on write (BEHAVIOR.md §2): `validateRow` checks a row against its collection in
 * the reference's order — the first failing step decides the error — and returns the row
 * as it must be stored.
 *
 * Port decisions (divergences from the reference, all in the stricter direction):
 * - Multi-segment schemas get full type and constraint validation (§2 step 8.3, as the later
 *   upstream revision does); the reference checks only leaf presence there.
 * - In a multi-segment schema a declared path is a leaf whatever its value, so an
 *   Object-typed field can be used there (the reference would call its members unknown).
 * - In a multi-segment schema an empty object at a path that is neither declared nor a
 *   parent of a declared path is an unknown field (the reference drops it silently).
 * - An own property whose value is `undefined` counts as absent (the JS idiom), everywhere.
 * - Strings must have an exact UTF-8 form (no lone surrogates).
 * - Scalar inputs are read per `scalars.ts` (safe-integer numbers for int64/uint64/timestamp,
 *   uuid text); the returned row holds only the stored representations.
 *
 * The returned row is normalised: every field of the schema is present (absent Optional →
 * null), absent Optional object members are null (the reference's encoder would abort on
 * them, BEHAVIOR §1.6), multi-segment parents are materialised as objects, byte arrays are
 * copies. Validating the result again returns an equal row.
 */
import { schemaError, usageError, validationError } from '../errors.ts';
import { applyConstraints } from './constraints.ts';
import type { ValueKind } from './constraints.ts';
import { compareUtf8, findTopLevelField, hasMultiSegmentFields, isProperPrefix, pathKey } from './field-paths.ts';
import { debugString, debugStringList } from './rust-display.ts';
import { acceptScalar } from './scalars.ts';
import { isEnum, isList, isObject, isOptional, isScalarType } from './types.ts';
import type { CollectionDef, Constraint, FieldDef, Type } from './types.ts';
import { freezeRow, setField } from './values.ts';
import type { Row, Value } from './values.ts';

/** What callers may hand in: any plain object; values are read through the schema. */
export type RowInput = { readonly [field: string]: unknown };

type PlainObject = { readonly [key: string]: unknown };

export const PK_NOT_PRIMITIVE = 'primary key field must use a primitive type (not optional/list/object/enum)';

/**
 * A plain object (a realm's `Object.prototype` or a null prototype): Dates, Maps, arrays,
 * byte arrays and class instances are not objects in the row model.
 */
export function isPlainRecord(v: unknown): v is PlainObject {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** The own value at `key`, with `undefined` (and no property) meaning absent. */
function own(obj: PlainObject, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

/** Own keys holding a value, in UTF-8 byte order (the reference iterates a BTreeMap). */
function presentKeysSorted(obj: PlainObject): string[] {
  return Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort(compareUtf8);
}

/** The kind a non-null value of `type` has once validated (Optional layers peeled off). */
export function valueKindOf(type: Type): ValueKind {
  let t = type;
  while (isOptional(t)) t = t.optional;
  if (isScalarType(t)) return t;
  if (isList(t)) return 'list';
  if (isObject(t)) return 'object';
  return 'string'; // enum values are strings
}

/**
 * Validates `value` against `type` and `constraints` (§2.1) and returns its stored form.
 * `path` is a scratch stack: segments are pushed while descending and popped on the way
 * out, and errors copy it.
 */
export function validateValue(path: string[], type: Type, constraints: readonly Constraint[], value: unknown): Value {
  if (isOptional(type)) {
    if (value === null || value === undefined) return null;
    const inner = validateValue(path, type.optional, [], value);
    applyConstraints(path, valueKindOf(type.optional), inner, constraints);
    return inner;
  }
  if (isScalarType(type)) {
    const r = acceptScalar(type, value);
    if (!r.ok) throw validationError(path, r.message);
    applyConstraints(path, type, r.value, constraints);
    return r.value;
  }
  if (isList(type)) {
    if (!Array.isArray(value)) throw validationError(path, 'expected list');
    const out: Value[] = new Array<Value>(value.length);
    for (let i = 0; i < value.length; i++) {
      path.push(String(i));
      out[i] = validateValue(path, type.list, [], value[i]);
      path.pop();
    }
    applyConstraints(path, 'list', out, constraints);
    return out;
  }
  if (isObject(type)) {
    if (!isPlainRecord(value)) throw validationError(path, 'expected object');
    const out: { [key: string]: Value } = {};
    const declared = new Set<string>();
    for (const member of type.object) {
      const key = member.path[0] ?? '';
      declared.add(key);
      const v = own(value, key);
      path.push(key);
      if (v === undefined) {
        if (!isOptional(member.type)) throw validationError(path, 'missing object field');
        setField(out, key, null);
      } else {
        setField(out, key, validateValue(path, member.type, member.constraints, v));
      }
      path.pop();
    }
    for (const key of presentKeysSorted(value)) {
      if (!declared.has(key)) {
        path.push(key);
        const err = validationError(path, 'unknown field in object');
        path.pop();
        throw err;
      }
    }
    applyConstraints(path, 'object', out, constraints);
    return out;
  }
  if (isEnum(type)) {
    if (typeof value !== 'string') throw validationError(path, 'expected string (enum)');
    if (!type.enum.includes(value)) throw validationError(path, `enum value must be one of ${debugStringList(type.enum)}`);
    applyConstraints(path, 'string', value, constraints);
    return value;
  }
  throw validationError(path, 'unknown type in schema');
}

/**
 * BEHAVIOR.md §2 steps 3–8. Throws the first failure in the reference's order; returns the
 * normalised row to store (see the module comment). Steps 2 (unknown collection) and 9–12
 * (indexes, uniqueness, persistence) belong to the engine.
 */
export function validateRow(collection: CollectionDef, row: RowInput): Row {
  const pkName = collection.primaryField;
  if (pkName === null) {
    throw schemaError('NoPrimaryKey', `collection ${collection.id} has no primary key (upgrade catalog or re-register)`, {
      collection_id: collection.id,
    });
  }
  const pkField = findTopLevelField(collection.fields, pkName);
  if (pkField === undefined) {
    throw schemaError('PrimaryFieldNotFound', `primary field ${debugString(pkName)} not found as a top-level field`, { name: pkName });
  }
  if (!isScalarType(pkField.type)) throw validationError([], PK_NOT_PRIMITIVE);
  if (!isPlainRecord(row)) throw usageError('InvalidArgument', 'row must be a plain object', {});
  const pkInput = own(row, pkName);
  if (pkInput === undefined) {
    throw schemaError('RowMissingPrimary', `insert row missing primary key field ${debugString(pkName)}`, { name: pkName });
  }
  const pkValue = validateValue([pkName], pkField.type, pkField.constraints, pkInput);
  // The validated copy is what gets stored: frozen (values.ts `freezeRow`); the caller's
  // object is never frozen.
  return freezeRow(
    hasMultiSegmentFields(collection.fields)
      ? validateMultiSegment(collection.fields, pkName, pkValue, row)
      : validateSingleSegment(collection.fields, pkName, pkValue, row),
  );
}

function validateSingleSegment(fields: readonly FieldDef[], pkName: string, pkValue: Value, row: PlainObject): Row {
  const names = new Set(fields.map((f) => f.path[0]!));
  for (const key of presentKeysSorted(row)) {
    if (!names.has(key)) throw validationError([key], 'unknown field');
  }
  const out: Row = {};
  for (const field of fields) {
    const name = field.path[0]!;
    if (name === pkName) {
      setField(out, name, pkValue);
      continue;
    }
    const v = own(row, name);
    if (v === undefined) {
      if (!isOptional(field.type)) throw validationError([name], 'missing field');
      setField(out, name, null);
    } else if (v === null) {
      if (!isOptional(field.type)) throw validationError([name], 'unexpected null for required field');
      setField(out, name, null);
    } else {
      setField(out, name, validateValue([name], field.type, field.constraints, v));
    }
  }
  return out;
}

/**
 * Bound on how far an unknown subtree is explored to name its first leaf: user rows may be
 * cyclic or absurdly deep, and the name only needs to be useful.
 */
const UNKNOWN_LEAF_DEPTH = 64;

function unknownField(path: readonly string[]): never {
  const name = path.join('.');
  throw schemaError('RowUnknownField', `insert row has unknown field ${debugString(name)}`, { name });
}

function validateMultiSegment(fields: readonly FieldDef[], pkName: string, pkValue: Value, row: PlainObject): Row {
  const nonPk = fields.filter((f) => !(f.path.length === 1 && f.path[0] === pkName));
  const declared = new Set(nonPk.map((f) => pathKey(f.path)));
  const isParent = (p: readonly string[]) => nonPk.some((f) => isProperPrefix(p, f.path));

  // Step 8.1: every leaf must be a declared path (the reference's order: keys in byte
  // order, depth first). Descent follows only parents of declared paths, so it is bounded
  // by the schema, not by the input.
  const walk = (obj: PlainObject, path: string[], top: boolean): void => {
    for (const key of presentKeysSorted(obj)) {
      if (top && key === pkName) continue;
      path.push(key);
      const v = obj[key];
      if (!declared.has(pathKey(path))) {
        if (!isPlainRecord(v) || !isParent(path)) reportUnknown(v, path);
        walk(v as PlainObject, path, false);
      }
      path.pop();
    }
  };
  walk(row, [], true);

  // Step 8.2/8.3: presence, nulls, then type and constraints, in schema order.
  const out: Row = {};
  for (const field of fields) {
    if (field.path.length === 1 && field.path[0] === pkName) {
      setField(out, pkName, pkValue);
      continue;
    }
    const v = lookup(row, field.path);
    let stored: Value;
    if (v === undefined) {
      if (!isOptional(field.type)) {
        const name = field.path.join('.');
        throw schemaError('RowMissingField', `insert row missing field ${debugString(name)}`, { name });
      }
      stored = null;
    } else if (v === null) {
      if (!isOptional(field.type)) throw validationError(field.path, 'unexpected null for required field');
      stored = null;
    } else {
      stored = validateValue([...field.path], field.type, field.constraints, v);
    }
    placeAt(out, field.path, stored);
  }
  return out;
}

/**
 * Names the first leaf (byte order, depth first) under an unknown value, as the reference
 * does; an empty object is itself the unknown field.
 */
function reportUnknown(v: unknown, path: string[]): never {
  let cur = v;
  while (isPlainRecord(cur) && path.length < UNKNOWN_LEAF_DEPTH) {
    const keys = presentKeysSorted(cur);
    const first = keys[0];
    if (first === undefined) break;
    path.push(first);
    cur = cur[first];
  }
  return unknownField(path);
}

/** Value at `path` through plain objects; undefined when absent or an intermediate is not an object. */
function lookup(row: PlainObject, path: readonly string[]): unknown {
  let cur: unknown = row;
  for (const seg of path) {
    if (!isPlainRecord(cur)) return undefined;
    cur = own(cur, seg);
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Stores `value` at `path`, creating parent objects as needed (parents are never leaves: §1.2 rule 3). */
function placeAt(out: Row, path: readonly string[], value: Value): void {
  let cur: { [key: string]: Value } = out;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i]!;
    let next = Object.prototype.hasOwnProperty.call(cur, seg) ? cur[seg] : undefined;
    if (next === undefined || next === null || typeof next !== 'object' || Array.isArray(next) || next instanceof Uint8Array) {
      next = {};
      setField(cur, seg, next);
    }
    cur = next as { [key: string]: Value };
  }
  setField(cur, path[path.length - 1]!, value);
}
