/**
 * `model(name, shape, { primaryKey, indexes })`: a collection declared once, from which the
 * catalog field/index lists and the TypeScript row types are both derived.
 */
import { usageError } from '../errors.ts';
import { fieldToJson, indexToJson } from '../schema/tagged-json.ts';
import type { Json } from '../schema/tagged-json.ts';
import type { FieldDef, IndexDef } from '../schema/types.ts';
import { checkShape, EnumField, ObjectField, OptionalField, ScalarField, shapeToFields } from './types.ts';
import type { AnyField, InputOf, OutOf, RowOf, Shape } from './types.ts';

/** Fields a primary key may use: non-optional scalars (the engine refuses enum/optional/list/object keys on every write). */
export type PrimaryKeyOf<S extends Shape> = { [K in keyof S & string]: S[K] extends ScalarField<unknown> ? K : never }[keyof S & string];

/** Fields that hold one comparable value: scalars and enums, optional or not. */
export type Comparable = ScalarField<unknown> | EnumField<string> | OptionalField<ScalarField<unknown>> | OptionalField<EnumField<string>>;

type Prev = [never, 0, 1, 2, 3, 4, 5];
/** Dotted paths to comparable leaves, through objects (and optional objects), up to 6 levels deep. */
export type ScalarPath<S extends Shape, D extends number = 6> = [D] extends [never]
  ? never
  : {
      [K in keyof S & string]: S[K] extends Comparable
        ? K
        : S[K] extends ObjectField<infer I> | OptionalField<ObjectField<infer I>>
          ? `${K}.${ScalarPath<I, Prev[D]>}`
          : never;
    }[keyof S & string];

/** An index: a path (non-unique), or `{ path, unique?, name? }`. Default names: `<path>_idx` / `<path>_unique` (dots become `_`). */
export type IndexSpec<S extends Shape> = ScalarPath<S> | { readonly path: ScalarPath<S>; readonly unique?: boolean; readonly name?: string };

export interface ModelOptions<S extends Shape, PK extends PrimaryKeyOf<S>> {
  readonly primaryKey: PK;
  readonly indexes?: readonly IndexSpec<S>[];
}

const MODEL_BRAND = Symbol.for('modelvault.model');

export interface Model<N extends string = string, S extends Shape = Shape, PK extends string = string> {
  readonly [MODEL_BRAND]: true;
  readonly name: N;
  readonly shape: S;
  readonly primaryKey: PK;
  /** The catalog field list (`registerCollection`'s `fields`). */
  readonly fields: readonly FieldDef[];
  readonly indexes: readonly IndexDef[];
  /** The model in the golden/tagged JSON form the CLI reads (`modelvault migrate --models file.json`). */
  toJSON(): ModelJson;
}

/** Tagged JSON (golden-file encodings: 64-bit bounds as decimal strings), safe for `JSON.stringify`. */
export interface ModelJson {
  readonly name: string;
  readonly primaryKey: string;
  readonly fields: Json[];
  readonly indexes: Json[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModel = Model<string, any, string>;

/** The row type for inserts: optional fields may be omitted. */
export type Infer<M extends AnyModel> = InputOf<M['shape']>;
/** The row type reads return: every field present, absent optionals as `null`. */
export type InferRow<M extends AnyModel> = RowOf<M['shape']>;
/** The primary key's TypeScript type. */
export type PrimaryKeyType<M extends AnyModel> = OutOf<M['shape'][M['primaryKey']]>;

/** Whether `v` is a model (from this copy of the library or another: the brand is a registered symbol). */
export function isModel(v: unknown): v is AnyModel {
  return typeof v === 'object' && v !== null && (v as { [MODEL_BRAND]?: unknown })[MODEL_BRAND] === true;
}

function pathField(shape: Shape, path: readonly string[]): AnyField | undefined {
  let s: Shape = shape;
  let f: AnyField | undefined;
  for (let i = 0; i < path.length; i++) {
    f = Object.hasOwn(s, path[i]!) ? s[path[i]!] : undefined;
    if (f === undefined) return undefined;
    if (i === path.length - 1) break;
    const inner = f instanceof OptionalField ? f.inner : f;
    if (!(inner instanceof ObjectField)) return undefined;
    s = inner.shape;
  }
  return f;
}

function isComparableField(f: AnyField): boolean {
  const inner = f instanceof OptionalField ? f.inner : f;
  return inner instanceof ScalarField || inner instanceof EnumField;
}

export function model<const N extends string, const S extends Shape, const PK extends PrimaryKeyOf<S>>(
  name: N,
  shape: S,
  options: ModelOptions<S, PK>,
): Model<N, S, PK> {
  if (typeof name !== 'string' || name.trim() === '') throw usageError('InvalidModel', 'a model needs a non-empty collection name');
  checkShape(shape, `model "${name}"`);
  const pk = options?.primaryKey as string;
  const pkField = typeof pk === 'string' && Object.hasOwn(shape, pk) ? shape[pk] : undefined;
  if (pkField === undefined) {
    throw usageError('InvalidModel', `model "${name}": primaryKey ${JSON.stringify(pk)} is not one of its fields (${Object.keys(shape).join(', ')})`);
  }
  if (!(pkField instanceof ScalarField)) {
    throw usageError('InvalidModel', `model "${name}": primary key "${pk}" must be a required scalar field (not optional, list, object or enum)`);
  }
  const indexes: IndexDef[] = [];
  for (const spec of options.indexes ?? []) {
    const s = typeof spec === 'string' ? { path: spec } : (spec as { path: string; unique?: boolean; name?: string });
    const path = typeof s.path === 'string' ? s.path.split('.') : [];
    const f = pathField(shape, path);
    if (f === undefined || !isComparableField(f)) {
      throw usageError('InvalidModel', `model "${name}": index path ${JSON.stringify(s.path)} must name a scalar or enum field`);
    }
    const unique = s.unique === true;
    const indexName = s.name ?? `${path.join('_')}_${unique ? 'unique' : 'idx'}`;
    if (indexName.trim() === '' || indexes.some((d) => d.name === indexName)) {
      throw usageError('InvalidModel', `model "${name}": index name ${JSON.stringify(indexName)} is empty or used twice`);
    }
    indexes.push({ name: indexName, path, kind: unique ? 'unique' : 'non_unique' });
  }
  const fields = shapeToFields(shape);
  const m = {
    [MODEL_BRAND]: true as const,
    name,
    shape,
    primaryKey: pk as PK,
    fields,
    indexes,
    toJSON: (): ModelJson => ({ name, primaryKey: pk, fields: fields.map(fieldToJson), indexes: indexes.map(indexToJson) }),
  };
  return Object.freeze(m);
}
