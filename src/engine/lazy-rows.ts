/**
 * Rows kept as their record payload and decoded on first read (ARCHITECTURE.md, "State
 * worth considering"). Loading a checkpoint then costs one validating walk per record — no
 * values, objects or bigints — instead of a full decode, and the decoded row is cached on
 * the row once something reads it.
 *
 * The walk accepts only payloads it can prove `decodeRecord` would decode without error
 * (record v2, every tag, length, count and presence byte checked, ASCII strings, no
 * trailing bytes). Anything else — other versions, deletes, non-ASCII text, zero-width list
 * elements — returns null and the caller decodes the record eagerly, so every malformed
 * payload still fails at open with the error `decodeRecord` raises.
 */
import { keyFromString, scalarFromCanonicalKey } from '../format/canonical-key.ts';
import { bodyFields, decodeRecord } from '../format/record.ts';
import type { RecordLayout } from '../format/record.ts';
import { isZeroWidth } from '../format/row-value.ts';
import {
  TAG_BOOL,
  TAG_BYTES,
  TAG_FLOAT64,
  TAG_INT64,
  TAG_STRING,
  TAG_TIMESTAMP,
  TAG_UINT64,
  TAG_UUID,
} from '../format/scalar.ts';
import type { ScalarType, Type } from '../schema/types.ts';
import type { Row, ScalarValue } from '../schema/values.ts';
import type { StoredRow } from './row-store.ts';

const RECORD_V2 = 2;
const OP_AT = 10;
const PK_AT = 11;

/** Per collection and field list: what the walk needs, computed once per load. */
export interface LazyPlan {
  readonly layout: RecordLayout;
  readonly pkType: ScalarType;
  /** Types of the v2 body fields, in record order. */
  readonly body: readonly Type[];
  /** Top-level field name → body position (−1 for the primary key). */
  readonly slots: ReadonlyMap<string, number>;
}

export function lazyPlan(layout: RecordLayout): LazyPlan {
  const fields = bodyFields(layout, RECORD_V2);
  const slots = new Map<string, number>();
  slots.set(layout.primaryField, -1);
  fields.forEach((f, i) => {
    if (!slots.has(f.path[0]!)) slots.set(f.path[0]!, i);
  });
  return { layout, pkType: layout.pkType as ScalarType, body: fields.map((f) => f.type), slots };
}

function u32(p: Uint8Array, at: number): number {
  return (p[at]! | (p[at + 1]! << 8) | (p[at + 2]! << 16) | (p[at + 3]! << 24)) >>> 0;
}

/** End of `len` ASCII bytes at `at`, or −1 when they run past the end or one is not ASCII. */
function asciiEnd(p: Uint8Array, at: number, len: number): number {
  if (len > p.length - at) return -1;
  const end = at + len;
  for (let i = at; i < end; i++) if (p[i]! >= 0x80) return -1;
  return end;
}

function fixedWidthTag(t: ScalarType): number {
  switch (t) {
    case 'int64':
      return TAG_INT64;
    case 'uint64':
      return TAG_UINT64;
    case 'timestamp':
      return TAG_TIMESTAMP;
    case 'float64':
      return TAG_FLOAT64;
    default:
      return -1;
  }
}

/** Position after one value of `t` at `at`, or −1 when the walk cannot vouch for it. */
function skipValue(p: Uint8Array, at: number, t: Type): number {
  const n = p.length;
  if (typeof t === 'string') {
    if (at >= n) return -1;
    const tag = p[at]!;
    switch (t) {
      case 'bool':
        return tag === TAG_BOOL && n - at >= 2 ? at + 2 : -1;
      case 'int64':
      case 'uint64':
      case 'timestamp':
      case 'float64':
        return tag === fixedWidthTag(t) && n - at >= 9 ? at + 9 : -1;
      case 'uuid':
        return tag === TAG_UUID && n - at >= 17 ? at + 17 : -1;
      case 'string':
        if (tag !== TAG_STRING || n - at < 5) return -1;
        return asciiEnd(p, at + 5, u32(p, at + 1));
      case 'bytes': {
        if (tag !== TAG_BYTES || n - at < 5) return -1;
        const len = u32(p, at + 1);
        return len > n - at - 5 ? -1 : at + 5 + len;
      }
      default:
        return -1;
    }
  }
  if ('optional' in t) {
    if (at >= n) return -1;
    if (p[at] === 0) return at + 1;
    return p[at] === 1 ? skipValue(p, at + 1, t.optional) : -1;
  }
  if ('list' in t) {
    if (n - at < 4 || isZeroWidth(t.list)) return -1;
    const count = u32(p, at);
    let pos = at + 4;
    // Every element consumes at least one byte, so the count is bounded by what is left.
    if (count > n - pos) return -1;
    for (let i = 0; i < count && pos >= 0; i++) pos = skipValue(p, pos, t.list);
    return pos;
  }
  if ('object' in t) {
    let pos = at;
    for (const m of t.object) {
      pos = skipValue(p, pos, m.type);
      if (pos < 0) return -1;
    }
    return pos;
  }
  if ('enum' in t) return skipValue(p, at, 'string');
  return -1;
}

