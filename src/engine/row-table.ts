/**
 * One collection's rows: primary-key string → row. Most tables are plain `Map`s; a table
 * loaded from a checkpoint is a `CheckpointTable`, which keeps the checkpoint's records
 * where they are (a sorted list of spans in the checkpoint payload) and creates a row
 * object only when a key is read.
 *
 * That is what makes reopening a checkpointed file cheap: building a Map of 100,000 row
 * objects costs more than everything else the open does (the objects, the hashing, and
 * the garbage collections they trigger), while a process that opens, reads a few rows by
 * key and closes needs only those rows. The checkpoint writer stores rows in canonical
 * primary-key byte order (FORMAT.md §11.2, our writer), so a key is found by binary search
 * over the payload. Checkpoints in any other order (the reference writes hash order) load
 * into a plain Map as before.
 */
import type { StoredRow } from './row-store.ts';
import type { LazyPlan } from './lazy-rows.ts';
import { comparePkKey, lazyRowAt } from './lazy-rows.ts';

/** The Map operations the engine uses on a table (a `Map<string, StoredRow>` is one). */
export interface RowTable extends Iterable<[string, StoredRow]> {
  readonly size: number;
  get(key: string): StoredRow | undefined;
  has(key: string): boolean;
  set(key: string, row: StoredRow): this;
  delete(key: string): boolean;
  keys(): IterableIterator<string>;
  values(): IterableIterator<StoredRow>;
  entries(): IterableIterator<[string, StoredRow]>;
  forEach(fn: (row: StoredRow, key: string) => void): void;
}

/** Record spans of one collection in a checkpoint payload, in ascending primary-key order. */
export interface CheckpointRecords {
  readonly buf: Uint8Array;
  readonly plan: LazyPlan;
  readonly version: number;
  readonly count: number;
  /** start, end and value offset of the plan's hint field (−1 without), per record. */
  readonly spans: Float64Array;
}

export class CheckpointTable implements RowTable {
  /** Rows read from the base, written, or replacing base rows; the base row of a key here is shadowed. */
  private readonly overlay = new Map<string, StoredRow>();
  /** 1 where the base record is shadowed (read into `overlay`, replaced or deleted). */
  private readonly shadowed: Uint8Array;
  private liveBase: number;

  constructor(private readonly base: CheckpointRecords) {
    this.shadowed = new Uint8Array(base.count);
    this.liveBase = base.count;
  }

  get size(): number {
    return this.liveBase + this.overlay.size;
  }

  /** Position of `key` in the base, or −1. */
  private find(key: string): number {
    const { buf, plan, spans } = this.base;
    let lo = 0;
    let hi = this.base.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = comparePkKey(buf, spans[mid * 3]!, plan, key);
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private materialize(i: number): StoredRow {
    const { buf, plan, version, spans } = this.base;
    const row = lazyRowAt(buf, plan, version, spans[i * 3]!, spans[i * 3 + 1]!, spans[i * 3 + 2]!);
    this.shadowed[i] = 1;
    this.liveBase--;
    this.overlay.set(row.key, row);
    return row;
  }

  get(key: string): StoredRow | undefined {
    const hit = this.overlay.get(key);
    if (hit !== undefined) return hit;
    const i = this.find(key);
    return i < 0 || this.shadowed[i] === 1 ? undefined : this.materialize(i);
  }

  has(key: string): boolean {
    if (this.overlay.has(key)) return true;
    const i = this.find(key);
    return i >= 0 && this.shadowed[i] === 0;
  }

  set(key: string, row: StoredRow): this {
    if (!this.overlay.has(key)) {
      const i = this.find(key);
      if (i >= 0 && this.shadowed[i] === 0) {
        this.shadowed[i] = 1;
        this.liveBase--;
      }
    }
    this.overlay.set(key, row);
    return this;
  }

  delete(key: string): boolean {
    if (this.overlay.delete(key)) return true;
    const i = this.find(key);
    if (i < 0 || this.shadowed[i] === 1) return false;
    this.shadowed[i] = 1;
    this.liveBase--;
    return true;
  }

  /** Whether every row is at schema version `v`, without reading the base (all its rows are at `base.version`). */
  allAtVersion(v: number): boolean {
    if (this.liveBase > 0 && this.base.version !== v) return false;
    for (const r of this.overlay.values()) if (r.version !== v) return false;
    return true;
  }

  /**
   * Every row as an object from now on: iteration visits them all, and a second scan must
   * not decode them again (the row objects cache their decoded values).
   */
  private materializeAll(): Map<string, StoredRow> {
    if (this.liveBase > 0) {
      for (let i = 0; i < this.base.count; i++) if (this.shadowed[i] === 0) this.materialize(i);
    }
    return this.overlay;
  }

  keys(): IterableIterator<string> {
    return this.materializeAll().keys();
  }

  values(): IterableIterator<StoredRow> {
    return this.materializeAll().values();
  }

  entries(): IterableIterator<[string, StoredRow]> {
    return this.materializeAll().entries();
  }

  [Symbol.iterator](): IterableIterator<[string, StoredRow]> {
    return this.entries();
  }

  forEach(fn: (row: StoredRow, key: string) => void): void {
    this.materializeAll().forEach((r, k) => fn(r, k));
  }
}
