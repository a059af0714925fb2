/**
 * Structural equality of schema pieces with Rust's derived `PartialEq` semantics, which the
 * change classifier relies on: lists compare in order, and float constraint arguments
 * compare as floats (NaN ≠ NaN, 0.0 = −0.0).
 */
import { pathsEqual } from './field-paths.ts';
import { isEnum, isList, isObject, isOptional, isScalarType } from './types.ts';
import type { Constraint, FieldDef, IndexDef, Type } from './types.ts';

export function constraintEquals(a: Constraint, b: Constraint): boolean {
  if (a.kind !== b.kind) return false;
  const av = 'value' in a ? a.value : undefined;
  const bv = 'value' in b ? b.value : undefined;
  return av === bv;
}

export function constraintsEqual(a: readonly Constraint[], b: readonly Constraint[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!constraintEquals(a[i]!, b[i]!)) return false;
  return true;
}

export function typeEquals(a: Type, b: Type): boolean {
  if (isScalarType(a) || isScalarType(b)) return a === b;
  if (isOptional(a)) return isOptional(b) && typeEquals(a.optional, b.optional);
  if (isList(a)) return isList(b) && typeEquals(a.list, b.list);
  if (isEnum(a)) {
    if (!isEnum(b) || a.enum.length !== b.enum.length) return false;
    return a.enum.every((v, i) => v === b.enum[i]);
  }
  if (isObject(a)) {
    if (!isObject(b) || a.object.length !== b.object.length) return false;
    return a.object.every((m, i) => fieldEquals(m, b.object[i]!));
  }
  return false;
}

export function fieldEquals(a: FieldDef, b: FieldDef): boolean {
  return pathsEqual(a.path, b.path) && typeEquals(a.type, b.type) && constraintsEqual(a.constraints, b.constraints);
}

export function indexEquals(a: IndexDef, b: IndexDef): boolean {
  return a.name === b.name && a.kind === b.kind && pathsEqual(a.path, b.path);
}
