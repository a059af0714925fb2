/**
 * Tagged scalars (FORMAT.md §7.1): one tag byte, then the value. Used for primary keys, v1
 * record bodies and the primitive leaves of row values. Decoding is schema-driven: the
 * reader knows which tag it expects.
 *
 * Callers construct their ByteReader with `truncatedRecord` as the EOF error so running out
 * of bytes surfaces as `Format.TruncatedRecordPayload`.
 */
import { formatError, type ModelVaultError } from '../errors.ts';
import { sharedBigInt } from '../schema/shared-bigints.ts';
import type { ScalarType, Type } from '../schema/types.ts';
import type { ScalarValue } from '../schema/values.ts';
import type { ByteReader, ByteWriter } from './bytes.ts';
import { isWellFormedUnicode as isWellFormedString } from '../schema/text.ts';

export const TAG_BOOL = 0;
export const TAG_INT64 = 1;
export const TAG_UINT64 = 2;
export const TAG_FLOAT64 = 3;
export const TAG_STRING = 4;
export const TAG_BYTES = 5;
export const TAG_UUID = 6;
export const TAG_TIMESTAMP = 7;

export const I64_MIN = -(1n << 63n);
export const I64_MAX = (1n << 63n) - 1n;
export const U64_MAX = (1n << 64n) - 1n;

export const truncatedRecord = (): ModelVaultError =>
  formatError('TruncatedRecordPayload', 'record payload is truncated');
export const recordTypeMismatch = (why: string): ModelVaultError =>
  formatError('RecordPayloadTypeMismatch', `record payload type mismatch: ${why}`);
export const invalidRecordUtf8 = (): ModelVaultError =>
  formatError('InvalidRecordUtf8', 'invalid UTF-8 in record string');
export const unsupportedRecordType = (): ModelVaultError =>
  formatError('RecordPayloadUnsupportedType', 'composite type where a tagged scalar is required');

export function scalarTag(t: ScalarType): number {
  switch (t) {
    case 'bool':
      return TAG_BOOL;
    case 'int64':
      return TAG_INT64;
    case 'uint64':
      return TAG_UINT64;
    case 'float64':
      return TAG_FLOAT64;
    case 'string':
      return TAG_STRING;
    case 'bytes':
      return TAG_BYTES;
    case 'uuid':
      return TAG_UUID;
    case 'timestamp':
      return TAG_TIMESTAMP;
    default:
      throw recordTypeMismatch(`unknown scalar type ${String(t)}`);
  }
}

// Lone surrogates have no UTF-8 form (TextEncoder would silently store U+FFFD instead);
// the check lives with the schema layer's other text rules so both layers agree.
export { isWellFormedString };

/** Writes tag + u32 length + UTF-8, refusing strings UTF-8 cannot represent. */
export function writeTaggedString(w: ByteWriter, v: string): void {
  if (!isWellFormedString(v)) throw recordTypeMismatch('string contains an unpaired surrogate');
  w.u8(TAG_STRING).utf8WithU32Length(v);
}

/** Writes tag + value; the value must have the JS shape of its type (values.ts). */
export function writeTaggedScalar(w: ByteWriter, t: ScalarType, v: ScalarValue): void {
  switch (t) {
    case 'bool':
      if (typeof v !== 'boolean') throw recordTypeMismatch('expected bool');
      w.u8(TAG_BOOL).u8(v ? 1 : 0);
      return;
    case 'int64':
    case 'timestamp':
      if (typeof v !== 'bigint' || v < I64_MIN || v > I64_MAX) throw recordTypeMismatch(`expected ${t}`);
      w.u8(t === 'int64' ? TAG_INT64 : TAG_TIMESTAMP).i64(v);
      return;
    case 'uint64':
      if (typeof v !== 'bigint' || v < 0n || v > U64_MAX) throw recordTypeMismatch('expected uint64');
      w.u8(TAG_UINT64).u64(v);
      return;
    case 'float64':
      if (typeof v !== 'number') throw recordTypeMismatch('expected float64');
      w.u8(TAG_FLOAT64).f64(v);
      return;
    case 'string':
      if (typeof v !== 'string') throw recordTypeMismatch('expected string');
      writeTaggedString(w, v);
      return;
    case 'bytes':
      if (!(v instanceof Uint8Array)) throw recordTypeMismatch('expected bytes');
      w.u8(TAG_BYTES).u32(v.length).bytes(v);
      return;
    case 'uuid':
      if (!(v instanceof Uint8Array) || v.length !== 16) throw recordTypeMismatch('expected uuid (16 bytes)');
      w.u8(TAG_UUID).bytes(v);
      return;
    default:
      throw recordTypeMismatch(`unknown scalar type ${String(t)}`);
  }
}

const SHORT_ASCII = 64;

/**
 * u32 length + strict UTF-8 (the part after a String tag). Short pure-ASCII strings — most
 * keys and labels — skip TextDecoder, whose per-call overhead dominates at that size.
 */
export function readRecordString(r: ByteReader): string {
  const len = r.u32();
  if (len <= SHORT_ASCII) {
    r.need(len);
    const buf = r.buf;
    const start = r.pos;
    let s = '';
    let i = 0;
    for (; i < len; i++) {
      const c = buf[start + i]!;
      if (c >= 0x80) break;
      s += String.fromCharCode(c);
    }
    if (i === len) {
      r.pos = start + len;
      return s;
    }
  }
  return r.utf8(len, invalidRecordUtf8);
}

/**
 * Reads a tagged scalar of the expected type. A composite expected type consumes the tag
 * byte and then fails with `RecordPayloadUnsupportedType`, as the reference does.
 */
export function readTaggedScalar(r: ByteReader, expected: Type): ScalarValue {
  const tag = r.u8();
  switch (expected) {
    case 'bool':
      if (tag !== TAG_BOOL) throw recordTypeMismatch('expected bool tag');
      return r.u8() !== 0;
    case 'int64':
      if (tag !== TAG_INT64) throw recordTypeMismatch('expected int64 tag');
      return sharedBigInt(r.i64());
    case 'uint64':
      if (tag !== TAG_UINT64) throw recordTypeMismatch('expected uint64 tag');
      return sharedBigInt(r.u64());
    case 'float64':
      if (tag !== TAG_FLOAT64) throw recordTypeMismatch('expected float64 tag');
      return r.f64();
    case 'string':
      if (tag !== TAG_STRING) throw recordTypeMismatch('expected string tag');
      return readRecordString(r);
    case 'bytes':
      if (tag !== TAG_BYTES) throw recordTypeMismatch('expected bytes tag');
      // A copy: decoded values outlive the payload buffer they came from.
      return r.bytes(r.u32()).slice();
    case 'uuid':
      if (tag !== TAG_UUID) throw recordTypeMismatch('expected uuid tag');
      return r.bytes(16).slice();
    case 'timestamp':
      if (tag !== TAG_TIMESTAMP) throw recordTypeMismatch('expected timestamp tag');
      return sharedBigInt(r.i64());
    default:
      throw unsupportedRecordType();
  }
}
