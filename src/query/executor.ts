/**
 * Runs a prepared query: access path → check every candidate against the whole
 * predicate → order → offset → limit → projection. The reference applies `limit` to index candidates
 * before filtering and sorting (§13 item 6); here `limit` always counts result rows.
 *
 * Result rows are the engine's stored row objects, not copies (a projection builds new
 * objects): copying would cost more than the lookup itself. They are shared, read-only
 * views — see docs/queries.md; writes replace row objects, they never mutate them.
 *
 * Without ORDER BY every access path yields rows in ascending canonical primary-key byte
 * order — the order of the reference's index lookups, and a deterministic choice for scans
 * (FORMAT.md §7.4 item 2) — so paging with offset/limit is stable whichever plan runs.
 */
import type { CollectionState } from '../engine/catalog.ts';
import type { IndexBucket, IndexState } from '../engine/index-state.ts';
import type { RowStore, StoredRow } from '../engine/row-store.ts';
import type { RowTable } from '../engine/row-table.ts';
import { keyOrder, sortedKeyStrings } from '../engine/row-store.ts';
import type { Row } from '../schema/values.ts';
import type { Query } from './ast.ts';
import type { BoundPredicate } from './bound.ts';
import { bindPredicate } from './bound.ts';
import { normalizePath, queryError, resolveTarget } from './fields.ts';
import type { BoundOrderKey, Sortable } from './order.ts';
import { bindOrder, sortRows, topRows } from './order.ts';
import { equalBuckets } from './ordered-index.ts';
import type { Plan } from './planner.ts';
import { plan, recheckOf } from './planner.ts';
import type { RowTest } from './predicate.ts';
import type { DirectRange } from './predicate.ts';
import { compilePredicate, directEquality, directRange } from './predicate.ts';
import { projectRow } from './project.ts';

export interface QueryContext {
  readonly rows: RowStore;
  readonly indexes: IndexState;
  readonly collection: CollectionState;
}

export interface PreparedQuery {
  readonly ctx: QueryContext;
  readonly where: BoundPredicate | null;
  /**
   * The per-candidate check: the whole of `where`, the conditions the index lookup satisfied
   * included (planner.ts explains why and what it costs); null without `where`.
   */
  readonly test: RowTest | null;
  /** The access path implies every other condition: candidates can be sorted and fetched up to `limit`. */
  readonly indexOnly: boolean;
  readonly order: readonly BoundOrderKey[];
  readonly limit: number | null;
  readonly offset: number;
  readonly select: readonly (readonly string[])[] | null;
  readonly plan: Plan;
}

/** Most projected paths accepted. */
export const MAX_SELECT_PATHS = 1024;

function count(v: unknown, what: string): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'bigint') {
    if (v < 0n) throw queryError('InvalidQuery', `${what} must be a non-negative integer, got ${v}`);
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
  }
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw queryError('InvalidQuery', `${what} must be a non-negative integer, got ${String(v)}`);
  }
  return v;
}

/** Checks the query against the collection's schema and plans it; nothing runs yet. */
export function prepareQuery(ctx: QueryContext, q: Query = {}): PreparedQuery {
  if (typeof q !== 'object' || q === null) throw queryError('InvalidQuery', 'a query is an object');
  const fields = ctx.collection.fields;
  const where = q.where === undefined || q.where === null ? null : bindPredicate(fields, q.where);
  const order = bindOrder(fields, q.orderBy);
  let select: string[][] | null = null;
  if (q.select !== undefined && q.select !== null) {
    if (!Array.isArray(q.select)) throw queryError('InvalidQuery', 'select is a list of paths');
    if (q.select.length > MAX_SELECT_PATHS) throw queryError('InvalidQuery', `at most ${MAX_SELECT_PATHS} selected paths`);
    select = q.select.map((p) => {
      const path = normalizePath(p);
      resolveTarget(fields, path);
      return path;
    });
  }
  const id = ctx.collection.id;
  const chosen = plan(where, ctx.indexes, id, ctx.rows.count(id));
  return {
    ctx,
    where,
    test: where === null ? null : compilePredicate(where),
    indexOnly: chosen.access.kind !== 'scan' && recheckOf(where, chosen.access) === null,
    order,
    limit: count(q.limit, 'limit'),
    offset: count(q.offset, 'offset') ?? 0,
    select,
    plan: chosen,
  };
}

/**
 * The index buckets the access path reads, each once, or null for a full scan. A row sits
 * in one bucket per index, so distinct buckets never repeat a row.
 */