/** Position after the tagged PK, and its key string, for the PK types the walk handles. */
function pkKeyString(p: Uint8Array, plan: LazyPlan): string | null {
  const t = plan.pkType;
  const n = p.length;
  if (t === 'int64' || t === 'uint64' || t === 'timestamp') {
    // Canonical key bytes of these types are the value's little-endian bytes as stored.
    if (n - PK_AT < 9 || p[PK_AT] !== fixedWidthTag(t)) return null;
    const a = PK_AT + 1;
    return String.fromCharCode(p[a]!, p[a + 1]!, p[a + 2]!, p[a + 3]!, p[a + 4]!, p[a + 5]!, p[a + 6]!, p[a + 7]!);
  }
  if (t === 'string') {
    // An ASCII string's UTF-8 bytes are its code units: the key string is the string.
    if (n - PK_AT < 5 || p[PK_AT] !== TAG_STRING) return null;
    const len = u32(p, PK_AT + 1);
    const end = asciiEnd(p, PK_AT + 5, len);
    if (end < 0 || len > 1024) return null;
    return String.fromCharCode.apply(null, p.subarray(PK_AT + 5, end) as unknown as number[]);
  }
  return null;
}

function bodyStart(p: Uint8Array, plan: LazyPlan): number {
  const t = plan.pkType;
  if (t === 'string') return PK_AT + 5 + u32(p, PK_AT + 1);
  return PK_AT + 9;
}

/**
 * The row of a v2 insert/replace payload, kept encoded, or null when the payload must be
 * decoded eagerly (see the module comment).
 */
export function lazyRowOf(payload: Uint8Array, plan: LazyPlan, version: number): LazyRow | null {
  const p = payload;
  if (p.length < PK_AT + 1 || (p[0]! | (p[1]! << 8)) !== RECORD_V2) return null;
  const op = p[OP_AT];
  if (op === 3) return null;
  const key = pkKeyString(p, plan);
  if (key === null) return null;
  let pos = bodyStart(p, plan);
  if (p.length - pos < 4 || u32(p, pos) !== plan.body.length) return null;
  pos += 4;
  const body = plan.body;
  for (let i = 0; i < body.length; i++) {
    pos = skipValue(p, pos, body[i]!);
    if (pos < 0) return null;
  }
  if (pos !== p.length) return null;
  return new LazyRow(payload, plan, key, version);
}

export class LazyRow implements StoredRow {
  private decoded: Row | undefined = undefined;

  constructor(
    readonly encoded: Uint8Array,
    private readonly plan: LazyPlan,
    /** `keyString(pkKey)`, the row's key in the row store. */
    readonly key: string,
    readonly version: number,
  ) {}

  get row(): Row {
    // Cannot throw: lazyRowOf walked every byte the decoder reads.
    return (this.decoded ??= decodeRecord(this.encoded, this.plan.layout).row!);
  }

  get pk(): ScalarValue {
    return scalarFromCanonicalKey(this.plan.pkType, this.pkKey);
  }

  get pkKey(): Uint8Array {
    return keyFromString(this.key);
  }

  /**
   * The index key string (`keyString` of the canonical key) of a top-level field without
   * decoding the row: `null` when the row holds no value there, `undefined` when the walk
   * does not handle this field or type (the caller reads `row` instead). Handles int64,
   * uint64, timestamp and ASCII string fields, and the primary key.
   */
  indexKeyString(name: string, keyType: ScalarType): string | null | undefined {
    if (this.decoded !== undefined) return undefined;
    const plan = this.plan;
    const slot = plan.slots.get(name);
    if (slot === undefined) return undefined;
    if (slot === -1) return keyType === plan.pkType ? this.key : undefined;
    const t = plan.body[slot]!;
    if (t !== keyType) return undefined;
    const p = this.encoded;
    let pos = bodyStart(p, plan) + 4;
    for (let i = 0; i < slot; i++) pos = skipValue(p, pos, plan.body[i]!);
    if (t === 'int64' || t === 'uint64' || t === 'timestamp') {
      const a = pos + 1;
      return String.fromCharCode(p[a]!, p[a + 1]!, p[a + 2]!, p[a + 3]!, p[a + 4]!, p[a + 5]!, p[a + 6]!, p[a + 7]!);
    }
    if (t === 'string') {
      const len = u32(p, pos + 1);
      if (len > 1024) return undefined;
      return String.fromCharCode.apply(null, p.subarray(pos + 5, pos + 5 + len) as unknown as number[]);
    }
    return undefined;
  }
}

/** The value of an index bucket from its key string (bucket creation only). */
export function valueOfKeyString(t: ScalarType, ks: string): ScalarValue {
  return scalarFromCanonicalKey(t, keyFromString(ks));
}
