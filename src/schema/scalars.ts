/**
 * Accepting user input for scalar types (BEHAVIOR.md §1.4, §2.1). The reference checks the
 * value kind exactly; JavaScript has no int64 kind, so the schema decides how a JS value is
 * read. Accepted forms, each converted to the stored representation:
 *
 * | type      | accepted                                                        | stored     |
 * |-----------|-----------------------------------------------------------------|------------|
 * | bool      | boolean                                                         | boolean    |
 * | int64     | bigint in −2⁶³…2⁶³−1; a `number` that is a safe integer         | bigint     |
 * | uint64    | bigint in 0…2⁶⁴−1; a `number` that is a non-negative safe integer | bigint   |
 * | timestamp | as int64 (the unit is the caller's; `Date` is refused because the unit is unsettled) | bigint |
 * | float64   | number (NaN, ±Infinity, −0 included); a bigint is refused — no coercion | number |
 * | string    | string with no lone surrogates (it must have an exact UTF-8 form) | string   |
 * | bytes     | Uint8Array (Buffer included)                                     | a copy     |
 * | uuid      | Uint8Array of 16 bytes; canonical text `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (any case) | 16-byte copy |
 *
 * A number that is not a safe integer is refused for the integer types rather than rounded:
 * above 2⁵³ it may already have lost the digits the caller meant.
 */
import type { ScalarType } from './types.ts';
import { bigIntOf, sharedBigInt } from './shared-bigints.ts';
import type { ScalarValue } from './values.ts';
import { isWellFormedUnicode } from './text.ts';

export const INT64_MIN = -(1n << 63n);
export const INT64_MAX = (1n << 63n) - 1n;
export const UINT64_MAX = (1n << 64n) - 1n;

/** Result of reading a scalar: the stored value, or the reason it was refused. */
export type ScalarResult = { ok: true; value: ScalarValue } | { ok: false; message: string };

const UUID_TEXT = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function refuse(type: ScalarType): ScalarResult {
  return { ok: false, message: `expected ${type}` };
}

function asSignedInt(v: unknown): bigint | null {
  if (typeof v === 'bigint') return v >= INT64_MIN && v <= INT64_MAX ? sharedBigInt(v) : null;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return bigIntOf(v);
  return null;
}

export function parseUuidText(s: string): Uint8Array | null {
  if (s.length !== 36 || !UUID_TEXT.test(s)) return null;
  const hex = s.replaceAll('-', '');
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function formatUuid(bytes: Uint8Array): string {
  const h = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Reads `v` as a value of scalar `type` (table above). */
export function acceptScalar(type: ScalarType, v: unknown): ScalarResult {
  switch (type) {
    case 'bool':
      return typeof v === 'boolean' ? { ok: true, value: v } : refuse(type);
    case 'int64':
    case 'timestamp': {
      const b = asSignedInt(v);
      return b === null ? refuse(type) : { ok: true, value: b };
    }
    case 'uint64': {
      if (typeof v === 'bigint') return v >= 0n && v <= UINT64_MAX ? { ok: true, value: sharedBigInt(v) } : refuse(type);
      if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return { ok: true, value: bigIntOf(v) };
      return refuse(type);
    }
    case 'float64':
      return typeof v === 'number' ? { ok: true, value: v } : refuse(type);
    case 'string':
      if (typeof v !== 'string') return refuse(type);
      return isWellFormedUnicode(v) ? { ok: true, value: v } : { ok: false, message: 'string is not valid Unicode (lone surrogate)' };
    case 'bytes':
      return v instanceof Uint8Array ? { ok: true, value: new Uint8Array(v) } : refuse(type);
    case 'uuid': {
      if (v instanceof Uint8Array) return v.length === 16 ? { ok: true, value: new Uint8Array(v) } : refuse(type);
      if (typeof v === 'string') {
        const parsed = parseUuidText(v);
        return parsed === null ? refuse(type) : { ok: true, value: parsed };
      }
      return refuse(type);
    }
  }
}
