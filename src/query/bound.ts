/**
 * A predicate checked against the schema: paths normalised, every value coerced to its
 * field's scalar type. Planning, evaluation and explain work on this form only.
 */
import type { FieldDef, ScalarType } from '../schema/types.ts';
import type { ScalarValue } from '../schema/values.ts';
import type { ComparisonOp, Predicate } from './ast.ts';
import { coerceScalar } from './coerce.ts';
import { normalizePath, queryError, resolveTarget } from './fields.ts';

export type BoundPredicate =
  | { readonly k: 'cmp'; readonly op: ComparisonOp; readonly path: readonly string[]; readonly type: ScalarType; readonly value: ScalarValue }
  | { readonly k: 'between'; readonly path: readonly string[]; readonly type: ScalarType; readonly low: ScalarValue; readonly high: ScalarValue }
  | { readonly k: 'in'; readonly path: readonly string[]; readonly type: ScalarType; readonly values: readonly ScalarValue[] }
  | { readonly k: 'null'; readonly path: readonly string[]; readonly negated: boolean }
  | { readonly k: 'and'; readonly items: readonly BoundPredicate[] }
  | { readonly k: 'or'; readonly items: readonly BoundPredicate[] }
  | { readonly k: 'not'; readonly item: BoundPredicate };

/** Deepest nesting accepted; predicates come from users and SQL text, and recursion must stay bounded. */
export const MAX_PREDICATE_DEPTH = 64;
/** Most values in one `in` list. */
export const MAX_IN_VALUES = 100_000;

const CMP_OPS: readonly ComparisonOp[] = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte'];
const OPERATORS = new Set<string>([...CMP_OPS, 'between', 'in', 'isNull', 'isNotNull', 'and', 'or', 'not']);

/**
 * `{ team: 'red', 'profile.tz': 'UTC', age: null }`: equality on each (dotted) path, `null`
 * meaning IS NULL, all of them AND-ed. A field literally named like an operator needs the
 * explicit `{ eq: { path, value } }` form.
 */
function bindShorthand(fields: readonly FieldDef[], p: Record<string, unknown>, keys: readonly string[]): BoundPredicate {
  if (keys.length === 0) throw queryError('InvalidPredicate', 'an empty predicate object: use { and: [] } to match every row');
  const items = keys.map((k): BoundPredicate => {
    const v = p[k];
    if (v === null) return bindPredicate(fields, { isNull: { path: k } });
    if (typeof v === 'object' && !(v instanceof Uint8Array) && !Array.isArray(v)) {
      throw queryError('InvalidPredicate', `unknown predicate operator ${JSON.stringify(k)} (or: field ${JSON.stringify(k)} compared with an object, which is not supported)`, {
        key: k,
      });
    }
    return bindPredicate(fields, { eq: { path: k, value: v } });
  });
  return items.length === 1 ? items[0]! : { k: 'and', items };
}

function scalarPath(fields: readonly FieldDef[], raw: unknown, what: string): { path: string[]; type: ScalarType } {
  const path = normalizePath(raw as string);
  const t = resolveTarget(fields, path);
  if (t.kind !== 'scalar') {
    throw queryError('TypeMismatch', `field ${JSON.stringify(path.join('.'))} is a list or object and cannot be used in ${what}`, {
      path,
    });
  }
  return { path, type: t.type };
}

function body(p: object, key: string): Record<string, unknown> {
  const b = (p as Record<string, unknown>)[key];
  if (typeof b !== 'object' || b === null) throw queryError('InvalidPredicate', `predicate "${key}" needs an object operand`);
  return b as Record<string, unknown>;
}

export function bindPredicate(fields: readonly FieldDef[], p: Predicate, depth = 0): BoundPredicate {
  if (depth > MAX_PREDICATE_DEPTH) throw queryError('InvalidPredicate', `predicate nesting deeper than ${MAX_PREDICATE_DEPTH}`);
  if (typeof p !== 'object' || p === null) throw queryError('InvalidPredicate', 'a predicate is an object');
  const keys = Object.keys(p);
  if (keys.length !== 1 || !OPERATORS.has(keys[0]!)) return bindShorthand(fields, p as Record<string, unknown>, keys);
  const key = keys[0]!;
  if ((CMP_OPS as readonly string[]).includes(key)) {
    const b = body(p, key);
    const { path, type } = scalarPath(fields, b.path, 'a comparison');
    return { k: 'cmp', op: key as ComparisonOp, path, type, value: coerceScalar(path, type, b.value) };
  }
  switch (key) {
    case 'between': {
      const b = body(p, key);
      const { path, type } = scalarPath(fields, b.path, 'a comparison');
      return { k: 'between', path, type, low: coerceScalar(path, type, b.low), high: coerceScalar(path, type, b.high) };
    }
    case 'in': {
      const b = body(p, key);
      const { path, type } = scalarPath(fields, b.path, 'a comparison');
      if (!Array.isArray(b.values)) throw queryError('InvalidPredicate', '"in" needs a values array');
      if (b.values.length > MAX_IN_VALUES) throw queryError('InvalidPredicate', `"in" accepts at most ${MAX_IN_VALUES} values`);
      return { k: 'in', path, type, values: b.values.map((v: unknown) => coerceScalar(path, type, v)) };
    }
    case 'isNull':
    case 'isNotNull': {
      const path = normalizePath(body(p, key).path as string);
      resolveTarget(fields, path);
      return { k: 'null', path, negated: key === 'isNotNull' };
    }
    case 'and':
    case 'or': {
      const items = (p as Record<string, unknown>)[key];
      if (!Array.isArray(items)) throw queryError('InvalidPredicate', `"${key}" needs an array of predicates`);
      return { k: key, items: items.map((i: Predicate) => bindPredicate(fields, i, depth + 1)) };
    }
    case 'not':
      return { k: 'not', item: bindPredicate(fields, (p as { not: Predicate }).not, depth + 1) };
    default:
      throw queryError('InvalidPredicate', `unknown predicate operator ${JSON.stringify(key)}`);
  }
}
