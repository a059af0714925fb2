/**
 * What a query path addresses in a collection's schema. Queries are checked against the
 * schema before they run (the reference does not check, so a typo silently matches nothing,
 * BEHAVIOR.md §6.2); rows written under older schema versions still evaluate row by row.
 */
import { ModelVaultError } from '../errors.ts';
import type { FieldDef, ScalarType, Type } from '../schema/types.ts';
import { isEnum, isObject, isOptional } from '../schema/types.ts';
import type { PathLike } from './ast.ts';

export type PathTarget =
  /** A scalar leaf (enums are strings). `nullable`: the leaf or an object on the way is Optional. */
  | { readonly kind: 'scalar'; readonly type: ScalarType; readonly enumValues: readonly string[] | null }
  /** A list, an object, or a prefix of multi-segment fields: testable for null, never compared. */
  | { readonly kind: 'composite' };

export function normalizePath(p: PathLike): string[] {
  if (typeof p === 'string') {
    if (p.length === 0) throw queryError('InvalidPath', 'empty field path', { path: p });
    return p.split('.');
  }
  if (!Array.isArray(p) || p.length === 0 || p.some((s) => typeof s !== 'string' || s.length === 0)) {
    throw queryError('InvalidPath', 'a field path is a non-empty list of non-empty strings', { path: String(p) });
  }
  return [...p];
}

export function queryError(variant: string, message: string, details: Record<string, unknown> = {}): ModelVaultError {
  return new ModelVaultError(`Query.${variant}`, message, details);
}

function unknownField(path: readonly string[]): never {
  throw queryError('UnknownField', `unknown field ${JSON.stringify(path.join('.'))}`, { path: [...path] });
}

/** Resolves `path` against a field list, descending through Optional and Object types. */
export function resolveTarget(fields: readonly FieldDef[], path: readonly string[]): PathTarget {
  let t: Type | undefined;
  let rest: readonly string[] = [];
  for (const f of fields) {
    if (f.path.length <= path.length && f.path.every((s, i) => s === path[i])) {
      t = f.type;
      rest = path.slice(f.path.length);
      break;
    }
  }
  if (t === undefined) {
    // A prefix of multi-segment field paths addresses the object they are stored under.
    if (fields.some((f) => f.path.length > path.length && path.every((s, i) => s === f.path[i]))) return { kind: 'composite' };
    return unknownField(path);
  }
  return descend(t, rest, path);
}

function descend(start: Type, restIn: readonly string[], path: readonly string[]): PathTarget {
  let t: Type = start;
  let rest = restIn;
  for (;;) {
    while (isOptional(t)) t = t.optional;
    if (rest.length === 0) break;
    if (!isObject(t)) unknownField(path);
    const seg = rest[0]!;
    const member: FieldDef | undefined = t.object.find((m) => m.path[0] === seg);
    if (member === undefined) return unknownField(path);
    t = member.type;
    rest = rest.slice(1);
  }
  if (typeof t === 'string') return { kind: 'scalar', type: t, enumValues: null };
  if (isEnum(t)) return { kind: 'scalar', type: 'string', enumValues: t.enum };
  // Lists and objects: testable for null, never compared.
  return { kind: 'composite' };
}
