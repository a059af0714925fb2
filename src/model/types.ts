/**
 * The `t` schema builder: one value per engine Type (BEHAVIOR.md §1.3) that carries both the
 * catalog spelling (`type` + `constraints`, exactly what `registerCollection` takes) and, as a
 * phantom, the TypeScript type of its values. Conversions between the TypeScript form and the
 * engine's value model happen here, at the boundary, so the engine never sees a `Date` and
 * users never see a 16-byte uuid array unless they asked for one.
 *
 * Value mapping (the default first):
 * | builder                         | TypeScript                | stored as |
 * |---------------------------------|---------------------------|-----------|
 * | `t.int64()` / `t.uint64()`      | `bigint`                  | int64 / uint64 |
 * | `t.int64({ mode: 'number' })`   | `number` (safe integers only, checked both ways) | int64 |
 * | `t.timestamp()`                 | `Date` (milliseconds since the epoch) | timestamp |
 * | `t.timestamp({ mode: 'bigint' \| 'number' })` | raw integer, unit of your choosing | timestamp |
 * | `t.uuid()`                      | `string` (lower-case canonical text) | uuid (16 bytes) |
 * | `t.uuid({ mode: 'bytes' })`     | `Uint8Array`              | uuid |
 */
import { ModelVaultError, usageError } from '../errors.ts';
import { formatUuid } from '../schema/scalars.ts';
import type { Constraint, FieldDef, ScalarType, Type } from '../schema/types.ts';
import { setField } from '../schema/values.ts';
import type { Value } from '../schema/values.ts';

export type FieldKind = 'scalar' | 'enum' | 'optional' | 'list' | 'object';

/** A field type. `Out` is the TypeScript type of its values; `Kind` drives what queries and keys accept. */
export abstract class FieldType<Out, Kind extends FieldKind = FieldKind> {
  /** Phantom: never set at run time. */
  declare readonly __out: Out;
  abstract readonly kind: Kind;
  abstract readonly type: Type;
  abstract readonly constraints: readonly Constraint[];
  /** TypeScript form → engine input. Values of an unexpected kind pass through unchanged so the engine's validation names them. */
  abstract encode(value: unknown): unknown;
  /** Stored form → TypeScript form (always a fresh value: rows handed out never alias engine state). */
  abstract decode(value: Value, where: DecodeContext): Out;

  /** `t.optional(this)`. */
  optional(): OptionalField<this> {
    return new OptionalField(this);
  }
}

/** Where a stored value came from, for errors raised while converting it. */
export interface DecodeContext {
  readonly collection: string;
  readonly path: readonly string[];
}

export type AnyField = FieldType<unknown, FieldKind>;
export type Shape = { readonly [field: string]: AnyField };

// ---- scalars --------------------------------------------------------------------------

export class ScalarField<Out> extends FieldType<Out, 'scalar'> {
  readonly kind = 'scalar' as const;
  constructor(
    readonly type: ScalarType,
    readonly constraints: readonly Constraint[],
    private readonly toEngine: (v: unknown) => unknown,
    private readonly fromEngine: (v: Value, where: DecodeContext) => Out,
    /** What a value must be, in TypeScript terms ("a bigint", "a Date" …), for error messages. */
    readonly expects: string,
  ) {
    super();
  }
  encode(value: unknown): unknown {
    return this.toEngine(value);
  }
  decode(value: Value, where: DecodeContext): Out {
    return this.fromEngine(value, where);
  }
}

export class EnumField<V extends string> extends FieldType<V, 'enum'> {
  readonly kind = 'enum' as const;
  readonly type: Type;
  constructor(
    readonly values: readonly V[],
    readonly constraints: readonly Constraint[],
  ) {
    super();
    this.type = { enum: [...values] };
  }
  encode(value: unknown): unknown {
    return value;
  }
  decode(value: Value): V {
    return value as V;
  }
}

