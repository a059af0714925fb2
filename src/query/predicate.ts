/**
 * Row-level predicate evaluation (BEHAVIOR.md §6.2): a comparison holds only when the path
 * walks through objects to a scalar of the field's kind; anything else (missing, null, list,
 * object, another kind) makes it false. Floats compare by IEEE rules (NaN matches nothing,
 * −0 == +0); strings by UTF-8 byte order; bytes and uuids bytewise. Logic is two-valued:
 * `not p` holds exactly when `p` does not, so `not(eq(x, 1))` also matches rows where x is
 * null (SQL text instead pushes NOT down to get SQL's null behaviour, see sql/compile.ts).
 *
 * Predicates are compiled once into closures: the row loop then runs without re-inspecting
 * the AST, which is what keeps full scans and index re-checks cheap.
 */
import { compareBytes, compareStringsUtf8 } from '../format/canonical-key.ts';
import type { ScalarType } from '../schema/types.ts';
import type { Row, ScalarValue, Value } from '../schema/values.ts';
import { hasField, isPlainObjectValue } from '../schema/values.ts';
import type { BoundPredicate } from './bound.ts';

export type RowTest = (row: Row) => boolean;

/** Own-property walk; undefined when a step is missing or not an object. */
export function valueAt(row: Row, path: readonly string[]): Value | undefined {
  let cur: Value = row;
  for (let i = 0; i < path.length; i++) {
    if (!isPlainObjectValue(cur) || !hasField(cur, path[i]!)) return undefined;
    cur = cur[path[i]!]!;
  }
  return cur;
}

/** The value at `path` if it is a scalar of `type`'s JS shape, else undefined. */
export function scalarAt(row: Row, path: readonly string[], type: ScalarType): ScalarValue | undefined {
  const v = path.length === 1 ? (hasField(row, path[0]!) ? row[path[0]!] : undefined) : valueAt(row, path);
  return isKind(type, v) ? (v as ScalarValue) : undefined;
}

export function isKind(type: ScalarType, v: Value | undefined): boolean {
  switch (type) {
    case 'bool':
      return typeof v === 'boolean';
    case 'int64':
    case 'uint64':
    case 'timestamp':
      return typeof v === 'bigint';
    case 'float64':
      return typeof v === 'number';
    case 'string':
      return typeof v === 'string';
    case 'bytes':
      return v instanceof Uint8Array;
    case 'uuid':
      return v instanceof Uint8Array && v.length === 16;
  }
}

/**
 * Three-way comparison of two values of one kind; NaN for unordered float pairs (so every
 * `<`/`>`/`===` test against it is false, like IEEE).
 */
