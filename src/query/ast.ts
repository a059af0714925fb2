/**
 * The typed query AST (BEHAVIOR.md §6.1, extended). Predicates are plain objects shaped like
 * the golden files' `queries[*].predicate` (`{ eq: { path, value } }`, `{ and: [...] }`), so
 * golden queries, hand-written queries and the builders below share one representation.
 *
 * Values are plain JS values of the field's type (bigint or safe-integer number for 64-bit
 * integers, number for float64, Uint8Array or text for uuid, …); the executor coerces and
 * checks them against the schema before anything runs (`Query.TypeMismatch`).
 */

/** `['profile', 'tz']`, or the dotted shorthand `'profile.tz'` (segments without dots only). */
export type PathLike = string | readonly string[];

export type ComparisonOp = 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte';

export type Predicate =
  | { readonly eq: { readonly path: PathLike; readonly value: unknown } }
  | { readonly ne: { readonly path: PathLike; readonly value: unknown } }
  | { readonly lt: { readonly path: PathLike; readonly value: unknown } }
  | { readonly lte: { readonly path: PathLike; readonly value: unknown } }
  | { readonly gt: { readonly path: PathLike; readonly value: unknown } }
  | { readonly gte: { readonly path: PathLike; readonly value: unknown } }
  /** Inclusive on both ends. */
  | { readonly between: { readonly path: PathLike; readonly low: unknown; readonly high: unknown } }
  | { readonly in: { readonly path: PathLike; readonly values: readonly unknown[] } }
  /** True when the path yields nothing: a missing member, null, or a non-object on the way. */
  | { readonly isNull: { readonly path: PathLike } }
  | { readonly isNotNull: { readonly path: PathLike } }
  | { readonly and: readonly Predicate[] }
  | { readonly or: readonly Predicate[] }
  | { readonly not: Predicate }
  /** Shorthand: `{ team: 'red', 'profile.tz': 'UTC', score: null }` = equality per path (null: IS NULL), AND-ed. */
  | { readonly [path: string]: unknown };

export type Direction = 'asc' | 'desc';

export interface OrderKey {
  readonly path: PathLike;
  /** Default `asc`. */
  readonly direction?: Direction;
  /** Where rows without a value at `path` go. Default: `last` for asc, `first` for desc (the reference's rule). */
  readonly nulls?: 'first' | 'last';
}

export interface Query {
  readonly where?: Predicate | null;
  /** A dotted path, a key, or several (a string in a list is one dotted path each). */
  readonly orderBy?: string | OrderKey | readonly (string | OrderKey)[] | null;
  /** Applied after filtering, ordering and `offset`. */
  readonly limit?: number | bigint | null;
  readonly offset?: number | bigint | null;
  /** Projection: each result row carries only these paths (BEHAVIOR.md §6.4 "subset rows"). */
  readonly select?: readonly PathLike[] | null;
}

export const eq = (path: PathLike, value: unknown): Predicate => ({ eq: { path, value } });
export const ne = (path: PathLike, value: unknown): Predicate => ({ ne: { path, value } });
export const lt = (path: PathLike, value: unknown): Predicate => ({ lt: { path, value } });
export const lte = (path: PathLike, value: unknown): Predicate => ({ lte: { path, value } });
export const gt = (path: PathLike, value: unknown): Predicate => ({ gt: { path, value } });
export const gte = (path: PathLike, value: unknown): Predicate => ({ gte: { path, value } });
export const between = (path: PathLike, low: unknown, high: unknown): Predicate => ({ between: { path, low, high } });
export const inList = (path: PathLike, values: readonly unknown[]): Predicate => ({ in: { path, values } });
export const isNull = (path: PathLike): Predicate => ({ isNull: { path } });
export const isNotNull = (path: PathLike): Predicate => ({ isNotNull: { path } });
export const and = (...items: Predicate[]): Predicate => ({ and: items });
export const or = (...items: Predicate[]): Predicate => ({ or: items });
export const not = (item: Predicate): Predicate => ({ not: item });
export const asc = (path: PathLike, nulls?: 'first' | 'last'): OrderKey => (nulls ? { path, direction: 'asc', nulls } : { path, direction: 'asc' });
export const desc = (path: PathLike, nulls?: 'first' | 'last'): OrderKey => (nulls ? { path, direction: 'desc', nulls } : { path, direction: 'desc' });