export class OptionalField<I extends AnyField> extends FieldType<OutOf<I> | null, 'optional'> {
  readonly kind = 'optional' as const;
  readonly type: Type;
  readonly constraints: readonly Constraint[];
  constructor(readonly inner: I) {
    super();
    if (inner instanceof OptionalField) {
      throw usageError('InvalidModel', 'optional(optional(...)) adds nothing: a field is either optional or not');
    }
    // Constraints of an optional field apply to the inner value when present (§1.5), so they
    // move up to the optional layer where the catalog keeps them.
    this.type = { optional: inner.type };
    this.constraints = inner.constraints;
  }
  encode(value: unknown): unknown {
    return value === null || value === undefined ? null : this.inner.encode(value);
  }
  decode(value: Value, where: DecodeContext): OutOf<I> | null {
    return value === null || value === undefined ? null : (this.inner.decode(value, where) as OutOf<I>);
  }
}

export class ListField<I extends AnyField> extends FieldType<OutOf<I>[], 'list'> {
  readonly kind = 'list' as const;
  readonly type: Type;
  constructor(
    readonly element: I,
    readonly constraints: readonly Constraint[],
  ) {
    super();
    if (element.constraints.length > 0) {
      // The engine validates list elements against the element type only (§2.1); a
      // constraint declared there would be dropped without a word.
      throw usageError('InvalidModel', 'constraints on list elements are not enforced by the engine; constrain the list itself or use a plain type for the elements');
    }
    this.type = { list: element.type };
  }
  encode(value: unknown): unknown {
    return Array.isArray(value) ? value.map((v) => this.element.encode(v)) : value;
  }
  decode(value: Value, where: DecodeContext): OutOf<I>[] {
    if (!Array.isArray(value)) return value as never;
    return value.map((v, i) => this.element.decode(v, { collection: where.collection, path: [...where.path, String(i)] }) as OutOf<I>);
  }
}

export class ObjectField<S extends Shape> extends FieldType<RowOf<S>, 'object'> {
  readonly kind = 'object' as const;
  readonly type: Type;
  readonly constraints: readonly Constraint[] = [];
  constructor(readonly shape: S) {
    super();
    for (const key of Object.keys(shape)) {
      if (shape[key]!.constraints.length > 0) {
        // The catalog encoding keeps only path and type for object members (FORMAT.md §6,
        // BEHAVIOR §1.5): a constraint there would hold until the next open and then vanish.
        throw usageError('InvalidModel', `object member "${key}" has constraints, which the file format cannot store for object members; constrain top-level fields only`);
      }
    }
    this.type = { object: shapeToFields(shape) };
  }
  encode(value: unknown): unknown {
    return encodeShape(this.shape, value);
  }
  decode(value: Value, where: DecodeContext): RowOf<S> {
    return decodeShape(this.shape, value, where) as RowOf<S>;
  }
}

// ---- type-level mapping ---------------------------------------------------------------

/** The value type of a field as rows return it. */
export type OutOf<F> = F extends FieldType<infer O, FieldKind> ? O : never;

/** The value type of a field as inserts accept it (nested objects may omit optional members). */
export type InOf<F> =
  F extends OptionalField<infer I> ? InOf<I> | null
  : F extends ListField<infer I> ? InOf<I>[]
  : F extends ObjectField<infer S> ? InputOf<S>
  : OutOf<F>;

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends OptionalField<AnyField> ? K : never }[keyof S];
type RequiredKeys<S extends Shape> = Exclude<keyof S, OptionalKeys<S>>;

/** Insert shape: optional fields may be omitted (or null). */
export type InputOf<S extends Shape> = Simplify<
  { -readonly [K in RequiredKeys<S>]: InOf<S[K]> } & { -readonly [K in OptionalKeys<S>]?: InOf<S[K]> }
>;

/** Read shape: every field present, absent optionals as null. */
export type RowOf<S extends Shape> = Simplify<{ -readonly [K in keyof S]: OutOf<S[K]> }>;

// ---- shapes ↔ catalog and values ------------------------------------------------------

