/**
 * The latest-row map (FORMAT.md §13.5): per collection, canonical primary-key bytes → row.
 * Keys are `keyToString(canonicalKey(pk))`, so JS string order equals key byte order.
 */
import type { Row, ScalarValue } from '../schema/values.ts';

export interface StoredRow {
  readonly pk: ScalarValue;
  /** Canonical key bytes of `pk`. */
  readonly pkKey: Uint8Array;
  /** The full row (the PK field included), shaped by the schema version `version`. */
  readonly row: Row;
  /** Schema version whose top-level field set `row` carries (reshaped to the current one after load). */
  readonly version: number;
}

export class RowStore {
  private readonly tables = new Map<number, Map<string, StoredRow>>();

  table(collectionId: number): Map<string, StoredRow> {
    let t = this.tables.get(collectionId);
    if (t === undefined) {
      t = new Map();
      this.tables.set(collectionId, t);
    }
    return t;
  }

  get(collectionId: number, key: string): StoredRow | undefined {
    return this.tables.get(collectionId)?.get(key);
  }

  put(collectionId: number, key: string, row: StoredRow): void {
    this.table(collectionId).set(key, row);
  }

  delete(collectionId: number, key: string): boolean {
    return this.tables.get(collectionId)?.delete(key) ?? false;
  }

  count(collectionId: number): number {
    return this.tables.get(collectionId)?.size ?? 0;
  }

  /** Rows in insertion order of their keys (unspecified order, like the reference's scans). */
  values(collectionId: number): IterableIterator<StoredRow> {
    return this.table(collectionId).values();
  }

  /** Rows in ascending canonical primary-key byte order (deterministic scans, §7.4 item 2). */
  sortedByKey(collectionId: number): StoredRow[] {
    const t = this.tables.get(collectionId);
    if (t === undefined) return [];
    const keys = [...t.keys()].sort();
    return keys.map((k) => t.get(k)!);
  }

  collectionIds(): number[] {
    return [...this.tables.keys()];
  }
}
