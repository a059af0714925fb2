/**
 * The 24-byte payload shared by TxnBegin, TxnCommit and TxnAbort (FORMAT.md §10.1), plus
 * the `Format.InvalidTxnPayload` messages replay and recovery use for framing violations
 * (§10.4, §10.6), so every layer reports them with the reference's wording.
 */
import { formatError } from '../errors.ts';
import type { ModelVaultError } from '../errors.ts';
import { crc32c } from '../wasm/crc32c.ts';
import { TXN_MARKER_SIZE } from './constants.ts';
import { requireU64 } from './int-args.ts';

const INNER_CRC_AT = 18;

/** Framing-violation messages (BEHAVIOR.md error table). */
export const TXN_NESTED_BEGIN = 'nested TxnBegin before TxnCommit';
export const TXN_COMMIT_OUTSIDE = 'TxnCommit outside transaction';
export const TXN_ID_MISMATCH = 'TxnCommit txn_id does not match TxnBegin';
export const TXN_UNFRAMED_DATA = 'unframed data segment in format minor 6';
export const TXN_UNCLOSED = 'unclosed transaction at end of log (recovery should truncate)';

export function invalidTxnPayload(message: string, extra: Record<string, unknown> = {}): ModelVaultError {
  return formatError('InvalidTxnPayload', `invalid transaction marker payload: ${message}`, { message, ...extra });
}

export function encodeTxnMarker(txnId: bigint): Uint8Array {
  requireU64('txnId', txnId);
  const out = new Uint8Array(TXN_MARKER_SIZE);
  const view = new DataView(out.buffer);
  view.setUint16(0, 0, true);
  view.setBigUint64(2, txnId, true);
  // +10..+17 reserved (zero, covered by the inner CRC); +22..+23 pad (not covered).
  view.setUint32(INNER_CRC_AT, crc32c(out.subarray(0, INNER_CRC_AT)), true);
  return out;
}

/** The transaction id, after the §10.1 checks (length, version, inner CRC). */
export function decodeTxnMarker(payload: Uint8Array): bigint {
  if (payload.length !== TXN_MARKER_SIZE) {
    throw invalidTxnPayload(`expected ${TXN_MARKER_SIZE} bytes, got ${payload.length}`);
  }
  const view = new DataView(payload.buffer, payload.byteOffset, TXN_MARKER_SIZE);
  const version = view.getUint16(0, true);
  if (version !== 0) throw invalidTxnPayload(`unsupported txn payload version ${version}`);
  if (crc32c(payload.subarray(0, INNER_CRC_AT)) !== view.getUint32(INNER_CRC_AT, true)) {
    throw invalidTxnPayload('txn payload crc mismatch');
  }
  return view.getBigUint64(2, true);
}
