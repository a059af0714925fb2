/**
 * A value-ordered view of one derived index, for range scans and selectivity estimates.
 *
 * The engine keeps index entries in a hash map keyed by canonical key bytes
 * (engine/index-state.ts); little-endian integers make byte order useless for ranges
 * (FORMAT.md §7.4 item 1), so the view sorts the distinct keys by VALUE (numbers
 * numerically, strings by UTF-8 bytes, bytes/uuids bytewise, false < true), so a range is
 * two binary searches.
 *
 * The view is built lazily and cached per index object (a WeakMap, so views die with
 * rebuilt/dropped indexes), keyed by the index's `version`. Sorting k distinct keys costs
 * O(k log k), more than one full scan of the buckets, so `rangeBuckets` answers the FIRST
 * range query on an index version with an O(k) filter over the buckets (no sort) and builds
 * the view only when a second range query hits the same version: a write-then-query loop
 * never pays for sorting, repeated reads get binary searches. NaN keys are left out: no
 * range or equality ever matches NaN.
 */
import type { DerivedIndex, IndexBucket } from '../engine/index-state.ts';
import type { ScalarType } from '../schema/types.ts';
import type { ScalarValue } from '../schema/values.ts';
import { canonicalKeyString } from '../format/canonical-key.ts';
import { comparatorFor } from './predicate.ts';

export interface OrderedView {
  readonly type: ScalarType;
  readonly buckets: readonly IndexBucket[];
  readonly cmp: (a: ScalarValue, b: ScalarValue) => number;
}

export interface Bound {
  readonly value: ScalarValue;
  readonly inclusive: boolean;
}

const views = new WeakMap<DerivedIndex, { version: number; view: OrderedView }>();
/** Index version that already had one range query answered by a bucket filter. */
const coldHits = new WeakMap<DerivedIndex, number>();

export function orderedView(ix: DerivedIndex): OrderedView | null {
  const type = ix.keyType;
  if (type === null) return null;
  const hit = views.get(ix);
  if (hit !== undefined && hit.version === ix.version) return hit.view;
  const cmp = comparatorFor(type);
  const buckets: IndexBucket[] = [];
  for (const b of ix.buckets.values()) if (!(type === 'float64' && Number.isNaN(b.value))) buckets.push(b);
  const view = { type, buckets: sortBuckets(type, buckets, cmp), cmp };
  views.set(ix, { version: ix.version, view });
  return view;
}

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Buckets in value order. Numbers and surrogate-free strings (whose UTF-16 order is their
 * code-point order) go through the engine's native comparator-free sorts — several times
 * faster than a JS comparator on 100k keys — and are mapped back to their buckets by value.
 */
function sortBuckets(type: ScalarType, buckets: IndexBucket[], cmp: (a: ScalarValue, b: ScalarValue) => number): IndexBucket[] {
  const n = buckets.length;
  if (type === 'int64' || type === 'timestamp' || type === 'uint64') {
    const vals = type === 'uint64' ? new BigUint64Array(n) : new BigInt64Array(n);
    const byValue = new Map<bigint, IndexBucket>();
    for (let i = 0; i < n; i++) {
      const v = buckets[i]!.value as bigint;
      vals[i] = v;
      byValue.set(v, buckets[i]!);
    }
    vals.sort();
    return Array.from(vals, (v) => byValue.get(v)!);
  }
  if (type === 'float64') {
    // −0 and +0 are distinct buckets but one Map key; the typed sort puts −0 first.
    const vals = new Float64Array(n);
    const byValue = new Map<number, IndexBucket>();
    let negZero: IndexBucket | undefined;
    let posZero: IndexBucket | undefined;
    for (let i = 0; i < n; i++) {
      const b = buckets[i]!;
      const v = b.value as number;
      vals[i] = v;
      if (v === 0) {
        if (Object.is(v, -0)) negZero = b;
        else posZero = b;
      } else byValue.set(v, b);
    }
    vals.sort();
    return Array.from(vals, (v) => (v === 0 ? (Object.is(v, -0) ? negZero! : posZero!) : byValue.get(v)!));
  }
  if (type === 'string' && !buckets.some((b) => SURROGATE.test(b.value as string))) {
    const byValue = new Map<string, IndexBucket>();
    for (const b of buckets) byValue.set(b.value as string, b);
    return [...byValue.keys()].sort().map((v) => byValue.get(v)!);
  }
  return buckets.sort((a, b) => cmp(a.value, b.value));
}

/** First bucket index whose value is not below `b` (inclusive) / above `b` (exclusive). */
function lowerIndex(v: OrderedView, b: Bound | null): number {
  if (b === null) return 0;
  let lo = 0;
  let hi = v.buckets.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = v.cmp(v.buckets[mid]!.value, b.value);
    if (c < 0 || (c === 0 && !b.inclusive)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One past the last bucket index whose value is below `b` (exclusive) / not above it (inclusive). */
function upperIndex(v: OrderedView, b: Bound | null): number {
  if (b === null) return v.buckets.length;
  let lo = 0;
  let hi = v.buckets.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = v.cmp(v.buckets[mid]!.value, b.value);
    if (c < 0 || (c === 0 && b.inclusive)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Bucket index range [from, to) of a value range; NaN bounds select nothing. */
export function rangeSpan(v: OrderedView, low: Bound | null, high: Bound | null): { from: number; to: number } {
  if ((low !== null && Number.isNaN(low.value)) || (high !== null && Number.isNaN(high.value))) return { from: 0, to: 0 };
  const from = lowerIndex(v, low);
  const to = upperIndex(v, high);
  return { from, to: Math.max(from, to) };
}

/**
 * Buckets holding rows equal to `value`: one, except float zero (−0 and +0 have different
 * canonical bytes but are equal under IEEE `==`), and none for NaN.
 */
export function equalBuckets(ix: DerivedIndex, type: ScalarType, value: ScalarValue): IndexBucket[] {
  if (type === 'float64') {
    const x = value as number;
    if (Number.isNaN(x)) return [];
    if (x === 0) {
      const out: IndexBucket[] = [];
      for (const z of [0, -0]) {
        const b = ix.buckets.get(canonicalKeyString(type, z));
        if (b !== undefined) out.push(b);
      }
      return out;
    }
  }
  const b = ix.buckets.get(canonicalKeyString(type, value));
  return b === undefined ? [] : [b];
}

/**
 * Buckets whose value lies in the range (NaN bounds select nothing), through the ordered
 * view when it is current or worth building, else by filtering every bucket.
 */
export function rangeBuckets(ix: DerivedIndex, low: Bound | null, high: Bound | null): IndexBucket[] {
  const type = ix.keyType;
  if (type === null) return [];
  if ((low !== null && Number.isNaN(low.value)) || (high !== null && Number.isNaN(high.value))) return [];
  const cached = views.get(ix);
  if ((cached === undefined || cached.version !== ix.version) && coldHits.get(ix) !== ix.version) {
    coldHits.set(ix, ix.version);
    const cmp = comparatorFor(type);
    const out: IndexBucket[] = [];
    for (const b of ix.buckets.values()) {
      const v = b.value;
      if (low !== null) {
        const c = cmp(v, low.value);
        if (!(c > 0 || (c === 0 && low.inclusive))) continue;
      }
      if (high !== null) {
        const c = cmp(v, high.value);
        if (!(c < 0 || (c === 0 && high.inclusive))) continue;
      }
      out.push(b);
    }
    return out;
  }
  const view = orderedView(ix)!;
  const { from, to } = rangeSpan(view, low, high);
  return view.buckets.slice(from, to) as IndexBucket[];
}
