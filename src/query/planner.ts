/**
 * Chooses how to find candidate rows (BEHAVIOR.md §6.3, extended).
 *
 * Access paths: a full `CollectionScan`; an `IndexLookup` for an equality on an indexed path
 * (the reference's only index plan); an `IndexMultiLookup` for `in`; an `IndexRangeScan` for
 * `<`, `<=`, `>`, `>=`, `between` (all range bounds on one path in the conjunction are
 * intersected). Candidates come from the top-level predicate or the items of top-level
 * (nested) `and`s — never from inside `or`/`not`, where they would not bound the result.
 *
 * Among usable candidates the one with the fewest candidate rows wins; the counts are exact
 * (bucket sizes of the keys or of the range, see ordered-index.ts), not guesses. Ties keep the reference's
 * preference: unique before non-unique, then predicate order, then schema index order.
 * A range scan is used only when it reads less than half the collection: walking index
 * buckets and fetching rows one by one loses to a straight scan beyond that.
 *
 * Every candidate is re-checked against the WHOLE predicate, the conditions the access path
 * satisfied included (executor.ts): the index is derived from the rows in the same step as
 * every row change (engine/index-state.ts), but a re-check makes a wrong index entry cost
 * time, never a wrong row. `recheckOf` only tells the executor whether anything beyond the
 * access path's own conditions is left (if not, candidates are sorted first and fetched up
 * to `limit`). The re-check's cost is kept down by predicate.ts's monomorphic leaf closures
 * (100 equality lookups returning 100k rows: ~37 ms without the re-check, ~68 ms with it).
 */
import type { DerivedIndex, IndexBucket, IndexState } from '../engine/index-state.ts';
import { pathsEqual } from '../schema/field-paths.ts';
import type { ScalarType } from '../schema/types.ts';
import type { ScalarValue } from '../schema/values.ts';
import type { BoundPredicate } from './bound.ts';
import type { Bound } from './ordered-index.ts';
import { equalBuckets, rangeBuckets } from './ordered-index.ts';
import { comparatorFor } from './predicate.ts';

export type Access =
  | { readonly kind: 'scan' }
  | {
      readonly kind: 'lookup';
      readonly index: DerivedIndex;
      /** Distinct keys (one for an equality). */
      readonly keys: readonly ScalarValue[];
      readonly type: ScalarType;
      /** The predicate the lookup satisfies (an `eq` or an `in`). */
      readonly used: BoundPredicate;
      readonly estimate: number;
    }
  | {
      readonly kind: 'range';
      readonly index: DerivedIndex;
      readonly low: Bound | null;
      readonly high: Bound | null;
      readonly used: readonly BoundPredicate[];
      readonly estimate: number;
      /** The index buckets in range, found while planning (the candidate set is fixed then). */
      readonly buckets: readonly IndexBucket[];
    };

export interface Plan {
  readonly access: Access;
  readonly rowCount: number;
}

function conjuncts(p: BoundPredicate, out: BoundPredicate[]): BoundPredicate[] {
  if (p.k === 'and') for (const i of p.items) conjuncts(i, out);
  else out.push(p);
  return out;
}

function indexFor(indexes: readonly DerivedIndex[], path: readonly string[], type: ScalarType): DerivedIndex[] {
  return indexes.filter((ix) => ix.keyType === type && pathsEqual(ix.def.path, path));
}

function rank(a: Access): number {
  if (a.kind === 'scan') return 3;
  if (a.kind === 'range') return 2;
  return a.index.def.kind === 'unique' && a.keys.length === 1 ? 0 : 1;
}

function tighter(cmp: (a: ScalarValue, b: ScalarValue) => number, a: Bound | null, b: Bound, lower: boolean): Bound {
  if (a === null) return b;
  const c = cmp(b.value, a.value);
  if (c === 0) return a.inclusive && !b.inclusive ? b : a;
  return (lower ? c > 0 : c < 0) ? b : a;
}

