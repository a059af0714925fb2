/**
 * Canonical key bytes (FORMAT.md §7.3) — the identity of primary keys and index keys — and
 * the orderings of §7.4 that work on them.
 *
 * `keyToString` maps key bytes to a latin1-style JS string (one UTF-16 unit per byte) so
 * keys can live in `Map`s; JS string comparison of such strings equals `compareBytes`.
 */
import { formatError, type ModelVaultError } from '../errors.ts';
import type { ScalarType } from '../schema/types.ts';
import type { ScalarValue } from '../schema/values.ts';
import { decodeUtf8, encodeUtf8 } from './bytes.ts';
import { I64_MAX, I64_MIN, recordTypeMismatch, U64_MAX } from './scalar.ts';

const invalidKey = (t: string, why: string): ModelVaultError =>
  formatError('InvalidCanonicalKey', `invalid canonical key for ${t}: ${why}`, { type: t });

// Fixed-width keys are written into one scratch buffer and copied out (no closure, no view per call).
const scratchBytes = new Uint8Array(8);
const scratch = new DataView(scratchBytes.buffer);

/** Validates a fixed-width (8-byte) key value and writes its bytes into `scratchBytes`. */
function fillFixed(t: 'int64' | 'timestamp' | 'uint64' | 'float64', v: ScalarValue): void {
  if (t === 'float64') {
    if (typeof v !== 'number') throw recordTypeMismatch('expected float64');
    scratch.setFloat64(0, v, true);
  } else if (t === 'uint64') {
    if (typeof v !== 'bigint' || v < 0n || v > U64_MAX) throw recordTypeMismatch('expected uint64');
    scratch.setBigUint64(0, v, true);
  } else {
    if (typeof v !== 'bigint' || v < I64_MIN || v > I64_MAX) throw recordTypeMismatch(`expected ${t}`);
    scratch.setBigInt64(0, v, true);
  }
}

/** The canonical bytes of `v` as type `t`; the value must have its type's JS shape. */
export function canonicalKey(t: ScalarType, v: ScalarValue): Uint8Array {
  switch (t) {
    case 'bool':
      if (typeof v !== 'boolean') throw recordTypeMismatch('expected bool');
      return Uint8Array.of(0, v ? 1 : 0);
    case 'int64':
    case 'timestamp':
    case 'uint64':
    case 'float64':
      fillFixed(t, v);
      return scratchBytes.slice();
    case 'string':
      if (typeof v !== 'string') throw recordTypeMismatch('expected string');
      return encodeUtf8(v);
    case 'bytes':
      if (!(v instanceof Uint8Array)) throw recordTypeMismatch('expected bytes');
      return v.slice();
    case 'uuid':
      if (!(v instanceof Uint8Array) || v.length !== 16) throw recordTypeMismatch('expected uuid (16 bytes)');
      return v.slice();
    default:
      throw recordTypeMismatch(`unknown scalar type ${String(t)}`);
  }
}

/** `keyToString(canonicalKey(t, v))` — the form the engine uses as a Map key. */
export function canonicalKeyString(t: ScalarType, v: ScalarValue): string {
  switch (t) {
    case 'int64':
    case 'timestamp':
    case 'uint64':
    case 'float64': {
      fillFixed(t, v);
      let s = '';
      for (let i = 0; i < 8; i++) s += String.fromCharCode(scratchBytes[i]!);
      return s;
    }
    default:
      return keyToString(canonicalKey(t, v));
  }
}

/** Inverse of `canonicalKey` (dumps, index inspection). */
export function scalarFromCanonicalKey(t: ScalarType, key: Uint8Array): ScalarValue {
  const view = new DataView(key.buffer, key.byteOffset, key.byteLength);
  switch (t) {
    case 'bool':
      if (key.length !== 2 || key[0] !== 0 || key[1]! > 1) throw invalidKey(t, 'expected 00 00 or 00 01');
      return key[1] === 1;
    case 'int64':
    case 'timestamp':
      if (key.length !== 8) throw invalidKey(t, `expected 8 bytes, got ${key.length}`);
      return view.getBigInt64(0, true);
    case 'uint64':
      if (key.length !== 8) throw invalidKey(t, `expected 8 bytes, got ${key.length}`);
      return view.getBigUint64(0, true);
    case 'float64':
      if (key.length !== 8) throw invalidKey(t, `expected 8 bytes, got ${key.length}`);
      return view.getFloat64(0, true);
    case 'string': {
      const s = decodeUtf8(key);
      if (s === null) throw invalidKey(t, 'invalid UTF-8');
      return s;
    }
    case 'bytes':
      return key.slice();
    case 'uuid':
      if (key.length !== 16) throw invalidKey(t, `expected 16 bytes, got ${key.length}`);
      return key.slice();
    default:
      throw invalidKey(String(t), 'unknown scalar type');
  }
}

/** Unsigned lexicographic order, a proper prefix first (§7.4 item 1). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const CHUNK = 8192;

/** Lossless, order-preserving bytes → string (one UTF-16 unit per byte). */
export function keyToString(key: Uint8Array): string {
  const n = key.length;
  if (n <= 32) {
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(key[i]!);
    return s;
  }
  let s = '';
  for (let i = 0; i < n; i += CHUNK) {
    s += String.fromCharCode.apply(null, key.subarray(i, Math.min(n, i + CHUNK)) as unknown as number[]);
  }
  return s;
}

/** Inverse of `keyToString`; any unit above 0xFF means the string did not come from it. */
export function keyFromString(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) throw invalidKey('key string', `code unit ${c} at ${i} is not a byte`);
    out[i] = c;
  }
  return out;
}

/**
 * Compares JS strings in UTF-8 byte order (= code point order), which differs from JS `<`
 * where a surrogate pair meets a unit in U+E000..U+FFFF.
 */
export function compareStringsUtf8(a: string, b: string): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    let ca = a.charCodeAt(i);
    let cb = b.charCodeAt(i);
    if (ca === cb) continue;
    if (ca >= 0xd800 && cb >= 0xd800) {
      // Surrogates (supplementary planes) must sort above U+E000..U+FFFF.
      ca = ca >= 0xe000 ? ca - 0x800 : ca + 0x2000;
      cb = cb >= 0xe000 ? cb - 0x800 : cb + 0x2000;
    }
    return ca < cb ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/**
 * The in-memory ORDER BY comparison of two scalars of type `t` (§7.4 item 3): Bool
 * false < true, integers numerically, Float64 by IEEE partial order (NaN and ±0 compare
 * equal), String/Bytes/Uuid bytewise. Values of the wrong shape count as equal.
 */
export function compareScalars(t: ScalarType, a: ScalarValue, b: ScalarValue): number {
  switch (t) {
    case 'bool':
    case 'int64':
    case 'uint64':
    case 'timestamp':
    case 'float64':
      if (typeof a !== typeof b || typeof a === 'string' || a instanceof Uint8Array) return 0;
      return a < b ? -1 : a > b ? 1 : 0;
    case 'string':
      if (typeof a !== 'string' || typeof b !== 'string') return 0;
      return compareStringsUtf8(a, b);
    case 'bytes':
    case 'uuid':
      if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array)) return 0;
      return compareBytes(a, b);
    default:
      return 0;
  }
}
