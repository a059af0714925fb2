/**
 * Field paths (BEHAVIOR.md §1.2, FORMAT.md §6.12): the rules a top-level field list must
 * obey before it may reach the catalog, and helpers for addressing values by path.
 */
import { schemaError } from '../errors.ts';
import { debugStringList } from './rust-display.ts';
import type { FieldDef, ScalarType, Type } from './types.ts';
import { isEnum, isObject, isOptional } from './types.ts';
import { hasField, isPlainObjectValue } from './values.ts';
import type { Row, Value } from './values.ts';

/**
 * A collision-free string key for a path. Segments may contain any character (dots
 * included), so joining with '.' would conflate `["a.b"]` with `["a","b"]`; JSON quoting
 * keeps them distinct.
 */
export function pathKey(path: readonly string[]): string {
  return JSON.stringify(path);
}

export function pathsEqual(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** True when `prefix` is strictly shorter than `path` and matches its leading segments. */
export function isProperPrefix(prefix: readonly string[], path: readonly string[]): boolean {
  if (prefix.length >= path.length) return false;
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== path[i]) return false;
  return true;
}

/** Rust `{:?}` of a path (a `Vec<String>`), as reference messages print it: `["profile", "tz"]`. */
export function debugPath(path: readonly string[]): string {
  return debugStringList(path);
}

function invalidPath(path: readonly string[], reason: string): never {
  throw schemaError('InvalidFieldPath', 'invalid field path', { path: [...path], reason });
}

/** One path on its own: ≥ 1 segment, none empty. */
export function validateFieldPath(path: readonly string[]): void {
  if (path.length === 0) invalidPath(path, 'path has no segments');
  for (const seg of path) if (seg.length === 0) invalidPath(path, 'path has an empty segment');
}

/**
 * FORMAT.md §6.12: every path valid, no duplicates, no path a proper prefix of another.
 * Sorting the keys lexicographically by segments puts a prefix immediately before the
 * paths it prefixes, so a linear sweep suffices (O(n log n) instead of O(n²) pairs).
 */
export function validateFieldList(fields: readonly FieldDef[]): void {
  for (const f of fields) validateFieldPath(f.path);
  const sorted = fields.map((f) => f.path).sort(comparePaths);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (pathsEqual(prev, cur)) invalidPath(cur, 'duplicate field path');
    if (isProperPrefix(prev, cur)) invalidPath(cur, `field path is nested under field ${debugPath(prev)}`);
  }
}

/** Segment-wise order; a proper prefix sorts before its extensions. */
export function comparePaths(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y) return compareUtf8(x, y);
  }
  return a.length - b.length;
}

/**
 * UTF-8 byte order of two strings (Rust's `str` Ord / BTreeMap order), computed without
 * encoding: it equals code-point order, which differs from JS UTF-16 unit order only for
 * astral characters vs U+E000..U+FFFF.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (D800–DFFF) belongs to a code point above U+FFFF, which outranks every
    // BMP character, whatever its UTF-16 unit value.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** True when some field addresses a nested leaf: the record body switches to v3 (FORMAT.md §8.6). */
export function hasMultiSegmentFields(fields: readonly FieldDef[]): boolean {
  return fields.some((f) => f.path.length > 1);
}

/** The single-segment top-level field named `name`, if any (primary-key lookups). */
export function findTopLevelField(fields: readonly FieldDef[], name: string): FieldDef | undefined {
  return fields.find((f) => f.path.length === 1 && f.path[0] === name);
}

/**
 * Walks `path` through nested objects. `undefined` means "not present": a key missing or an
 * intermediate value that is not an object (a null intermediate included). Only own
 * properties count, so `__proto__`/`constructor` never resolve to prototype members.
 */
export function resolvePath(row: Row, path: readonly string[]): Value | undefined {
  if (path.length === 0) return undefined;
  let cur: Value = row;
  for (const seg of path) {
    if (!isPlainObjectValue(cur) || !hasField(cur, seg)) return undefined;
    cur = cur[seg]!;
  }
  return cur;
}

/**
 * What `path` addresses in rows of this field list (shared by query checking and index
 * derivation): a scalar leaf (enums are strings, with their members), a composite value (a
 * list, an object, or the object a group of multi-segment fields is stored under), or null
 * when the schema has nothing there. The first segments select a field (one-segment or
 * multi-segment path); the rest descend through Object members, looking through Optional.
 */
export type PathShape =
  | { readonly kind: 'scalar'; readonly type: ScalarType; readonly enumValues: readonly string[] | null }
  | { readonly kind: 'composite' };

export function shapeAt(fields: readonly FieldDef[], path: readonly string[]): PathShape | null {
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
    return fields.some((f) => isProperPrefix(path, f.path)) ? { kind: 'composite' } : null;
  }
  for (;;) {
    while (isOptional(t)) t = t.optional;
    if (rest.length === 0) break;
    if (!isObject(t)) return null;
    const seg = rest[0]!;
    const member: FieldDef | undefined = t.object.find((m) => m.path[0] === seg);
    if (member === undefined) return null;
    t = member.type;
    rest = rest.slice(1);
  }
  if (typeof t === 'string') return { kind: 'scalar', type: t, enumValues: null };
  if (isEnum(t)) return { kind: 'scalar', type: 'string', enumValues: t.enum };
  return { kind: 'composite' };
}