export function shapeToFields(shape: Shape): FieldDef[] {
  return Object.keys(shape).map((name) => {
    const f = shape[name]!;
    return { path: [name], type: f.type, constraints: f.constraints };
  });
}

function isRecord(v: unknown): v is { readonly [k: string]: unknown } {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** Encodes the keys the shape declares; unknown keys pass through so the engine reports them by name. */
export function encodeShape(shape: Shape, value: unknown): unknown {
  if (!isRecord(value)) return value;
  const out: { [k: string]: Value } = {};
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (v === undefined) continue;
    const f = Object.hasOwn(shape, key) ? shape[key] : undefined;
    setField(out, key, (f === undefined ? v : f.encode(v)) as Value);
  }
  return out;
}

/**
 * A stored row/object in the shape's form. Keys the shape does not name are left out (how
 * subset models read a wider collection); optional fields missing from rows written before
 * they existed read as null.
 */
export function decodeShape(shape: Shape, value: Value, where: DecodeContext): { [k: string]: unknown } {
  const src = (isRecord(value) ? value : {}) as { readonly [k: string]: Value };
  const out: { [k: string]: Value } = {};
  for (const key of Object.keys(shape)) {
    const f = shape[key]!;
    const v = Object.hasOwn(src, key) ? src[key] : undefined;
    const decoded = v === undefined ? (f.kind === 'optional' ? null : undefined) : f.decode(v, { collection: where.collection, path: [...where.path, key] });
    if (decoded !== undefined) setField(out, key, decoded as Value);
  }
  return out;
}

/** The field a value path (object members, list indexes) lands on; undefined when it leaves the shape. */
export function fieldAtPath(shape: Shape, path: readonly string[]): AnyField | undefined {
  let f: AnyField | undefined;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    if (i === 0) f = Object.hasOwn(shape, seg) ? shape[seg] : undefined;
    else {
      const inner: AnyField | undefined = f instanceof OptionalField ? (f.inner as AnyField) : f;
      if (inner instanceof ListField) f = /^[0-9]+$/.test(seg) ? (inner.element as AnyField) : undefined;
      else if (inner instanceof ObjectField) f = Object.hasOwn(inner.shape, seg) ? (inner.shape as Shape)[seg] : undefined;
      else f = undefined;
    }
    if (f === undefined) return undefined;
  }
  return f;
}

/** What a value of `f` must be, in TypeScript terms, when the engine says "expected <type>". */
export function expectedOf(f: AnyField | undefined): string | undefined {
  const inner = f instanceof OptionalField ? (f.inner as AnyField) : f;
  return inner instanceof ScalarField ? inner.expects : undefined;
}

// ---- the builder ----------------------------------------------------------------------

type IntMode = 'bigint' | 'number';
type IntOut<O> = O extends { mode: 'number' } ? number : bigint;
export interface Int64Options {
  readonly min?: bigint | number;
  readonly max?: bigint | number;
  /** `bigint` (default) or `number` (values must stay within ±2^53−1; checked on read and write). */
  readonly mode?: IntMode;
}
export interface Float64Options {
  readonly min?: number;
  readonly max?: number;
}
export interface LengthOptions {
  /** Length in UTF-8 bytes (strings), bytes, or elements (lists). */
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly nonEmpty?: boolean;
}
export interface StringOptions extends LengthOptions {
  /** Found anywhere in the value (unanchored search, RE2 dialect); anchor with ^…$ for a full match. */
  readonly regex?: string | RegExp;
  /** The engine's loose shape check: contains `@` and `.`. */
  readonly email?: boolean;
  /** Starts with `http://` or `https://`. */
  readonly url?: boolean;
}
export interface TimestampOptions {
  /** `date` (default: a `Date`, stored as milliseconds since the epoch), or the raw integer as `bigint`/`number`. */
  readonly mode?: 'date' | 'bigint' | 'number';
}
export interface UuidOptions {
  /** `string` (default, canonical lower-case text) or `bytes` (16-byte Uint8Array). */
  readonly mode?: 'string' | 'bytes';
}
type TimestampOut<O> = O extends { mode: 'bigint' } ? bigint : O extends { mode: 'number' } ? number : Date;
type UuidOut<O> = O extends { mode: 'bytes' } ? Uint8Array : string;