export function comparatorFor(type: ScalarType): (a: ScalarValue, b: ScalarValue) => number {
  switch (type) {
    case 'string':
      return (a, b) => compareStringsUtf8(a as string, b as string);
    case 'bytes':
    case 'uuid':
      return (a, b) => compareBytes(a as Uint8Array, b as Uint8Array);
    case 'float64':
      return (a, b) => ((a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : (a as number) === (b as number) ? 0 : NaN);
    default:
      return (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  }
}

function leafTest(type: ScalarType, path: readonly string[], holds: (v: ScalarValue) => boolean): RowTest {
  if (path.length === 1) {
    const name = path[0]!;
    if (!(name in Object.prototype)) {
      // A plain property read, no own-property call: the hot path of scans and index
      // re-checks (hasOwnProperty per row cost ~40% of an index query). Rows are plain objects
      // holding every top-level field of their schema (absent optionals as null), and a
      // name Object.prototype lacks cannot be inherited, so this reads the row's own value.
      return (row) => {
        const v = row[name];
        return isKind(type, v) && holds(v as ScalarValue);
      };
    }
    return (row) => {
      if (!hasField(row, name)) return false;
      const v = row[name];
      return isKind(type, v) && holds(v as ScalarValue);
    };
  }
  return (row) => {
    const v = valueAt(row, path);
    return isKind(type, v) && holds(v as ScalarValue);
  };
}

/** The top-level field name a direct property read may use (see leafTest), else null. */
function directName(path: readonly string[]): string | null {
  return path.length === 1 && !(path[0]! in Object.prototype) ? path[0]! : null;
}

/** JS `typeof` of the kind's values, for the kinds whose values are primitives. */
function primitiveTypeof(type: ScalarType): 'bigint' | 'number' | 'boolean' | 'string' | null {
  switch (type) {
    case 'int64':
    case 'uint64':
    case 'timestamp':
      return 'bigint';
    case 'float64':
      return 'number';
    case 'bool':
      return 'boolean';
    case 'string':
      return 'string';
    default:
      return null;
  }
}

/**
 * Monomorphic closures for the common leaves (equality and ranges on a top-level field of a
 * primitive kind): no shared `holds` call site, no kind switch. `===` against a primitive
 * of the field's kind already implies the kind (NaN never equal, −0 === +0 as IEEE wants);
 * ordering operators mix bigint and number in JS, so ranges test `typeof` first.
 */
function directComparison(p: Extract<BoundPredicate, { k: 'cmp' }>): RowTest | null {
  const name = directName(p.path);
  const kind = primitiveTypeof(p.type);
  if (name === null || kind === null || (kind === 'string' && p.op !== 'eq' && p.op !== 'ne')) return null;
  const x = p.value as number | bigint | boolean | string;
  switch (p.op) {
    case 'eq':
      return (row) => row[name] === x;
    case 'ne':
      return (row) => {
        const v = row[name];
        return typeof v === kind && v !== x;
      };
    case 'lt':
      return (row) => {
        const v = row[name];
        return typeof v === kind && (v as typeof x) < x;
      };
    case 'lte':
      return (row) => {
        const v = row[name];
        return typeof v === kind && (v as typeof x) <= x;
      };
    case 'gt':
      return (row) => {
        const v = row[name];
        return typeof v === kind && (v as typeof x) > x;
      };
    case 'gte':
      return (row) => {
        const v = row[name];
        return typeof v === kind && (v as typeof x) >= x;
      };
  }
}

function comparisonTest(p: Extract<BoundPredicate, { k: 'cmp' }>): RowTest {
  const direct = directComparison(p);
  if (direct !== null) return direct;
  const { type, path, value } = p;
  // Primitive kinds compare with JS operators directly; the hot path of scans.
  if (type !== 'string' && type !== 'bytes' && type !== 'uuid') {
    const x = value as number | bigint | boolean;
    switch (p.op) {
      case 'eq':
        return leafTest(type, path, (v) => v === x);
      case 'ne':
        // `!==` keeps IEEE: NaN differs from everything, −0 equals +0.
        return leafTest(type, path, (v) => v !== x);
      case 'lt':
        return leafTest(type, path, (v) => v < x);
      case 'lte':
        return leafTest(type, path, (v) => v <= x);
      case 'gt':
        return leafTest(type, path, (v) => v > x);
      case 'gte':
        return leafTest(type, path, (v) => v >= x);
    }
  }
  if (type === 'string' && p.op === 'eq') return leafTest(type, path, (v) => v === value);
  const cmp = comparatorFor(type);
  switch (p.op) {
    case 'eq':
      return leafTest(type, path, (v) => cmp(v, value) === 0);
    case 'ne':
      return leafTest(type, path, (v) => cmp(v, value) !== 0);
    case 'lt':
      return leafTest(type, path, (v) => cmp(v, value) < 0);
    case 'lte':
      return leafTest(type, path, (v) => cmp(v, value) <= 0);
    case 'gt':
      return leafTest(type, path, (v) => cmp(v, value) > 0);
    case 'gte':
      return leafTest(type, path, (v) => cmp(v, value) >= 0);
  }
}

/**
 * The field and value of a predicate that is exactly "top-level field === primitive" (the
 * common index lookup), for loops that test it inline; null for anything else.
 */
export function directEquality(p: BoundPredicate | null): { name: string; value: number | bigint | boolean | string } | null {
  if (p === null || p.k !== 'cmp' || p.op !== 'eq') return null;
  const name = directName(p.path);
  if (name === null || primitiveTypeof(p.type) === null) return null;
  return { name, value: p.value as number | bigint | boolean | string };
}

/** A range on one top-level numeric field: `lo`/`hi` null when that side is open. */
export interface DirectRange {
  readonly name: string;
  readonly kind: 'bigint' | 'number';
  readonly lo: number | bigint | null;
  readonly loInclusive: boolean;
  readonly hi: number | bigint | null;
  readonly hiInclusive: boolean;
}

/**
 * The bounds of a predicate that is exactly a range on one top-level integer or float field
 * (one comparison, `between`, or an AND of comparisons on that field), for loops that test
 * it inline; null for anything else. Float bounds that are NaN are left to the general path.
 */
export function directRange(p: BoundPredicate | null): DirectRange | null {
  if (p === null) return null;
  const items = p.k === 'and' ? p.items : [p];
  if (items.length === 0) return null;
  let name: string | null = null;
  let kind: 'bigint' | 'number' | null = null;
  let lo: number | bigint | null = null;
  let hi: number | bigint | null = null;
  let loInclusive = true;
  let hiInclusive = true;
  const lower = (v: number | bigint, inclusive: boolean) => {
    if (lo === null || v > lo || (v === lo && !inclusive)) {
      lo = v;
      loInclusive = inclusive;
    }
  };
  const upper = (v: number | bigint, inclusive: boolean) => {
    if (hi === null || v < hi || (v === hi && !inclusive)) {
      hi = v;
      hiInclusive = inclusive;
    }
  };
  for (const it of items) {
    if (it.k !== 'cmp' && it.k !== 'between') return null;
    const n = directName(it.path);
    const t = primitiveTypeof(it.type);
    if (n === null || (t !== 'bigint' && t !== 'number') || (name !== null && n !== name)) return null;
    name = n;
    kind = t;
    const values = it.k === 'between' ? [it.low, it.high] : [it.value];
    if (values.some((v) => typeof v === 'number' && Number.isNaN(v))) return null;
    if (it.k === 'between') {
      lower(it.low as number | bigint, true);
      upper(it.high as number | bigint, true);
    } else if (it.op === 'gt' || it.op === 'gte') lower(it.value as number | bigint, it.op === 'gte');
    else if (it.op === 'lt' || it.op === 'lte') upper(it.value as number | bigint, it.op === 'lte');
    else return null;
  }
  return { name: name!, kind: kind!, lo, loInclusive, hi, hiInclusive };
}

export function compilePredicate(p: BoundPredicate): RowTest {
  switch (p.k) {
    case 'cmp':
      return comparisonTest(p);
    case 'between': {
      const cmp = comparatorFor(p.type);
      const { low, high } = p;
      return leafTest(p.type, p.path, (v) => cmp(v, low) >= 0 && cmp(v, high) <= 0);
    }
    case 'in': {
      const cmp = comparatorFor(p.type);
      const values = p.values;
      if (p.type !== 'bytes' && p.type !== 'uuid' && p.type !== 'float64') {
        const set = new Set<ScalarValue>(values);
        const name = directName(p.path);
        // The set holds values of the field's kind only, so membership implies the kind.
        if (name !== null) return (row) => set.has(row[name] as ScalarValue);
        return leafTest(p.type, p.path, (v) => set.has(v));
      }
      return leafTest(p.type, p.path, (v) => values.some((x) => cmp(v, x) === 0));
    }
    case 'null': {
      const { path, negated } = p;
      return (row) => {
        const v = valueAt(row, path);
        return (v === undefined || v === null) !== negated;
      };
    }
    case 'and': {
      const tests = p.items.map(compilePredicate);
      if (tests.length === 0) return () => true;
      if (tests.length === 1) return tests[0]!;
      if (tests.length === 2) {
        const [a, b] = tests as [RowTest, RowTest];
        return (row) => a(row) && b(row);
      }
      return (row) => tests.every((t) => t(row));
    }
    case 'or': {
      const tests = p.items.map(compilePredicate);
      if (tests.length === 0) return () => false;
      return (row) => tests.some((t) => t(row));
    }
    case 'not': {
      const t = compilePredicate(p.item);
      return (row) => !t(row);
    }
  }
}
