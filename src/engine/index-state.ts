/**
 * Secondary-index state DERIVED from the rows: for every current index of a collection,
 * canonical key bytes of the scalar at the index path → the set of primary keys whose row
 * holds it. Rows whose value there is null, missing or not a scalar are not indexed.
 *
 * The reference instead replays Index segments, so its index can miss rows written before
 * an index existed, or keep entries a checkpoint dropped (golden `schema_version_mismatch`,
 * `multiseg_checkpoint`). Deriving makes the index equal what the rows imply by construction.
 *
 * Unique and non-unique indexes share one shape (key → pk set). If the rows of a file imply
 * two primary keys for one unique key (possible only after a forced unique index), the open
 * still succeeds — the reference opens such files — both pks are kept and the conflict is
 * counted in `conflicts`, so lookups stay truthful and the write path can refuse new ones.
 */
import { bytesEqual, canonicalKey } from '../format/canonical-key.ts';
import { keyOrder, keyString } from './row-store.ts';
import type { StoredRow } from './row-store.ts';
import type { RowTable } from './row-table.ts';
import { EncodedKeyReader, LazyRow, valueOfKeyString } from './lazy-rows.ts';
import { resolvePath, shapeAt } from '../schema/field-paths.ts';
import type { FieldDef, IndexDef, ScalarType } from '../schema/types.ts';
import type { Row, ScalarValue, Value } from '../schema/values.ts';

export interface IndexBucket {
  readonly key: Uint8Array;
  readonly value: ScalarValue;
  /**
   * The rows holding this key, by primary key (`keyString(pkKey)`, string order = pk byte
   * order). Holding the row itself lets a lookup re-check and return it without a second
   * hash lookup in the row table; every row change passes through `onRowChange`, which
   * replaces the entry, so the stored row is always the table's current one.
   */
  readonly rows: Map<string, StoredRow>;
  /** Whether `rows` iterates in ascending key order (see `DerivedIndex.sortBuckets`). */
  sorted: boolean;
  /** The greatest key added while sorted: an add above it keeps the order. */
  last: string;
  /**
   * The row objects of `rows`, in key order, while the bucket is sorted and unchanged (null
   * otherwise), VERIFIED when built (`DerivedIndex.listOf`): each is the table's current row
   * for its key and holds this bucket's key at the index path. Stored rows are frozen and
   * every change to the bucket drops the list, so the verification holds while the list
   * exists: a query whose whole predicate is a condition on the indexed field decides it
   * once, on `value`, for all of them (query/executor.ts).
   */
  inOrder: Row[] | null;
}

/** The scalar type found at `path` in rows of this field list, or null when the path cannot hold a scalar. */
export function indexValueType(fields: readonly FieldDef[], path: readonly string[]): ScalarType | null {
  const shape = shapeAt(fields, path);
  return shape?.kind === 'scalar' ? shape.type : null;
}

function scalarOf(t: ScalarType, v: Value | undefined): ScalarValue | null {
  switch (t) {
    case 'bool':
      return typeof v === 'boolean' ? v : null;
    case 'int64':
    case 'uint64':
    case 'timestamp':
      return typeof v === 'bigint' ? v : null;
    case 'float64':
      return typeof v === 'number' ? v : null;
    case 'string':
      return typeof v === 'string' ? v : null;
    case 'bytes':
      return v instanceof Uint8Array ? v : null;
    case 'uuid':
      return v instanceof Uint8Array && v.length === 16 ? v : null;
  }
}

const ASCII = /^[\x00-\x7f]*$/;

export class DerivedIndex {
  readonly buckets: Map<string, IndexBucket> = new Map();
  /** Unique keys currently held by more than one primary key. */
  conflicts = 0;
  /** Bumped on every entry change, so derived structures (query/ordered-index.ts) know when to rebuild. */
  version = 0;
  /** Buckets whose rows stopped iterating in key order (an add below a bucket's last key). */
  private readonly unsorted = new Set<IndexBucket>();

  constructor(
    readonly collectionId: number,
    readonly def: IndexDef,
    /** null: the path never holds a scalar, so the index stays empty. */
    readonly keyType: ScalarType | null,
  ) {}

  /** The index key of a row, or null when the row is not indexed. */
  keyOf(row: Row): { key: Uint8Array; value: ScalarValue } | null {
    if (this.keyType === null) return null;
    const value = scalarOf(this.keyType, resolvePath(row, this.def.path));
    if (value === null) return null;
    return { key: canonicalKey(this.keyType, value), value };
  }

