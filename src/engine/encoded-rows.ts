/**
 * Reusing record payloads in checkpoints. A stored row may carry the payload it was
 * committed (write path) or loaded (checkpoint load) as; rows are immutable and replaced on
 * every write, so the payload stays the row's. It is reusable when its header names the
 * collection's current schema version and the record layout version a writer would choose
 * now — a schema change always bumps the version, so that also pins the field list. Rows
 * without one are encoded by the checkpoint and remembered in a WeakMap (a WeakMap set is
 * too slow for the open and insert paths, hence the property there).
 */
import { recordVersionFor } from '../format/record.ts';
import type { FieldDef } from '../schema/types.ts';
import { RecordSlab } from './record-slab.ts';
import type { StoredRow } from './row-store.ts';

const OP_AT = 10;

interface Encoded {
  readonly fields: readonly FieldDef[];
  readonly schemaVersion: number;
  readonly bytes: Uint8Array;
}

const encoded = new WeakMap<StoredRow, Encoded>();
const copies = new RecordSlab();

/** Remembers a payload the checkpoint had to encode itself. */
export function rememberEncoded(row: StoredRow, fields: readonly FieldDef[], schemaVersion: number, bytes: Uint8Array): void {
  encoded.set(row, { fields, schemaVersion, bytes });
}

function reusable(p: Uint8Array, collectionId: number, recordVersion: number, schemaVersion: number): boolean {
  if (p.length < 11) return false;
  const version = p[0]! | (p[1]! << 8);
  const cid = (p[2]! | (p[3]! << 8) | (p[4]! << 16) | (p[5]! << 24)) >>> 0;
  const sv = (p[6]! | (p[7]! << 8) | (p[8]! << 16) | (p[9]! << 24)) >>> 0;
  return cid === collectionId && sv === schemaVersion && version === recordVersion && (p[OP_AT] === 1 || p[OP_AT] === 2);
}

/**
 * The op-1 record of `row` at the collection's current version, if one is known. A
 * replace's payload (op 2) is returned as an op-1 copy; the log's bytes stay untouched.
 */
export function encodedInsertOf(
  row: StoredRow,
  collectionId: number,
  fields: readonly FieldDef[],
  schemaVersion: number,
  /** `recordVersionFor(fields)`, when the caller has it (checkpoints ask once per collection). */
  recordVersion: number = recordVersionFor(fields),
): Uint8Array | undefined {
  const own = row.encoded;
  if (own !== undefined && reusable(own, collectionId, recordVersion, schemaVersion)) {
    if (own[OP_AT] === 1) return own;
    // Copies of consecutive rows lie back to back (a checkpoint stages them in one `set`).
    const copy = copies.alloc(own.length);
    copy.set(own);
    copy[OP_AT] = 1;
    return copy;
  }
  const hit = encoded.get(row);
  if (hit === undefined || hit.fields !== fields || hit.schemaVersion !== schemaVersion) return undefined;
  return hit.bytes;
}