function bucketsOf(pq: PreparedQuery): readonly IndexBucket[] | null {
  const a = pq.plan.access;
  if (a.kind === 'scan') return null;
  // Buckets back in key order after writes (once, all of the index's): a single bucket then
  // yields its rows in primary-key order without a sort.
  a.index.sortBuckets(pq.ctx.rows.table(pq.ctx.collection.id));
  if (a.kind === 'range') return a.buckets;
  if (a.keys.length === 1) return equalBuckets(a.index, a.type, a.keys[0]!);
  const seen = new Set<IndexBucket>();
  for (const k of a.keys) for (const b of equalBuckets(a.index, a.type, k)) seen.add(b);
  return [...seen];
}

/**
 * Every candidate of the access path with its key (or null for a full scan), in the
 * buckets' own order. The buckets hold the rows themselves (engine/index-state.ts), so no
 * candidate costs a row-table lookup.
 */
function candidates(pq: PreparedQuery, buckets = bucketsOf(pq)): { keys: string[]; rows: StoredRow[] } | null {
  if (buckets === null) return null;
  const table = pq.ctx.rows.table(pq.ctx.collection.id);
  const keys: string[] = [];
  const rows: StoredRow[] = [];
  for (const b of buckets) {
    b.rows.forEach((sr, pk) => {
      // Only the table's current row for the key (see `gather`).
      if (table.get(pk) !== sr) return;
      keys.push(pk);
      rows.push(sr);
    });
  }
  return { keys, rows };
}

/** Candidate keys in primary-key byte order, or null for a full scan. */
function sortedCandidateKeys(pq: PreparedQuery): string[] | null {
  const c = candidates(pq);
  if (c === null) return null;
  return singleBucket(pq) ? c.keys : sortedKeyStrings(c.keys);
}

/** Whether the access path reads one bucket (its rows are then in key order: see `bucketsOf`). */
function singleBucket(pq: PreparedQuery): boolean {
  const a = pq.plan.access;
  return (a.kind === 'range' && a.buckets.length <= 1) || (a.kind === 'lookup' && a.keys.length === 1 && a.type !== 'float64');
}

function output(pq: PreparedQuery, row: Row): Row {
  return pq.select === null ? row : projectRow(row, pq.select);
}

/** All matching rows, ordered, before offset/limit. */
function matches(pq: PreparedQuery, buckets: readonly IndexBucket[] | null): Sortable[] {
  const table = pq.ctx.rows.table(pq.ctx.collection.id);
  const test = pq.test;
  // Candidates are fetched and re-checked in the index's own (insertion) order and only the
  // survivors are sorted: visiting rows in primary-key byte order first would jump across
  // the heap (little-endian keys scatter neighbours), and those cache misses cost more than
  // the lookups themselves.
  const c = candidates(pq, buckets);
  const out: Sortable[] = [];
  if (c === null) {
    for (const [pk, sr] of table) if (test === null || test(sr.row)) out.push({ pk, row: sr.row });
  } else {
    for (let i = 0; i < c.keys.length; i++) {
      const row = c.rows[i]!.row;
      if (test === null || test(row)) out.push({ pk: c.keys[i]!, row });
    }
  }
  // ORDER BY … LIMIT k over many matches: keep only the best offset + k.
  if (pq.limit !== null && (pq.offset + pq.limit) * 4 < out.length) return topRows(out, pq.order, pq.offset + pq.limit);
  return sortRows(out, pq.order);
}

/**
 * Without ORDER BY: survivors gathered in the access path's own order (see `matches`), then
 * put in primary-key byte order by a permutation of their key strings (a radix pass for
 * fixed-width keys, see row-store.ts) — no per-row Map, no comparator over row objects.
 */
function matchesByPk(pq: PreparedQuery, buckets: readonly IndexBucket[] | null): { rows: Row[]; order: ArrayLike<number> | null } {
  const table = pq.ctx.rows.table(pq.ctx.collection.id);
  const test = pq.test;
  const keys: string[] = [];
  const rows: Row[] = [];
  if (buckets !== null && singleBucket(pq)) {
    // One bucket, in key order already: no keys to gather, nothing to sort.
    if (buckets.length === 0) return { rows, order: null };
    const a = pq.plan.access as Exclude<Plan['access'], { kind: 'scan' }>;
    const b = buckets[0]!;
    const list = a.index.listOf(b, table);
    const eq = directEquality(pq.where);
    const range = eq === null ? directRange(pq.where) : null;
    if (eq !== null) filterEqual(list, eq.name, eq.value, rows);
    else if (range !== null) filterRange(list, range, rows);
    else filterRows(list, test, rows);
    return { rows, order: null };
  }
  if (buckets === null) gather(table, null, test, keys, rows);
  else for (const b of buckets) gather(b.rows, table, test, keys, rows);
  return { rows, order: keyOrder(keys) };
}