function rangeCandidates(items: readonly BoundPredicate[], indexes: readonly DerivedIndex[], rowCount: number): Access[] {
  const byPath = new Map<string, { path: readonly string[]; type: ScalarType; low: Bound | null; high: Bound | null; used: BoundPredicate[] }>();
  for (const p of items) {
    let low: Bound | null = null;
    let high: Bound | null = null;
    if (p.k === 'cmp') {
      if (p.op === 'gt' || p.op === 'gte') low = { value: p.value, inclusive: p.op === 'gte' };
      else if (p.op === 'lt' || p.op === 'lte') high = { value: p.value, inclusive: p.op === 'lte' };
      else continue;
    } else if (p.k === 'between') {
      low = { value: p.low, inclusive: true };
      high = { value: p.high, inclusive: true };
    } else continue;
    const key = JSON.stringify(p.path);
    let r = byPath.get(key);
    if (r === undefined) byPath.set(key, (r = { path: p.path, type: p.type, low: null, high: null, used: [] }));
    r.used.push(p);
    const cmp = comparatorFor(p.type);
    if (low !== null) r.low = tighter(cmp, r.low, low, true);
    if (high !== null) r.high = tighter(cmp, r.high, high, false);
  }
  const out: Access[] = [];
  for (const r of byPath.values()) {
    for (const ix of indexFor(indexes, r.path, r.type)) {
      const buckets = rangeBuckets(ix, r.low, r.high);
      let estimate = 0;
      for (const b of buckets) estimate += b.rows.size;
      if (estimate * 2 <= rowCount) out.push({ kind: 'range', index: ix, low: r.low, high: r.high, used: r.used, estimate, buckets });
    }
  }
  return out;
}

export function plan(where: BoundPredicate | null, indexes: IndexState, collectionId: number, rowCount: number): Plan {
  const all = indexes.of(collectionId);
  if (where === null || all.length === 0) return { access: { kind: 'scan' }, rowCount };
  const items = conjuncts(where, []);
  const candidates: Access[] = [];
  for (const p of items) {
    if (p.k === 'cmp' && p.op === 'eq') {
      for (const ix of indexFor(all, p.path, p.type)) {
        const estimate = equalBuckets(ix, p.type, p.value).reduce((n, b) => n + b.rows.size, 0);
        candidates.push({ kind: 'lookup', index: ix, keys: [p.value], type: p.type, used: p, estimate });
      }
    } else if (p.k === 'in') {
      for (const ix of indexFor(all, p.path, p.type)) {
        const keys: ScalarValue[] = [];
        const seen = new Set<string>();
        let estimate = 0;
        for (const v of p.values) {
          const bs = equalBuckets(ix, p.type, v);
          const id = bs.map((b) => b.key.join(',')).join('|') || `none:${keys.length}`;
          if (seen.has(id)) continue;
          seen.add(id);
          keys.push(v);
          for (const b of bs) estimate += b.rows.size;
        }
        candidates.push({ kind: 'lookup', index: ix, keys, type: p.type, used: p, estimate });
      }
    }
  }
  candidates.push(...rangeCandidates(items, all, rowCount));
  let best: Access = { kind: 'scan' };
  let bestCost = Infinity;
  for (const c of candidates) {
    if (c.kind === 'scan') continue;
    if (c.estimate < bestCost || (c.estimate === bestCost && rank(c) < rank(best))) {
      best = c;
      bestCost = c.estimate;
    }
  }
  return { access: best, rowCount };
}

function conjunctsOf(p: BoundPredicate): BoundPredicate[] {
  return conjuncts(p, []);
}

/**
 * `where` without the conjuncts the access path itself satisfies (null when nothing is
 * left); the executor still re-checks the whole predicate.
 */
export function recheckOf(where: BoundPredicate | null, access: Access): BoundPredicate | null {
  if (where === null || access.kind === 'scan') return where;
  const implied = new Set<BoundPredicate>(access.kind === 'lookup' ? [access.used] : access.used);
  const rest = conjunctsOf(where).filter((p) => !implied.has(p));
  if (rest.length === 0) return null;
  return rest.length === 1 ? rest[0]! : { k: 'and', items: rest };
}
