/**
 * Encoded record payloads of stored rows, remembered by the write path when it commits them
 * and by checkpoints when they encode them, so a checkpoint copies bytes instead of
 * re-encoding every row. Stored rows are immutable and replaced on every write, so the row
 * object is the key (a WeakMap: rows that are gone take their bytes with them), and an entry
 * is valid only for the field list (by identity) and schema version it was encoded with.
 */
import type { FieldDef } from '../schema/types.ts';
import type { StoredRow } from './row-store.ts';

interface Encoded {
  readonly fields: readonly FieldDef[];
  readonly schemaVersion: number;
  /** A record payload (op 1 or 2) owned by this cache. */
  readonly bytes: Uint8Array;
}

const OP_AT = 10;
const encoded = new WeakMap<StoredRow, Encoded>();

/** Remembers `bytes` (not copied: the caller hands over a payload it no longer changes). */
export function rememberEncoded(row: StoredRow, fields: readonly FieldDef[], schemaVersion: number, bytes: Uint8Array): void {
  encoded.set(row, { fields, schemaVersion, bytes });
}

/**
 * The op-1 record of `row` if one was remembered for these fields and version. A replace
 * (op 2) payload is turned into op 1 once, on a copy — the log's bytes stay untouched.
 */
export function encodedInsertOf(row: StoredRow, fields: readonly FieldDef[], schemaVersion: number): Uint8Array | undefined {
  const hit = encoded.get(row);
  if (hit === undefined || hit.fields !== fields || hit.schemaVersion !== schemaVersion) return undefined;
  if (hit.bytes[OP_AT] === 1) return hit.bytes;
  const copy = hit.bytes.slice();
  copy[OP_AT] = 1;
  encoded.set(row, { fields, schemaVersion, bytes: copy });
  return copy;
}
