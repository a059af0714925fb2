/**
 * Row values (FORMAT.md §7.2): the schema-driven encoding of field values in record
 * payloads v2 and v3. Only primitive leaves carry tags; Optional is a presence byte, List a
 * u32 count, Object its members in declaration order, Enum a tagged String.
 */
import { formatError } from '../errors.ts';
import type { FieldDef, Type } from '../schema/types.ts';
import { hasField, isPlainObjectValue, setField, type Value } from '../schema/values.ts';
import type { ByteReader, ByteWriter } from './bytes.ts';
import { readRecordString, readTaggedScalar, recordTypeMismatch, TAG_STRING, writeTaggedScalar, writeTaggedString } from './scalar.ts';

/**
 * Bounds the work a single payload can cause. Elements that consume input bytes are bounded
 * by the payload length already; only zero-width elements (objects whose members are all
 * zero-width, e.g. `Object{}`) cost nothing, so a `List(Object{})` with count 2^32−1 would
 * otherwise loop and allocate for billions of iterations (§16). `zeroWidthElements` is the
 * number of such elements the payload may still produce.
 */
export interface DecodeBudget {
  zeroWidthElements: number;
}

/** Far above anything a real writer produces, low enough to fail in milliseconds. */
export const DEFAULT_ZERO_WIDTH_ELEMENTS = 1 << 20;

export function newDecodeBudget(limit = DEFAULT_ZERO_WIDTH_ELEMENTS): DecodeBudget {
  return { zeroWidthElements: limit };
}

const zeroWidthCache = new WeakMap<object, boolean>();

/** True iff a value of `t` encodes to zero bytes (an Object whose members all do). */
export function isZeroWidth(t: Type): boolean {
  if (typeof t === 'string') return false;
  if (!('object' in t)) return false;
  const cached = zeroWidthCache.get(t);
  if (cached !== undefined) return cached;
  let zero = true;
  for (const m of t.object) {
    if (!isZeroWidth(m.type)) {
      zero = false;
      break;
    }
  }
  zeroWidthCache.set(t, zero);
  return zero;
}

/**
 * Encodes `v` as type `t`. `null`/`undefined` are accepted only under Optional (→ 0x00);
 * object members missing from `v` encode as absent when Optional (a conforming writer,
 * §7.2 / §19.2 item 5) and fail otherwise.
 */
export function writeRowValue(w: ByteWriter, t: Type, v: Value | undefined): void {
  if (typeof t === 'string') {
    if (v === null || v === undefined) throw recordTypeMismatch(`missing value for ${t}`);
    writeTaggedScalar(w, t, v as never);
    return;
  }
  if ('optional' in t) {
    if (v === null || v === undefined) {
      w.u8(0);
      return;
    }
    w.u8(1);
    writeRowValue(w, t.optional, v);
    return;
  }
  if ('list' in t) {
    if (!Array.isArray(v)) throw recordTypeMismatch('expected list');
    w.u32(v.length);
    const el = t.list;
    for (let i = 0; i < v.length; i++) writeRowValue(w, el, v[i]);
    return;
  }
  if ('object' in t) {
    if (!isPlainObjectValue(v)) throw recordTypeMismatch('expected object');
    const members: readonly FieldDef[] = t.object;
    for (let i = 0; i < members.length; i++) {
      const m = members[i]!;
      const key = m.path[0]!;
      writeRowValue(w, m.type, hasField(v, key) ? v[key] : undefined);
    }
    return;
  }
  if ('enum' in t) {
    if (typeof v !== 'string') throw recordTypeMismatch('expected enum string');
    writeTaggedString(w, v);
    return;
  }
  throw recordTypeMismatch('unknown type');
}

/**
 * Decodes one value of type `t`. The reader must raise `TruncatedRecordPayload` on EOF.
 * Recursion depth follows the type's depth (≤ 33 levels for decoded catalogs).
 */
export function readRowValue(r: ByteReader, t: Type, budget: DecodeBudget): Value {
  if (typeof t === 'string') return readTaggedScalar(r, t);
  if ('optional' in t) {
    const presence = r.u8();
    if (presence === 0) return null;
    if (presence !== 1) throw recordTypeMismatch(`bad optional presence byte ${presence}`);
    return readRowValue(r, t.optional, budget);
  }
  if ('list' in t) {
    const count = r.u32();
    const el = t.list;
    if (isZeroWidth(el)) {
      // Zero-width elements cannot fail, so refusing up front changes no other outcome.
      if (count > budget.zeroWidthElements) {
        throw formatError('DecodeLimitExceeded', `list of ${count} zero-width elements exceeds the decode limit`, {
          count,
          limit: budget.zeroWidthElements,
        });
      }
      budget.zeroWidthElements -= count;
    }
    const out: Value[] = [];
    for (let i = 0; i < count; i++) out.push(readRowValue(r, el, budget));
    return out;
  }
  if ('object' in t) {
    const obj: { [key: string]: Value } = {};
    const members: readonly FieldDef[] = t.object;
    for (let i = 0; i < members.length; i++) {
      const m = members[i]!;
      setField(obj, m.path[0]!, readRowValue(r, m.type, budget));
    }
    return obj;
  }
  if ('enum' in t) {
    const tag = r.u8();
    if (tag !== TAG_STRING) throw recordTypeMismatch('expected string tag for enum');
    return readRecordString(r);
  }
  throw recordTypeMismatch('unknown type');
}
