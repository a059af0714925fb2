/**
 * Typed query options for model collections: `where` objects keyed by field name whose value
 * types the compiler checks, translated to the engine's predicate AST (src/query/ast.ts).
 *
 *   { sku: 'A-1' }                          equality
 *   { qty: { gte: 10n, lt: 100n } }          operators: eq ne lt lte gt gte between in isNull
 *   { note: null }                          optional field is null/absent
 *   { address: { city: 'Oslo' } }           into object fields
 *   { $or: [{ a: 1n }, { b: 2n }] }         $and / $or / $not
 */
import { usageError } from '../errors.ts';
import type { OrderKey, Predicate, Query } from '../query/ast.ts';
import type { ScalarPath } from './model.ts';
import { ListField, ObjectField, OptionalField } from './types.ts';
import type { AnyField, OutOf, Shape } from './types.ts';

export interface Ops<V> {
  readonly eq?: V;
  readonly ne?: V;
  readonly lt?: V;
  readonly lte?: V;
  readonly gt?: V;
  readonly gte?: V;
  /** Inclusive on both ends. */
  readonly between?: readonly [V, V];
  readonly in?: readonly V[];
  /** true: null or absent; false: has a value. */
  readonly isNull?: boolean;
}

export type Cond<V> = V | Ops<V>;

type WhereFor<F> =
  F extends OptionalField<infer I>
    ? I extends ObjectField<infer T> ? Where<T> | null : Cond<OutOf<I>> | null
    : F extends ObjectField<infer T> ? Where<T>
    : F extends ListField<AnyField> ? never
    : Cond<OutOf<F>>;

export type Where<S extends Shape> = { readonly [K in keyof S]?: WhereFor<S[K]> } & {
  readonly $and?: readonly Where<S>[];
  readonly $or?: readonly Where<S>[];
  readonly $not?: Where<S>;
};

export type OrderSpec<S extends Shape> =
  | ScalarPath<S>
  | { readonly path: ScalarPath<S>; readonly direction?: 'asc' | 'desc'; readonly nulls?: 'first' | 'last' };

export interface FindOptions<S extends Shape> {
  readonly where?: Where<S>;
  readonly orderBy?: OrderSpec<S> | readonly OrderSpec<S>[];
  readonly limit?: number;
  readonly offset?: number;
}

const OPS = new Set(['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'between', 'in', 'isNull']);
const MAX_DEPTH = 64;

function isRecord(v: unknown): v is { readonly [k: string]: unknown } {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

function badQuery(collection: string, message: string): never {
  throw usageError('InvalidQuery', `query on "${collection}": ${message}`, { collection });
}

function leafPredicates(collection: string, leaf: AnyField, path: string[], v: unknown): Predicate[] {
  const dotted = path.join('.');
  if (v === null) return [{ isNull: { path } }];
  if (!isRecord(v)) return [{ eq: { path, value: leaf.encode(v) } }];
  const out: Predicate[] = [];
  for (const op of Object.keys(v)) {
    const x = v[op];
    if (x === undefined) continue;
    if (!OPS.has(op)) badQuery(collection, `unknown operator "${op}" on field "${dotted}" (use ${[...OPS].join(', ')})`);
    if (op === 'isNull') out.push(x === true ? { isNull: { path } } : { isNotNull: { path } });
    else if (op === 'between') {
      if (!Array.isArray(x) || x.length !== 2) badQuery(collection, `"between" on field "${dotted}" needs [low, high]`);
      out.push({ between: { path, low: leaf.encode(x[0]), high: leaf.encode(x[1]) } });
    } else if (op === 'in') {
      if (!Array.isArray(x)) badQuery(collection, `"in" on field "${dotted}" needs an array`);
      out.push({ in: { path, values: x.map((e) => leaf.encode(e)) } });
    } else out.push({ [op]: { path, value: leaf.encode(x) } } as Predicate);
  }
  return out;
}

function conjunction(items: Predicate[]): Predicate {
  return items.length === 1 ? items[0]! : { and: items };
}

/** `where` → predicate. Unknown fields and operators are refused by name (JS callers have no compiler to do it). */
export function wherePredicate(collection: string, shape: Shape, where: unknown, prefix: string[] = [], depth = 0): Predicate {
  if (depth > MAX_DEPTH) badQuery(collection, 'where nests too deeply');
  if (!isRecord(where)) badQuery(collection, `where must be an object keyed by field name (got ${Array.isArray(where) ? 'an array' : typeof where})`);
  const items: Predicate[] = [];
  for (const key of Object.keys(where)) {
    const v = where[key];
    if (v === undefined) continue;
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(v)) badQuery(collection, `${key} needs an array of where objects`);
      const parts = v.map((w) => wherePredicate(collection, shape, w, prefix, depth + 1));
      items.push(key === '$and' ? { and: parts } : { or: parts });
      continue;
    }
    if (key === '$not') {
      items.push({ not: wherePredicate(collection, shape, v, prefix, depth + 1) });
      continue;
    }
    const path = [...prefix, key];
    const field = Object.hasOwn(shape, key) ? shape[key] : undefined;
    if (field === undefined) badQuery(collection, `no field "${path.join('.')}" in the model`);
    const inner = field instanceof OptionalField ? (field.inner as AnyField) : field;
    if (inner instanceof ObjectField) {
      items.push(v === null ? { isNull: { path } } : wherePredicate(collection, inner.shape, v, path, depth + 1));
    } else if (inner instanceof ListField) {
      badQuery(collection, `field "${path.join('.')}" is a list; lists cannot be compared`);
    } else items.push(...leafPredicates(collection, inner, path, v));
  }
  return conjunction(items);
}

function orderKey(collection: string, spec: unknown): string | OrderKey {
  if (typeof spec === 'string') return spec;
  if (isRecord(spec) && typeof spec.path === 'string') return spec as unknown as OrderKey;
  return badQuery(collection, 'orderBy takes a field path or { path, direction?, nulls? }');
}

/** Typed find options → the engine's Query. */
export function toEngineQuery(collection: string, shape: Shape, options: FindOptions<Shape> | undefined): Query {
  if (options === undefined) return {};
  if (!isRecord(options)) badQuery(collection, 'query options must be an object { where, orderBy, limit, offset }');
  const q: { -readonly [K in keyof Query]: Query[K] } = {};
  if (options.where !== undefined) q.where = wherePredicate(collection, shape, options.where);
  if (options.orderBy !== undefined) {
    const o = options.orderBy as unknown;
    q.orderBy = Array.isArray(o) ? o.map((x) => orderKey(collection, x)) : orderKey(collection, o);
  }
  if (options.limit !== undefined) q.limit = options.limit as number;
  if (options.offset !== undefined) q.offset = options.offset as number;
  return q;
}
