/**
 * The tagged JSON spelling of values and schemas used by the golden files, the op scripts
 * and `modelvault dump` (golden README "JSON value encoding" / "Schema encoding").
 *
 * Values are tagged so 64-bit integers and binary data stay exact: `{"int64": "-5"}`,
 * `{"float64": "1.5", "bits": "3ff8000000000000"}`, `{"bytes": "00ff"}`, … . Encoding needs
 * the schema type (a bigint may be int64, uint64 or timestamp); decoding reads the tags.
 */
import { usageError } from '../errors.ts';
import type { Constraint, FieldDef, IndexDef, ScalarType, Type } from './types.ts';
import { isEnum, isList, isObject, isOptional, SCALAR_TYPES } from './types.ts';
import { hasField, isPlainObjectValue, setField } from './values.ts';
import { compareUtf8 } from './field-paths.ts';
import type { Row, ScalarValue, Value } from './values.ts';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const bad = (message: string, detail?: unknown): never => {
  throw usageError('InvalidTaggedJson', message, detail === undefined ? {} : { value: detail });
};

// ---------------------------------------------------------------------------------------
// Floats

/**
 * Rust's `{:?}` text for an f64, which is what the reference prints: shortest round-trip
 * digits, scientific notation (`1e16`, `5e-324`) when |x| < 1e-4 or |x| ≥ 1e16, otherwise
 * plain decimal with at least one fractional digit (`1.0`, `-0.0`).
 */
