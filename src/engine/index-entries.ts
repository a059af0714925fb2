/**
 * Index entries of one row write (FORMAT.md §9.4) and the unique pre-check (BEHAVIOR.md §2
 * step 11). Entries follow the collection's current index list: for a replace, first one
 * Delete per index with a value in the old row, then one Insert per index with a value in
 * the new row. Keys come from the same `DerivedIndex.keyOf` the index state uses, so the
 * bytes written and the state kept can never disagree.
 */
import { schemaError } from '../errors.ts';
import type { IndexEntry } from '../format/index-payload.ts';
import type { Row } from '../schema/values.ts';
import { hexOf } from '../schema/tagged-json.ts';
import type { DerivedIndex } from './index-state.ts';
import { keyString } from './row-store.ts';

export function indexEntriesFor(
  indexes: readonly DerivedIndex[],
  collectionId: number,
  pkKey: Uint8Array,
  before: Row | null,
  after: Row | null,
): IndexEntry[] {
  const out: IndexEntry[] = [];
  const push = (ix: DerivedIndex, row: Row, op: 'insert' | 'delete') => {
    const k = ix.keyOf(row);
    if (k === null) return;
    out.push({ collectionId, kind: ix.def.kind, op, name: ix.def.name, key: k.key, pk: pkKey });
  };
  if (before !== null) for (const ix of indexes) push(ix, before, 'delete');
  if (after !== null) for (const ix of indexes) push(ix, after, 'insert');
  return out;
}

/**
 * Refuses the write when a unique index already maps a new key to a different primary key
 * in the handle's current view (which includes the open transaction's staged writes).
 */
export function checkUnique(indexes: readonly DerivedIndex[], collectionName: string, pkKey: Uint8Array, after: Row): void {
  const pk = keyString(pkKey);
  for (const ix of indexes) {
    if (ix.def.kind !== 'unique') continue;
    const k = ix.keyOf(after);
    if (k === null) continue;
    const holders = ix.buckets.get(keyString(k.key))?.rows;
    if (holders === undefined) continue;
    for (const other of holders.keys()) {
      if (other !== pk) {
        throw schemaError(
          'UniqueIndexViolation',
          `unique index violation: index ${JSON.stringify(ix.def.name)} of ${JSON.stringify(collectionName)} already maps key ${hexOf(k.key)} to another primary key`,
          { collection: collectionName, index: ix.def.name, key: k.key, value: k.value },
        );
      }
    }
  }
}
