/**
 * What a query path addresses in a collection's schema. Queries are checked against the
 * schema before they run (the reference does not check, so a typo silently matches nothing,
 * BEHAVIOR.md §6.2); rows written under older schema versions still evaluate row by row.
 */
import { ModelVaultError } from '../errors.ts';
import type { PathShape } from '../schema/field-paths.ts';
import { shapeAt } from '../schema/field-paths.ts';
import type { FieldDef } from '../schema/types.ts';
import type { PathLike } from './ast.ts';

/** A scalar leaf, or a composite value (testable for null, never compared): see `shapeAt`. */
export type PathTarget = PathShape;

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

/** Resolves `path` against a field list (`shapeAt`); `Query.UnknownField` when nothing is there. */
export function resolveTarget(fields: readonly FieldDef[], path: readonly string[]): PathTarget {
  return shapeAt(fields, path) ?? unknownField(path);
}