/**
 * Appends the entries of `from` that pass `test`. One module-level loop for every query
 * (not a closure per query), so the JIT's optimized code and its feedback survive from one
 * query to the next instead of being thrown away on the first query of a new shape.
 */
function gather(
  from: ReadonlyMap<string, StoredRow> | RowTable,
  table: RowTable | null,
  test: RowTest | null,
  keys: string[] | null,
  rows: Row[],
): void {
  // Three short passes instead of one: each candidate costs a cache miss or two (its stored
  // row, then the row object), and in a tight loop of independent loads the CPU keeps many
  // of those misses in flight at once, where one long loop body waits for each in turn.
  // Index candidates (`table` given) must be the table's current row for their key: an
  // index entry that outlived its row can then only cost time, never return a stale row.
  const n = from.size;
  const ks = keys === null && table === null ? null : new Array<string>(n);
  const srs = new Array<StoredRow>(n);
  let i = 0;
  if (ks === null) for (const sr of from.values()) srs[i++] = sr;
  else {
    for (const [pk, sr] of from) {
      if (table !== null && table.get(pk) !== sr) continue;
      ks[i] = pk;
      srs[i++] = sr;
    }
  }
  const m = i;
  const rs = new Array<Row>(m);
  for (let j = 0; j < m; j++) rs[j] = srs[j]!.row;
  for (let j = 0; j < m; j++) {
    const row = rs[j]!;
    if (test !== null && !test(row)) continue;
    if (keys !== null) keys.push(ks![j]!);
    rows.push(row);
  }
}

/**
 * The rows passing the plain equality re-check `row[name] === value`, inline: no call per
 * row, and one optimized loop for every such query (a predicate closure is a new function
 * per query, which the JIT has to learn again).
 */
function filterEqual(from: readonly Row[], name: string, value: unknown, out: Row[]): void {
  for (let j = 0; j < from.length; j++) {
    const row = from[j]!;
    if (row[name] === value) out.push(row);
  }
}

/**
 * Whether the bucket's key alone decides the whole predicate for every row of its verified
 * list (`DerivedIndex.listOf`): the predicate is exactly an equality or a range on the
 * top-level field the index keys, and the bucket's value satisfies it. Every listed row
 * holds that value (bigint, boolean and string values are equal exactly when their keys
 * are), so each one passes the predicate the bucket passes — the re-check of all of them in
 * one comparison. Floats are left to the per-row check: their keys tell −0 from 0, which
 * the comparisons do not.
 */
function decidedByBucket(pq: PreparedQuery, b: IndexBucket): boolean {
  const v = b.value;
  if (typeof v !== 'bigint' && typeof v !== 'string' && typeof v !== 'boolean') return false;
  const a = pq.plan.access;
  if (a.kind === 'scan' || a.index.def.path.length !== 1) return false;
  const field = a.index.def.path[0];
  const eq = directEquality(pq.where);
  if (eq !== null) return eq.name === field && eq.value === v;
  const range = directRange(pq.where);
  return range !== null && range.name === field && inRange(v, range);
}

/** `filterRange`'s test for one value. */
function inRange(v: unknown, r: DirectRange): boolean {
  const { kind, lo, hi, loInclusive, hiInclusive } = r;
  if (typeof v !== kind) return false;
  const x = v as number | bigint;
  if (x !== x) return false;
  if (lo !== null && (loInclusive ? x < lo : x <= lo)) return false;
  return !(hi !== null && (hiInclusive ? x > hi : x >= hi));
}

/** `filterEqual` for a range on one numeric field (same semantics as the compiled comparisons). */
function filterRange(from: readonly Row[], r: DirectRange, out: Row[]): void {
  const { name, kind, lo, hi, loInclusive, hiInclusive } = r;
  for (let j = 0; j < from.length; j++) {
    const row = from[j]!;
    const v = row[name] as number | bigint;
    if (typeof v !== kind) continue;
    if (lo !== null && (loInclusive ? v < lo : v <= lo)) continue;
    if (hi !== null && (hiInclusive ? v > hi : v >= hi)) continue;
    if (v !== v) continue; // NaN matches no range
    out.push(row);
  }
}

function filterRows(from: readonly Row[], test: RowTest | null, out: Row[]): void {
  for (let j = 0; j < from.length; j++) {
    const row = from[j]!;
    if (test === null || test(row)) out.push(row);
  }
}

/**
 * The answer before offset/limit when one bucket decides the whole predicate (see
 * `decidedByBucket`): its verified row list, in key order — read-only, the bucket's own.
 */