export function rustFloatText(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const abs = Math.abs(x);
  // JS toExponential() without an argument yields the same shortest round-trip digits.
  const [mantissa, expText] = abs.toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exp = Number(expText);
  if (abs < 1e-4 || abs >= 1e16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp}`;
  }
  if (exp >= 0) {
    const int = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    const frac = digits.slice(exp + 1);
    return `${sign}${int}.${frac === '' ? '0' : frac}`;
  }
  return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
}

const f64View = new DataView(new ArrayBuffer(8));

export function floatBitsHex(x: number): string {
  f64View.setFloat64(0, x);
  return f64View.getBigUint64(0).toString(16).padStart(16, '0');
}

export function floatFromBitsHex(hex: string): number {
  if (!/^[0-9a-fA-F]{16}$/.test(hex)) bad('float64 bits must be 16 hex digits', hex);
  f64View.setBigUint64(0, BigInt(`0x${hex}`));
  return f64View.getFloat64(0);
}

export function floatToJson(x: number): { float64: string; bits: string } {
  return { float64: rustFloatText(x), bits: floatBitsHex(x) };
}

// ---------------------------------------------------------------------------------------
// Bytes, uuids

export function hexOf(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += bytes[i]!.toString(16).padStart(2, '0');
  return s;
}

export function bytesFromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) bad('invalid hex string', hex);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function uuidText(bytes: Uint8Array): string {
  const h = hexOf(bytes);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function uuidFromText(s: string): Uint8Array {
  if (!/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(s)) {
    bad('uuid must be 8-4-4-4-12 hex', s);
  }
  return bytesFromHex(s.replace(/-/g, ''));
}

// ---------------------------------------------------------------------------------------
// Key order

// Rust's BTreeMap<String,_> order = UTF-8 byte order; one definition in field-paths.ts.
export { compareUtf8 };

// ---------------------------------------------------------------------------------------
// Values: encode (schema-driven)

const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
const U64_MAX = (1n << 64n) - 1n;

export function scalarToJson(t: ScalarType, v: ScalarValue): Json {
  switch (t) {
    case 'bool':
      if (typeof v !== 'boolean') break;
      return { bool: v };
    case 'int64':
    case 'uint64':
    case 'timestamp':
      if (typeof v !== 'bigint') break;
      return { [t]: v.toString() };
    case 'float64':
      if (typeof v !== 'number') break;
      return floatToJson(v);
    case 'string':
      if (typeof v !== 'string') break;
      return { string: v };
    case 'bytes':
      if (!(v instanceof Uint8Array)) break;
      return { bytes: hexOf(v) };
    case 'uuid':
      if (!(v instanceof Uint8Array) || v.length !== 16) break;
      return { uuid: uuidText(v) };
  }
  return bad(`value does not match type ${t}`);
}

/** A value whose schema type is unknown (e.g. an object key no member declares): guess from the JS type. */
export function untypedValueToJson(v: Value): Json {
  if (v === null) return null;
  if (typeof v === 'boolean') return { bool: v };
  if (typeof v === 'bigint') return { int64: v.toString() };
  if (typeof v === 'number') return floatToJson(v);
  if (typeof v === 'string') return { string: v };
  if (v instanceof Uint8Array) return { bytes: hexOf(v) };
  if (Array.isArray(v)) return { list: v.map(untypedValueToJson) };
  return { object: objectToJson(v, new Map()) };
}

/**
 * JS objects list integer-like keys ("2", "10") first and numerically, whatever the insertion
 * order, so objects whose keys must appear in UTF-8 byte order carry that order here
 * (non-enumerable); `stringifyJson` honours it.
 */
export const KEY_ORDER: unique symbol = Symbol('modelvault.keyOrder');

function objectToJson(v: { [key: string]: Value }, members: ReadonlyMap<string, Type>): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  const keys = Object.keys(v).sort(compareUtf8);
  Object.defineProperty(out, KEY_ORDER, { value: keys, enumerable: false });
  for (const key of keys) {
    const t = members.get(key);
    const item = v[key]!;
    const j = t === undefined ? untypedValueToJson(item) : valueToJson(t, item);
    if (key === '__proto__') Object.defineProperty(out, key, { value: j, enumerable: true, writable: true, configurable: true });
    else out[key] = j;
  }
  return out;
}

/** Members of an Object type keyed by the first segment of their path (FORMAT.md §7.2). */
export function objectMembers(fields: readonly FieldDef[]): Map<string, Type> {
  const m = new Map<string, Type>();
  for (const f of fields) if (f.path.length > 0) m.set(f.path[0]!, f.type);
  return m;
}

export function valueToJson(t: Type, v: Value): Json {
  if (v === null) return null;
  if (typeof t === 'string') {
    if (Array.isArray(v) || isPlainObjectValue(v)) return bad(`value does not match type ${t}`);
    return scalarToJson(t, v as ScalarValue);
  }
  if (isOptional(t)) return valueToJson(t.optional, v);
  if (isList(t)) {
    if (!Array.isArray(v)) return bad('list value expected');
    return { list: v.map((x) => valueToJson(t.list, x)) };
  }
  if (isObject(t)) {
    if (!isPlainObjectValue(v)) return bad('object value expected');
    return { object: objectToJson(v, objectMembers(t.object)) };
  }
  if (isEnum(t)) {
    if (typeof v !== 'string') return bad('enum value must be a string');
    return { string: v };
  }
  return bad('unknown type');
}

/**
 * The type of each top-level row key: one-segment fields as declared, multi-segment fields
 * folded into synthetic Object types (rows carry them as nested objects, FORMAT.md §8.6).
 */
export function rowShape(fields: readonly FieldDef[]): Map<string, Type> {
  const groups = new Map<string, FieldDef[] | Type>();
  for (const f of fields) {
    const [head, ...rest] = f.path;
    if (head === undefined) continue;
    if (rest.length === 0) {
      groups.set(head, f.type);
      continue;
    }
    const g = groups.get(head);
    const list = Array.isArray(g) ? g : [];
    list.push({ path: rest, type: f.type, constraints: [] });
    groups.set(head, list);
  }
  const out = new Map<string, Type>();
  for (const [k, g] of groups) {
    out.set(k, Array.isArray(g) ? { object: foldFields(g) } : (g as Type));
  }
  return out;
}

function foldFields(fields: FieldDef[]): FieldDef[] {
  return [...rowShape(fields)].map(([k, t]) => ({ path: [k], type: t, constraints: [] }));
}

export function rowToJson(fields: readonly FieldDef[], row: Row): { [key: string]: Json } {
  return objectToJson(row, rowShape(fields));
}

/**
 * `JSON.stringify(value, null, indent)`, except that objects carrying `KEY_ORDER` list their
 * keys in that order (rows and objects in UTF-8 byte order, even for integer-like keys).
 */
export function stringifyJson(value: Json, indent = 2): string {
  const pad = ' '.repeat(indent);
  const walk = (j: Json, depth: string): string => {
    if (j === null || typeof j !== 'object') return JSON.stringify(j);
    const inner = depth + pad;
    const sep = indent > 0 ? `,\n${inner}` : ',';
    const open = indent > 0 ? `\n${inner}` : '';
    const close = indent > 0 ? `\n${depth}` : '';
    if (Array.isArray(j)) return j.length === 0 ? '[]' : `[${open}${j.map((x) => walk(x, inner)).join(sep)}${close}]`;
    const keys = ((j as { [KEY_ORDER]?: string[] })[KEY_ORDER] ?? Object.keys(j)).filter((k) => j[k] !== undefined);
    if (keys.length === 0) return '{}';
    const colon = indent > 0 ? ': ' : ':';
    return `{${open}${keys.map((k) => `${JSON.stringify(k)}${colon}${walk(j[k]!, inner)}`).join(sep)}${close}}`;
  };
  return walk(value, '');
}

// ---------------------------------------------------------------------------------------
// Values: decode (tag-driven)

function tagOf(j: Json): [string, Json] {
  if (typeof j !== 'object' || j === null || Array.isArray(j)) return bad('tagged value must be an object', j);
  const keys = Object.keys(j).filter((k) => k !== 'bits');
  if (keys.length !== 1) return bad('tagged value must have exactly one tag', j);
  return [keys[0]!, j[keys[0]!]!];
}

function bigintText(s: Json, min: bigint, max: bigint): bigint {
  if (typeof s !== 'string' || !/^-?[0-9]+$/.test(s)) return bad('integer must be a decimal string', s);
  const v = BigInt(s);
  if (v < min || v > max) bad('integer out of range', s);
  return v;
}

/** A tagged scalar and the type its tag names. */
export function scalarFromJson(j: Json): { type: ScalarType; value: ScalarValue } {
  const [tag, body] = tagOf(j);
  switch (tag) {
    case 'bool':
      if (typeof body !== 'boolean') break;
      return { type: 'bool', value: body };
    case 'int64':
    case 'timestamp':
      return { type: tag, value: bigintText(body, I64_MIN, I64_MAX) };
    case 'uint64':
      return { type: 'uint64', value: bigintText(body, 0n, U64_MAX) };
    case 'float64': {
      const bits = (j as { bits?: Json }).bits;
      if (typeof bits === 'string') return { type: 'float64', value: floatFromBitsHex(bits) };
      if (typeof body !== 'string') break;
      const text = body === 'inf' ? 'Infinity' : body === '-inf' ? '-Infinity' : body;
      return { type: 'float64', value: Number(text) };
    }
    case 'string':
      if (typeof body !== 'string') break;
      return { type: 'string', value: body };
    case 'bytes':
      if (typeof body !== 'string') break;
      return { type: 'bytes', value: bytesFromHex(body) };
    case 'uuid':
      if (typeof body !== 'string') break;
      return { type: 'uuid', value: uuidFromText(body) };
  }
  return bad(`invalid tagged scalar '${tag}'`, j);
}

export function valueFromJson(j: Json): Value {
  if (j === null) return null;
  const [tag, body] = tagOf(j);
  if (tag === 'list') {
    if (!Array.isArray(body)) return bad('list must be an array', j);
    return body.map(valueFromJson);
  }
  if (tag === 'object') return rowFromJson(body);
  return scalarFromJson(j).value;
}

export function rowFromJson(j: Json): Row {
  if (typeof j !== 'object' || j === null || Array.isArray(j)) return bad('row must be an object', j);
  const out: Row = {};
  for (const k of Object.keys(j)) setField(out, k, valueFromJson(j[k]!));
  return out;
}

// ---------------------------------------------------------------------------------------
// Schemas

const BIGINT_CONSTRAINTS = new Set(['min_i64', 'max_i64', 'min_u64', 'max_u64', 'min_length', 'max_length']);

export function constraintToJson(c: Constraint): Json {
  if ('value' in c) {
    if (typeof c.value === 'bigint') return { kind: c.kind, value: c.value.toString() };
    if (typeof c.value === 'number') return { kind: c.kind, value: floatToJson(c.value) };
    return { kind: c.kind, value: c.value };
  }
  return { kind: c.kind };
}

export function constraintFromJson(j: Json): Constraint {
  if (typeof j !== 'object' || j === null || Array.isArray(j) || typeof j.kind !== 'string') {
    return bad('constraint must be {kind, value?}', j);
  }
  const kind = j.kind;
  if (BIGINT_CONSTRAINTS.has(kind)) {
    const isSigned = kind === 'min_i64' || kind === 'max_i64';
    const value = bigintText(j.value ?? null, isSigned ? I64_MIN : 0n, isSigned ? I64_MAX : U64_MAX);
    return { kind: kind as 'min_i64', value };
  }
  if (kind === 'min_f64' || kind === 'max_f64') {
    const s = scalarFromJson(j.value ?? null);
    if (s.type !== 'float64') bad('float constraint needs a float64 value', j);
    return { kind, value: s.value as number };
  }
  if (kind === 'regex') {
    if (typeof j.value !== 'string') return bad('regex constraint needs a pattern', j);
    return { kind, value: j.value };
  }
  if (kind === 'email' || kind === 'url' || kind === 'non_empty') return { kind };
  return bad(`unknown constraint kind '${kind}'`, j);
}

export function typeToJson(t: Type): Json {
  if (typeof t === 'string') return t;
  if (isOptional(t)) return { optional: typeToJson(t.optional) };
  if (isList(t)) return { list: typeToJson(t.list) };
  if (isObject(t)) return { object: t.object.map(fieldToJson) };
  return { enum: [...t.enum] };
}

export function typeFromJson(j: Json): Type {
  if (typeof j === 'string') {
    if (!(SCALAR_TYPES as readonly string[]).includes(j)) bad(`unknown type '${j}'`);
    return j as ScalarType;
  }
  if (typeof j !== 'object' || j === null || Array.isArray(j)) return bad('type must be a string or object', j);
  if (hasField(j, 'optional')) return { optional: typeFromJson(j.optional!) };
  if (hasField(j, 'list')) return { list: typeFromJson(j.list!) };
  if (hasField(j, 'object')) {
    if (!Array.isArray(j.object)) return bad('object type must list its members', j);
    return { object: j.object.map(fieldFromJson) };
  }
  if (hasField(j, 'enum')) {
    if (!Array.isArray(j.enum) || !j.enum.every((s) => typeof s === 'string')) return bad('enum must list strings', j);
    return { enum: j.enum as string[] };
  }
  return bad('unknown type', j);
}

function pathFromJson(j: Json | undefined): string[] {
  if (!Array.isArray(j) || !j.every((s) => typeof s === 'string')) return bad('path must be an array of strings', j);
  return j as string[];
}

export function fieldToJson(f: FieldDef): Json {
  return { path: [...f.path], type: typeToJson(f.type), constraints: f.constraints.map(constraintToJson) };
}

export function fieldFromJson(j: Json): FieldDef {
  if (typeof j !== 'object' || j === null || Array.isArray(j)) return bad('field must be an object', j);
  const constraints = j.constraints === undefined ? [] : j.constraints;
  if (!Array.isArray(constraints)) return bad('constraints must be an array', j);
  return { path: pathFromJson(j.path), type: typeFromJson(j.type ?? null), constraints: constraints.map(constraintFromJson) };
}

export function indexToJson(d: IndexDef): Json {
  return { name: d.name, path: [...d.path], kind: d.kind };
}

export function indexFromJson(j: Json): IndexDef {
  if (typeof j !== 'object' || j === null || Array.isArray(j)) return bad('index must be an object', j);
  if (typeof j.name !== 'string') return bad('index needs a name', j);
  if (j.kind !== 'unique' && j.kind !== 'non_unique') return bad("index kind must be 'unique' or 'non_unique'", j);
  return { name: j.name, path: pathFromJson(j.path), kind: j.kind };
}