  /**
   * The bucket key string of a row's index value. ASCII strings are their own key string
   * (their UTF-8 bytes are their code units), which skips encoding on the hot path.
   */
  private keyStringOf(row: Row): { ks: string; value: ScalarValue; key: Uint8Array | null } | null {
    if (this.keyType === null) return null;
    const value = scalarOf(this.keyType, resolvePath(row, this.def.path));
    if (value === null) return null;
    if (typeof value === 'string' && ASCII.test(value)) return { ks: value, value, key: null };
    const key = canonicalKey(this.keyType, value);
    return { ks: keyString(key), value, key };
  }

  add(stored: StoredRow, pkKey: string): void {
    const k = this.keyStringOf(stored.row);
    if (k === null) return;
    let b = this.buckets.get(k.ks);
    if (b === undefined) {
      b = { key: k.key ?? canonicalKey(this.keyType!, k.value), value: k.value, rows: new Map(), sorted: true, last: '', inOrder: null };
      this.buckets.set(k.ks, b);
    }
    this.put(b, pkKey, stored);
  }

  private put(b: IndexBucket, pkKey: string, stored: StoredRow): void {
    const had = b.rows.has(pkKey);
    b.rows.set(pkKey, stored);
    b.inOrder = null;
    if (had) return;
    if (b.rows.size === 1 || pkKey > b.last) b.last = pkKey;
    else if (b.sorted) {
      b.sorted = false;
      this.unsorted.add(b);
    }
    this.version++;
    if (this.def.kind === 'unique' && b.rows.size === 2) this.conflicts++;
  }

  /** `add` for a row still encoded, given the bucket key string its walk produced. */
  addKeyString(ks: string, pkKey: string, stored: StoredRow): void {
    let b = this.buckets.get(ks);
    if (b === undefined) {
      const value = valueOfKeyString(this.keyType!, ks);
      b = { key: canonicalKey(this.keyType!, value), value, rows: new Map(), sorted: true, last: '', inOrder: null };
      this.buckets.set(ks, b);
    }
    this.put(b, pkKey, stored);
  }

  remove(row: Row, pkKey: string): void {
    const k = this.keyStringOf(row);
    if (k === null) return;
    const b = this.buckets.get(k.ks);
    if (b === undefined || !b.rows.delete(pkKey)) return;
    b.inOrder = null;
    this.version++;
    if (this.def.kind === 'unique' && b.rows.size === 1) this.conflicts--;
    if (b.rows.size === 0) {
      this.buckets.delete(k.ks);
      this.unsorted.delete(b);
    }
  }

  /**
   * Puts every bucket back in key order. Lookups return rows in primary-key order, so a
   * bucket kept in that order needs no sort per query; writes append keys wherever they
   * fall (little-endian integer keys never arrive in order), so the order is restored
   * lazily, all buckets at once, by the first lookup after writes — like an index build
   * deferred to first use: a write-then-query loop re-sorts only the buckets it touched.
   */
  sortBuckets(table: RowTable): void {
    if (this.unsorted.size === 0) return;
    for (const b of this.unsorted) {
      sortBucket(b);
      // Rows already decoded are listed now (the sort runs once after a burst of writes,
      // before the lookups); a row still encoded is decoded only when a lookup reads it.
      let decoded = true;
      for (const sr of b.rows.values()) if (sr instanceof LazyRow) decoded = false;
      if (decoded) this.listOf(b, table);
    }
    this.unsorted.clear();
  }

  /**
   * The bucket's verified row list (`IndexBucket.inOrder`), built if need be; the bucket
   * must be sorted. A row is listed only if it is the table's current row for its key (an
   * index entry that outlived its row — a bug — costs nothing but this check) and holds the
   * bucket's key at the index path (an entry filed under the wrong key is left out).
   * Read in short passes so the CPU overlaps the cache misses of many rows.
   */
  listOf(b: IndexBucket, table: RowTable): Row[] {
    if (b.inOrder !== null) return b.inOrder;
    const srs = new Array<StoredRow>(b.rows.size);
    let n = 0;
    for (const [pk, sr] of b.rows) if (table.get(pk) === sr) srs[n++] = sr;
    const rows = new Array<Row>(n);
    for (let i = 0; i < n; i++) rows[i] = srs[i]!.row;
    const list: Row[] = [];
    for (let i = 0; i < n; i++) if (this.holdsKey(rows[i]!, b)) list.push(rows[i]!);
    return (b.inOrder = list);
  }

