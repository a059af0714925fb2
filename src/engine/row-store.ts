/**
 * The latest-row map (FORMAT.md §13.5): per collection, canonical primary-key bytes → row.
 * Keys are `keyToString(canonicalKey(pk))`, so JS string order equals key byte order.
 */
import type { Row, ScalarValue } from '../schema/values.ts';
import { radixOrder } from '../wasm/radix-order.ts';
import type { RowTable } from './row-table.ts';

/**
 * Same mapping as `keyToString` (one UTF-16 unit per byte), built as one flat string: keys
 * are hashed by Map lookups right away, and a flat string hashes without flattening.
 */
export function keyString(key: Uint8Array): string {
  const n = key.length;
  if (n <= 1024) return String.fromCharCode.apply(null, key as unknown as number[]);
  let s = '';
  for (let i = 0; i < n; i += 1024) s += String.fromCharCode.apply(null, key.subarray(i, Math.min(n, i + 1024)) as unknown as number[]);
  return s;
}

/** Collection id, schema version and op of a record payload without decoding it (§8.10 step 1). */
export function recordRoute(payload: Uint8Array): { collectionId: number; schemaVersion: number | null; version: number } {
  const p = payload;
  if (p.length < 6) return { collectionId: -1, schemaVersion: null, version: -1 };
  const collectionId = (p[2]! | (p[3]! << 8) | (p[4]! << 16) | (p[5]! << 24)) >>> 0;
  const schemaVersion = p.length < 10 ? null : (p[6]! | (p[7]! << 8) | (p[8]! << 16) | (p[9]! << 24)) >>> 0;
  return { collectionId, schemaVersion, version: p[0]! | (p[1]! << 8) };
}

export interface StoredRow {
  readonly pk: ScalarValue;
  /** Canonical key bytes of `pk`. */
  readonly pkKey: Uint8Array;
  /** The full row (the PK field included), shaped by the schema version `version`. */
  readonly row: Row;
  /** Schema version whose top-level field set `row` carries (reshaped to the current one after load). */
  readonly version: number;
  /**
   * The record payload this row was committed or loaded as, when known (checkpoints copy it
   * instead of encoding the row; see engine/encoded-rows.ts for when it is reusable).
   */
  readonly encoded?: Uint8Array | undefined;
}

export class RowStore {
  private readonly byCollection = new Map<number, RowTable>();

  table(collectionId: number): RowTable {
    let t = this.byCollection.get(collectionId);
    if (t === undefined) {
      t = new Map();
      this.byCollection.set(collectionId, t);
    }
    return t;
  }

  /** Installs a collection's table (a checkpoint's, see row-table.ts). */
  adopt(collectionId: number, table: RowTable): void {
    this.byCollection.set(collectionId, table);
  }

  get(collectionId: number, key: string): StoredRow | undefined {
    return this.byCollection.get(collectionId)?.get(key);
  }

  put(collectionId: number, key: string, row: StoredRow): void {
    this.table(collectionId).set(key, row);
  }

  delete(collectionId: number, key: string): boolean {
    return this.byCollection.get(collectionId)?.delete(key) ?? false;
  }

  count(collectionId: number): number {
    return this.byCollection.get(collectionId)?.size ?? 0;
  }

  /** Rows in insertion order of their keys (unspecified order, like the reference's scans). */
  values(collectionId: number): IterableIterator<StoredRow> {
    return this.table(collectionId).values();
  }

  /** Rows in ascending canonical primary-key byte order (deterministic scans, §7.4 item 2). */
  sortedByKey(collectionId: number): StoredRow[] {
    const { rows, order } = this.keyOrdered(collectionId);
    if (order === null) return rows;
    const n = rows.length;
    const out = new Array<StoredRow>(n);
    for (let j = 0; j < n; j++) out[j] = rows[order[j]!]!;
    return out;
  }