function decidedList(pq: PreparedQuery, buckets: readonly IndexBucket[] | null): readonly Row[] | null {
  const a = pq.plan.access;
  if (a.kind === 'scan' || buckets === null || !singleBucket(pq)) return null;
  if (buckets.length !== 1 || !decidedByBucket(pq, buckets[0]!)) return null;
  return a.index.listOf(buckets[0]!, pq.ctx.rows.table(pq.ctx.collection.id));
}

export function runQuery(pq: PreparedQuery): Row[] {
  if (pq.limit === 0) return [];
  const buckets = bucketsOf(pq);
  const decided = pq.order.length === 0 ? decidedList(pq, buckets) : null;
  if (decided !== null) {
    const end = pq.limit === null ? decided.length : Math.min(decided.length, pq.offset + pq.limit);
    const out = decided.slice(pq.offset, end);
    if (pq.select !== null) for (let i = 0; i < out.length; i++) out[i] = projectRow(out[i]!, pq.select);
    return out;
  }
  if (pq.order.length === 0 && pq.indexOnly && pq.limit !== null) {
    // Index candidates that (by the index) need no other condition, and a limit: order the
    // keys, then re-check in that order until `limit` — only the rows returned are touched.
    const c = candidates(pq, buckets)!;
    const order = singleBucket(pq) ? null : keyOrder(c.keys);
    const test = pq.test!;
    const out: Row[] = [];
    let skip = pq.offset;
    const max = pq.limit;
    for (let i = 0; i < c.rows.length; i++) {
      const sr = c.rows[order === null ? i : order[i]!]!;
      if (!test(sr.row)) continue;
      if (skip > 0) {
        skip--;
        continue;
      }
      out.push(output(pq, sr.row));
      if (out.length >= max) break;
    }
    return out;
  }
  if (pq.order.length === 0) {
    const { rows, order } = matchesByPk(pq, buckets);
    // Already the answer (a fresh array of the survivors in key order): no second copy.
    if (order === null && pq.select === null && pq.offset === 0 && (pq.limit === null || pq.limit >= rows.length)) return rows;
    const end = pq.limit === null ? rows.length : Math.min(rows.length, pq.offset + pq.limit);
    const out = new Array<Row>(Math.max(0, end - pq.offset));
    for (let i = pq.offset; i < end; i++) out[i - pq.offset] = output(pq, rows[order === null ? i : order[i]!]!);
    return out;
  }
  const all = matches(pq, buckets);
  const end = pq.limit === null ? all.length : Math.min(all.length, pq.offset + pq.limit);
  const out: Row[] = [];
  for (let i = pq.offset; i < end; i++) out.push(output(pq, all[i]!.row));
  return out;
}

/**
 * Lazy results. Without ORDER BY nothing is materialised but the candidate key list (one
 * string reference per row; rows are fetched, tested and yielded one at a time, and
 * iteration stops at `limit`). With ORDER BY the matches are sorted in memory — never
 * spilled into the database file (the reference does, §13 item 7). Rows are read from the
 * live state as the iterator advances: a row deleted meanwhile is skipped, a replaced one
 * is seen in its new version.
 */
export function* iterateQuery(pq: PreparedQuery): Generator<Row, void, undefined> {
  if (pq.limit === 0) return;
  if (pq.order.length > 0) {
    yield* runQuery(pq);
    return;
  }
  const table = pq.ctx.rows.table(pq.ctx.collection.id);
  // Keys only: rows are read from the live table as the iterator advances.
  const pks = sortedCandidateKeys(pq) ?? sortedKeyStrings(table.keys());
  let skip = pq.offset;
  let left = pq.limit ?? Infinity;
  for (const pk of pks) {
    const sr = table.get(pk);
    if (sr === undefined || (pq.test !== null && !pq.test(sr.row))) continue;
    if (skip > 0) {
      skip--;
      continue;
    }
    yield output(pq, sr.row);
    if (--left <= 0) return;
  }
}

/** Rows the query returns (offset and limit included), without building them. */
export function countQuery(pq: PreparedQuery): number {
  const table = pq.ctx.rows.table(pq.ctx.collection.id);
  const test = pq.test;
  let n = 0;
  const buckets = bucketsOf(pq);
  const decided = decidedList(pq, buckets);
  if (decided !== null) {
    n = Math.max(0, decided.length - pq.offset);
    return pq.limit === null ? n : Math.min(n, pq.limit);
  }
  const c = candidates(pq, buckets);
  if (c === null) {
    if (test === null) n = table.size;
    else for (const sr of table.values()) if (test(sr.row)) n++;
  } else if (test === null) n = c.rows.length;
  else for (const sr of c.rows) if (test(sr.row)) n++;
  n = Math.max(0, n - pq.offset);
  return pq.limit === null ? n : Math.min(n, pq.limit);
}