  /** Whether `row`'s value at the index path has the bucket's canonical key. */
  private holdsKey(row: Row, b: IndexBucket): boolean {
    const v = scalarOf(this.keyType!, resolvePath(row, this.def.path));
    if (v === null) return false;
    // bigint, boolean and (well-formed) string values are equal exactly when their keys
    // are; a float's key tells −0 from 0, and bytes are objects: compare those by key.
    if (typeof v !== 'number' && !(v instanceof Uint8Array)) return v === b.value;
    return bytesEqual(canonicalKey(this.keyType!, v), b.key);
  }

  /** Primary keys (as key strings, ascending byte order) under an index key. */
  lookup(key: Uint8Array): string[] {
    const b = this.buckets.get(keyString(key));
    return b === undefined ? [] : [...b.rows.keys()].sort();
  }
}

function sortBucket(b: IndexBucket): void {
  const keys = [...b.rows.keys()];
  const rows = [...b.rows.values()];
  const order = keyOrder(keys);
  b.rows.clear();
  for (let i = 0; i < order.length; i++) b.rows.set(keys[order[i]!]!, rows[order[i]!]!);
  b.sorted = true;
  b.last = keys[order[order.length - 1]!]!;
  b.inOrder = null;
}

type RowSource = Iterable<StoredRow>;

/**
 * All derived indexes, per collection, in the collection's index-list order.
 *
 * Derivation is deferred to the first use of a collection's indexes (a query, a write, a
 * checkpoint, `indexContents`): opening a file then costs no index work at all, so a
 * process that opens, reads a few rows by key and closes never pays for it. A pending
 * derivation reads the live row table when it runs; every row change reaches `onRowChange`,
 * which derives first, so the result is the same as deriving eagerly.
 */
export class IndexState {
  private readonly byCollection = new Map<number, DerivedIndex[]>();
  private readonly pending = new Map<number, () => DerivedIndex[]>();

  /** (Re)defines one collection's indexes from its current definitions and rows, derived on first use. */
  rebuild(collectionId: number, fields: readonly FieldDef[], defs: readonly IndexDef[], rows: RowSource | (() => RowSource)): void {
    this.byCollection.delete(collectionId);
    if (defs.length === 0) {
      this.pending.delete(collectionId);
      this.byCollection.set(collectionId, []);
      return;
    }
    // A function defers even opening the row iterator (a checkpoint table would build
    // every row object for it).
    this.pending.set(collectionId, () => derive(collectionId, fields, defs, typeof rows === 'function' ? rows() : rows));
  }

  of(collectionId: number): readonly DerivedIndex[] {
    const built = this.byCollection.get(collectionId);
    if (built !== undefined) return built;
    const build = this.pending.get(collectionId);
    if (build === undefined) return [];
    const list = build();
    this.pending.delete(collectionId);
    this.byCollection.set(collectionId, list);
    return list;
  }

  get(collectionId: number, name: string): DerivedIndex | undefined {
    return this.of(collectionId).find((ix) => ix.def.name === name);
  }

  /** Keeps every index of a collection in step with one row change. */
  onRowChange(collectionId: number, pkKey: string, before: StoredRow | undefined, after: StoredRow | undefined): void {
    const list = this.of(collectionId);
    if (list.length === 0) return;
    const old = before?.row;
    for (const ix of list) {
      if (old !== undefined) ix.remove(old, pkKey);
      if (after !== undefined) ix.add(after, pkKey);
    }
  }
}

function derive(collectionId: number, fields: readonly FieldDef[], defs: readonly IndexDef[], rows: RowSource): DerivedIndex[] {
  const list = defs.map((d) => new DerivedIndex(collectionId, d, indexValueType(fields, d.path)));
  // Rows still encoded (checkpoint load) yield top-level index keys without a decode.
  const readers = list.map((ix) =>
    ix.keyType !== null && ix.def.path.length === 1 ? new EncodedKeyReader(ix.def.path[0]!, ix.keyType) : null,
  );
  for (const r of rows) {
    if (r instanceof LazyRow) {
      for (let i = 0; i < list.length; i++) {
        const ix = list[i]!;
        const ks = readers[i]?.keyOf(r);
        if (ks === undefined) ix.add(r, r.key);
        else if (ks !== null) ix.addKeyString(ks, r.key, r);
      }
      continue;
    }
    const pk = keyString(r.pkKey);
    for (const ix of list) ix.add(r, pk);
  }
  return list;
}
