/**
 * Staging of one commit group: the body segments in call order, plus an undo log of the
 * in-memory changes already applied for them.
 *
 * Writes are applied to the handle's state as they are staged (so every read through the
 * handle — get, scans, queries, catalog — sees the transaction's own writes without any
 * overlay), and undone in reverse if the transaction rolls back or its commit fails.
 * Begin is O(1) and rollback O(changes), unlike copying the whole state into shadows.
 */
import type { Catalog } from './catalog.ts';
import type { BodySegment } from './commit.ts';
import type { EngineState } from './open.ts';
import { IndexState } from './index-state.ts';
import { RowStore } from './row-store.ts';
import type { StoredRow } from './row-store.ts';

interface RowUndo {
  readonly collectionId: number;
  readonly key: string;
  readonly before: StoredRow | undefined;
}

export class TxnScope {
  readonly body: BodySegment[] = [];
  private readonly rowUndo: RowUndo[] = [];
  /** The catalog as it was before the first catalog change of this scope. */
  private savedCatalog: Catalog | null = null;
  /** Collections whose index list changed (or that were created) in this scope. */
  private readonly reindexed = new Set<number>();

  /** The committed state, rebuilt once for readers that must not see this scope (views). */
  private committed: EngineState | null = null;

  constructor(
    private readonly state: EngineState,
    /** Explicit transactions take their id at begin; autocommit scopes at commit. */
    readonly txnId: bigint | null,
  ) {}

  get isEmpty(): boolean {
    return this.body.length === 0;
  }

  /** The catalog to mutate: a copy of the committed one, made on first use. */
  catalogForWrite(): Catalog {
    if (this.savedCatalog === null) {
      this.savedCatalog = this.state.catalog;
      this.state.catalog = this.state.catalog.clone();
    }
    return this.state.catalog;
  }

  noteReindexed(collectionId: number): void {
    this.reindexed.add(collectionId);
  }

  /** Stores (or removes, `after` undefined) one row, keeping indexes in step. */
  putRow(collectionId: number, key: string, after: StoredRow | undefined): void {
    const { rows, indexes } = this.state;
    const before = rows.get(collectionId, key);
    this.rowUndo.push({ collectionId, key, before });
    if (after === undefined) rows.delete(collectionId, key);
    else rows.put(collectionId, key, after);
    indexes.onRowChange(collectionId, key, before, after);
  }

  /**
   * Replaces every row of a collection with `next(row)`, undoably, without index upkeep:
   * the caller rebuilds the collection's indexes (a schema version change).
   */
  replaceAllRows(collectionId: number, next: (r: StoredRow) => StoredRow): void {
    const table = this.state.rows.table(collectionId);
    for (const [key, before] of table) {
      this.rowUndo.push({ collectionId, key, before });
      table.set(key, next(before));
    }
  }

  /**
   * The state as it was when the scope began, for same-process views: the live state while
   * nothing is staged, else a copy built once (O(rows) row-map copy with the undo log applied
   * in reverse, indexes rebuilt from it). Later writes of the scope do not change what was
   * committed, so the copy stays valid until the scope ends.
   */
  committedState(): EngineState {
    if (this.rowUndo.length === 0 && this.savedCatalog === null) return this.state;
    if (this.committed !== null) return this.committed;
    const live = this.state;
    const rows = new RowStore();
    for (const id of live.rows.collectionIds()) {
      const t = rows.table(id);
      for (const [k, r] of live.rows.table(id)) t.set(k, r);
    }
    for (let i = this.rowUndo.length - 1; i >= 0; i--) {
      const u = this.rowUndo[i]!;
      if (u.before === undefined) rows.delete(u.collectionId, u.key);
      else rows.put(u.collectionId, u.key, u.before);
    }
    const catalog = this.savedCatalog ?? live.catalog;
    const indexes = new IndexState();
    for (const c of catalog.list()) indexes.rebuild(c.id, c.fields, c.indexes, () => rows.values(c.id));
    this.committed = { catalog, rows, indexes };
    return this.committed;
  }

  /** Puts the state back as it was when the scope began. */
  undo(): void {
    const { rows, indexes } = this.state;
    for (let i = this.rowUndo.length - 1; i >= 0; i--) {
      const u = this.rowUndo[i]!;
      const current = rows.get(u.collectionId, u.key);
      if (u.before === undefined) rows.delete(u.collectionId, u.key);
      else rows.put(u.collectionId, u.key, u.before);
      indexes.onRowChange(u.collectionId, u.key, current, u.before);
    }
    this.rowUndo.length = 0;
    if (this.savedCatalog !== null) {
      this.state.catalog = this.savedCatalog;
      this.savedCatalog = null;
      for (const id of this.reindexed) {
        const c = this.state.catalog.get(id);
        indexes.rebuild(id, c?.fields ?? [], c?.indexes ?? [], () => (c === undefined ? [] : rows.values(id)));
      }
    }
    this.reindexed.clear();
    this.body.length = 0;
  }
}