  /**
   * The rows in table order (insertion order: roughly where they sit in memory) and the
   * permutation that lists them by key (`rows[order[j]]` is the j-th), or `order` null when
   * `rows` is already by key. For callers that read every row anyway: reading them in table
   * order and reordering after (as the checkpoint framer does) avoids a cache miss per row.
   */
  keyOrdered(collectionId: number): { rows: StoredRow[]; order: Int32Array | null } {
    const t = this.byCollection.get(collectionId);
    if (t === undefined) return { rows: [], order: null };
    // Spreading a Map's iterators is a native copy (no callback per row).
    const keys = [...t.keys()];
    const rows = [...t.values()];
    if (ascending(keys)) return { rows, order: null };
    const order = fixedWidthOrder(keys);
    if (order === null) return { rows: keys.sort().map((k) => t.get(k)!), order: null };
    return { rows, order };
  }

  /** Every collection's table. */
  tables(): IterableIterator<RowTable> {
    return this.byCollection.values();
  }

  collectionIds(): number[] {
    return [...this.byCollection.keys()];
  }
}

/** Key strings in byte order (`fixedWidthOrder` when it applies, else the default sort). */
export function sortedKeyStrings(keys: Iterable<string>): string[] {
  const list = [...keys];
  if (ascending(list)) return list;
  const order = fixedWidthOrder(list);
  if (order === null) return list.sort();
  const out = new Array<string>(list.length);
  for (let i = 0; i < list.length; i++) out[i] = list[order[i]!]!;
  return out;
}

/**
 * Whether the keys are already in byte order — the common case, since Maps and Sets iterate
 * in insertion order and keys usually arrive increasing (bulk loads, counters, timestamps).
 * One native string comparison per key, stopping at the first pair out of order: cheaper
 * than gathering the keys' bytes for a radix sort, and nearly free when they are shuffled.
 */
export function ascending(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (!(keys[i - 1]! < keys[i]!)) return false;
  return true;
}

/**
 * The permutation that puts key strings (one char per byte) in byte order: `fixedWidthOrder`
 * when it applies, else a comparison sort of positions (string order is byte order here).
 */
export function keyOrder(keys: readonly string[]): ArrayLike<number> {
  const order = fixedWidthOrder(keys);
  if (order !== null) return order;
  const idx = new Array<number>(keys.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  return idx.sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
}

/**
 * The permutation that puts key strings (one char per byte) in byte order, for keys of one
 * fixed width — every int64/uint64/timestamp/float64/uuid primary key: an LSD radix sort
 * that skips byte positions where all keys agree (the high bytes of small integers),
 * several times faster than a comparison sort at checkpoint sizes. The sort itself is the
 * `radixOrder` WebAssembly kernel (wasm/radix-order.ts); JS only copies the key bytes into
 * its memory. Null for other key sets
 * (the caller sorts the strings; their UTF-16 order is byte order here).
 */
export function fixedWidthOrder(keys: readonly string[]): Int32Array | null {
  const n = keys.length;
  if (n < 256) return null;
  const w = keys[0]!.length;
  if (w === 0 || w > 16) return null;
  const bytes = fixedWidthBytes(keys, w);
  return bytes === null ? null : radixOrder(bytes, n, w);
}

/**
 * The keys' bytes back to back (key i at `i * w`), or null unless every key is `w` chars of
 * at most 0xff (the radix sort's input: strings are read once, the passes read this).
 */
export function fixedWidthBytes(keys: readonly string[], w: number): Uint8Array | null {
  const n = keys.length;
  const bytes = new Uint8Array(n * w);
  let wide = 0;
  for (let i = 0, at = 0; i < n; i++, at += w) {
    const k = keys[i]!;
    if (k.length !== w) return null;
    for (let j = 0; j < w; j++) {
      const c = k.charCodeAt(j);
      wide |= c;
      bytes[at + j] = c;
    }
  }
  return wide > 0xff ? null : bytes;
}
