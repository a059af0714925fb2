/**
 * The schema vocabulary shared by every layer. The shapes deliberately mirror the JSON
 * spelling used by the golden files and BEHAVIOR.md (`"int64"`, `{ optional: T }`,
 * `{ object: [...] }`, …) so catalogs, op scripts and dumps convert without glue.
 */

export const SCALAR_TYPES = ['bool', 'int64', 'uint64', 'float64', 'string', 'bytes', 'uuid', 'timestamp'] as const;
export type ScalarType = (typeof SCALAR_TYPES)[number];

export type Type =
  | ScalarType
  | { readonly optional: Type }
  | { readonly list: Type }
  | { readonly object: readonly FieldDef[] }
  | { readonly enum: readonly string[] };

export type Constraint =
  | { readonly kind: 'min_i64' | 'max_i64' | 'min_u64' | 'max_u64' | 'min_length' | 'max_length'; readonly value: bigint }
  | { readonly kind: 'min_f64' | 'max_f64'; readonly value: number }
  | { readonly kind: 'regex'; readonly value: string }
  | { readonly kind: 'email' | 'url' | 'non_empty' };

export interface FieldDef {
  /** Non-empty list of non-empty segments; more than one addresses a nested leaf. */
  readonly path: readonly string[];
  readonly type: Type;
  readonly constraints: readonly Constraint[];
}

export type IndexKind = 'unique' | 'non_unique';

export interface IndexDef {
  readonly name: string;
  readonly path: readonly string[];
  readonly kind: IndexKind;
}

/** One collection as the catalog knows it at its current schema version. */
export interface CollectionDef {
  readonly id: number;
  readonly name: string;
  readonly schemaVersion: number;
  readonly fields: readonly FieldDef[];
  readonly indexes: readonly IndexDef[];
  /** null only for legacy catalog-v1 collections (FORMAT.md §6.9). */
  readonly primaryField: string | null;
}

export const isScalarType = (t: Type): t is ScalarType => typeof t === 'string';
export const isOptional = (t: Type): t is { readonly optional: Type } => typeof t === 'object' && 'optional' in t;
export const isList = (t: Type): t is { readonly list: Type } => typeof t === 'object' && 'list' in t;
export const isObject = (t: Type): t is { readonly object: readonly FieldDef[] } => typeof t === 'object' && 'object' in t;
export const isEnum = (t: Type): t is { readonly enum: readonly string[] } => typeof t === 'object' && 'enum' in t;