function invalidModel(message: string): ModelVaultError {
  return usageError('InvalidModel', message);
}

function intBound(name: string, v: bigint | number | undefined, unsigned: boolean): bigint | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'number' && !Number.isSafeInteger(v)) throw invalidModel(`${name} must be an integer (got ${v})`);
  const b = BigInt(v);
  if (unsigned ? b < 0n || b >= 1n << 64n : b < -(1n << 63n) || b >= 1n << 63n) {
    throw invalidModel(`${name} ${b} is outside the ${unsigned ? 'uint64' : 'int64'} range`);
  }
  return b;
}

function lengthConstraints(o: LengthOptions | undefined): Constraint[] {
  const out: Constraint[] = [];
  for (const [key, kind] of [['minLength', 'min_length'], ['maxLength', 'max_length']] as const) {
    const v = o?.[key];
    if (v === undefined) continue;
    if (!Number.isSafeInteger(v) || v < 0) throw invalidModel(`${key} must be a non-negative integer (got ${String(v)})`);
    out.push({ kind, value: BigInt(v) });
  }
  return out;
}

function nonEmpty(o: LengthOptions | undefined): Constraint[] {
  return o?.nonEmpty === true ? [{ kind: 'non_empty' }] : [];
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function unsafeInteger(where: DecodeContext, v: bigint): ModelVaultError {
  return usageError(
    'UnsafeInteger',
    `collection "${where.collection}", field "${where.path.join('.')}": stored value ${v} does not fit a JavaScript number exactly; declare the field with mode 'bigint'`,
    { collection: where.collection, path: [...where.path], value: v },
  );
}

function intDecoder(mode: IntMode | undefined): (v: Value, where: DecodeContext) => bigint | number {
  if (mode !== 'number') return (v) => v as bigint;
  return (v, where) => {
    if (typeof v !== 'bigint') return v as never;
    if (v > MAX_SAFE || v < -MAX_SAFE) throw unsafeInteger(where, v);
    return Number(v);
  };
}

const identity = (v: unknown): unknown => v;
const copyBytes = (v: Value): Uint8Array => (v instanceof Uint8Array ? v.slice() : (v as never));

function int64<const O extends Int64Options>(options?: O): ScalarField<IntOut<O>> {
  const c: Constraint[] = [];
  const min = intBound('min', options?.min, false);
  const max = intBound('max', options?.max, false);
  if (min !== undefined) c.push({ kind: 'min_i64', value: min });
  if (max !== undefined) c.push({ kind: 'max_i64', value: max });
  return new ScalarField('int64', c, identity, intDecoder(options?.mode) as never, options?.mode === 'number' ? 'a safe integer (number)' : 'a bigint');
}

function uint64<const O extends Int64Options>(options?: O): ScalarField<IntOut<O>> {
  const c: Constraint[] = [];
  const min = intBound('min', options?.min, true);
  const max = intBound('max', options?.max, true);
  if (min !== undefined) c.push({ kind: 'min_u64', value: min });
  if (max !== undefined) c.push({ kind: 'max_u64', value: max });
  return new ScalarField('uint64', c, identity, intDecoder(options?.mode) as never, options?.mode === 'number' ? 'a non-negative safe integer (number)' : 'a non-negative bigint');
}

function float64(options?: Float64Options): ScalarField<number> {
  const c: Constraint[] = [];
  for (const [key, kind] of [['min', 'min_f64'], ['max', 'max_f64']] as const) {
    const v = options?.[key];
    if (v === undefined) continue;
    if (typeof v !== 'number') throw invalidModel(`${key} must be a number`);
    c.push({ kind, value: v });
  }
  return new ScalarField('float64', c, identity, (v) => v as number, 'a number');
}

function string(options?: StringOptions): ScalarField<string> {
  const c: Constraint[] = lengthConstraints(options);
  const re = options?.regex;
  if (re !== undefined) {
    if (re instanceof RegExp && re.flags !== '') throw invalidModel(`regex flags are not supported (got /${re.source}/${re.flags}); use inline syntax such as (?i)`);
    c.push({ kind: 'regex', value: re instanceof RegExp ? re.source : re });
  }
  if (options?.email === true) c.push({ kind: 'email' });
  if (options?.url === true) c.push({ kind: 'url' });
  c.push(...nonEmpty(options));
  return new ScalarField('string', c, identity, (v) => v as string, 'a string');
}

function bytes(options?: LengthOptions): ScalarField<Uint8Array> {
  return new ScalarField('bytes', [...lengthConstraints(options), ...nonEmpty(options)], identity, copyBytes, 'a Uint8Array');
}

function bool(): ScalarField<boolean> {
  return new ScalarField('bool', [], identity, (v) => v as boolean, 'a boolean');
}

function uuid<const O extends UuidOptions>(options?: O): ScalarField<UuidOut<O>> {
  const decode = options?.mode === 'bytes' ? copyBytes : (v: Value) => (v instanceof Uint8Array ? formatUuid(v) : v);
  return new ScalarField('uuid', [], identity, decode as never, options?.mode === 'bytes' ? 'a uuid (16-byte Uint8Array)' : 'a uuid string');
}

function timestamp<const O extends TimestampOptions>(options?: O): ScalarField<TimestampOut<O>> {
  const mode = options?.mode ?? 'date';
  if (mode === 'date') {
    const encode = (v: unknown): unknown => {
      if (!(v instanceof Date)) return v;
      const ms = v.getTime();
      if (Number.isNaN(ms)) throw usageError('InvalidDate', 'an invalid Date (NaN time) cannot be stored');
      return BigInt(ms);
    };
    const decode = (v: Value, where: DecodeContext): unknown => {
      if (typeof v !== 'bigint') return v;
      // Date holds ±8.64e15 ms; anything beyond was written by something else with another unit.
      if (v > 8_640_000_000_000_000n || v < -8_640_000_000_000_000n) throw unsafeInteger(where, v);
      return new Date(Number(v));
    };
    return new ScalarField('timestamp', [], encode, decode as never, 'a Date');
  }
  return new ScalarField('timestamp', [], identity, intDecoder(mode === 'number' ? 'number' : 'bigint') as never, mode === 'number' ? 'a safe integer (number)' : 'a bigint');
}

function enumOf<const V extends readonly string[]>(values: V, options?: StringOptions): EnumField<V[number]> {
  if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) throw invalidModel('enum values must be strings');
  const c = options === undefined ? [] : string(options).constraints;
  return new EnumField<V[number]>(values, c);
}

function optional<I extends AnyField>(inner: I): OptionalField<I> {
  return new OptionalField(inner);
}

function list<I extends AnyField>(element: I, options?: LengthOptions): ListField<I> {
  return new ListField(element, [...lengthConstraints(options), ...nonEmpty(options)]);
}

function object<const S extends Shape>(shape: S): ObjectField<S> {
  checkShape(shape, 'object');
  return new ObjectField(shape);
}

export function checkShape(shape: unknown, what: string): void {
  if (!isRecord(shape)) throw invalidModel(`${what} shape must be a plain object of t.* fields`);
  for (const key of Object.keys(shape)) {
    if (key === '') throw invalidModel(`${what} field names must be non-empty`);
    if (!(shape[key] instanceof FieldType)) throw invalidModel(`${what} field "${key}" is not a t.* field type`);
  }
}

/** The schema builder. */
export const t = {
  bool,
  int64,
  uint64,
  float64,
  string,
  bytes,
  uuid,
  timestamp,
  enum: enumOf,
  optional,
  list,
  object,
} as const;
