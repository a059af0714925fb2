/**
 * ORDER BY (BEHAVIOR.md §6.4, FORMAT.md §7.4 item 3, made total): keys compare by value
 * within the field's kind (false < true, numbers numerically with −0 == +0, strings by UTF-8
 * bytes, bytes/uuids bytewise); NaN sorts after every other number; a row with no value at
 * the path ("none") goes last ascending and first descending unless `nulls` says otherwise.
 * Rows that tie on every key are ordered by ascending canonical primary-key bytes, so the
 * result — and therefore `limit`/`offset` paging — does not depend on the access path.
 * (The reference leaves ties, NaN and mixed kinds in arbitrary order, §13 item 15.)
 */
import type { FieldDef, ScalarType } from '../schema/types.ts';
import type { Row, ScalarValue } from '../schema/values.ts';
import type { OrderKey, Query } from './ast.ts';
import { normalizePath, queryError, resolveTarget } from './fields.ts';
import { comparatorFor, scalarAt } from './predicate.ts';

export interface BoundOrderKey {
  readonly path: readonly string[];
  readonly type: ScalarType;
  readonly desc: boolean;
  readonly nullsFirst: boolean;
}

/** Most ORDER BY keys accepted. */
export const MAX_ORDER_KEYS = 32;

export function bindOrder(fields: readonly FieldDef[], orderBy: Query['orderBy']): BoundOrderKey[] {
  if (orderBy === undefined || orderBy === null) return [];
  const list: readonly (string | OrderKey)[] = Array.isArray(orderBy) ? orderBy : [orderBy as string | OrderKey];
  if (list.length > MAX_ORDER_KEYS) throw queryError('InvalidQuery', `at most ${MAX_ORDER_KEYS} ORDER BY keys`);
  return list.map((k) => {
    const key: OrderKey = typeof k === 'string' ? { path: k } : k;
    if (typeof key !== 'object' || key === null) throw queryError('InvalidQuery', 'an ORDER BY key is a path or { path, direction }');
    const path = normalizePath(key.path);
    const t = resolveTarget(fields, path);
    if (t.kind !== 'scalar') {
      throw queryError('TypeMismatch', `cannot order by ${JSON.stringify(path.join('.'))}: it is a list or object`, { path });
    }
    const dir = key.direction ?? 'asc';
    if (dir !== 'asc' && dir !== 'desc') throw queryError('InvalidQuery', `ORDER BY direction must be "asc" or "desc", got ${JSON.stringify(dir)}`);
    const desc = dir === 'desc';
    const nulls = key.nulls ?? (desc ? 'first' : 'last');
    if (nulls !== 'first' && nulls !== 'last') throw queryError('InvalidQuery', `nulls must be "first" or "last"`);
    return { path, type: t.type, desc, nullsFirst: nulls === 'first' };
  });
}

export interface Sortable {
  readonly pk: string;
  readonly row: Row;
}

function keyComparator(k: BoundOrderKey): (a: ScalarValue | undefined, b: ScalarValue | undefined) => number {
  const base = comparatorFor(k.type);
  const isFloat = k.type === 'float64';
  const none = k.nullsFirst ? -1 : 1;
  const sign = k.desc ? -1 : 1;
  return (a, b) => {
    if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? none : -none;
    if (isFloat) {
      const an = Number.isNaN(a);
      const bn = Number.isNaN(b);
      if (an || bn) return an === bn ? 0 : sign * (an ? 1 : -1);
    }
    return sign * base(a, b);
  };
}

interface Decorated<T> {
  readonly it: T;
  readonly v: (ScalarValue | undefined)[];
}

function rowComparator<T extends Sortable>(keys: readonly BoundOrderKey[]): (x: Decorated<T>, y: Decorated<T>) => number {
  const cmps = keys.map(keyComparator);
  return (x, y) => {
    for (let i = 0; i < cmps.length; i++) {
      const c = cmps[i]!(x.v[i], y.v[i]);
      if (c !== 0) return c;
    }
    return x.it.pk < y.it.pk ? -1 : x.it.pk > y.it.pk ? 1 : 0;
  };
}

function decorate<T extends Sortable>(it: T, keys: readonly BoundOrderKey[]): Decorated<T> {
  return { it, v: keys.map((k) => scalarAt(it.row, k.path, k.type)) };
}

/** Sorts in place by the keys, ties by primary-key bytes. */
export function sortRows<T extends Sortable>(items: T[], keys: readonly BoundOrderKey[]): T[] {
  if (keys.length === 0) return items.sort((a, b) => (a.pk < b.pk ? -1 : a.pk > b.pk ? 1 : 0));
  const decorated = items.map((it) => decorate(it, keys));
  decorated.sort(rowComparator<T>(keys));
  for (let i = 0; i < items.length; i++) items[i] = decorated[i]!.it;
  return items;
}

/**
 * The first `k` items of `sortRows(items, keys)`, in order, with a bounded max-heap: O(n log k)
 * time and O(k) extra memory for `ORDER BY … LIMIT k` over many matches. The order is total
 * (primary-key tie-break), so the result equals the full sort's prefix exactly.
 */
export function topRows<T extends Sortable>(items: readonly T[], keys: readonly BoundOrderKey[], k: number): T[] {
  if (k <= 0) return [];
  const cmp = rowComparator<T>(keys.length === 0 ? [] : keys);
  const heap: Decorated<T>[] = [];
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && cmp(heap[l]!, heap[m]!) > 0) m = l;
      if (r < heap.length && cmp(heap[r]!, heap[m]!) > 0) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  for (const it of items) {
    const d = decorate(it, keys);
    if (heap.length < k) {
      heap.push(d);
      for (let i = heap.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (cmp(heap[i]!, heap[parent]!) <= 0) break;
        [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
        i = parent;
      }
    } else if (cmp(d, heap[0]!) < 0) {
      heap[0] = d;
      down(0);
    }
  }
  return heap.sort(cmp).map((d) => d.it);
}
