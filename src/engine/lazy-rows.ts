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
import type { RowTable } from './row-table.ts';

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
  /** Body position whose value offset every row remembers (an indexed field), or −1. */
  readonly hintSlot: number;
}

/** `hintField`: a top-level field an index reads, so deriving it at open skips the walk. */
export function lazyPlan(layout: RecordLayout, hintField?: string): LazyPlan {
  const fields = bodyFields(layout, RECORD_V2);
  const slots = new Map<string, number>();
  slots.set(layout.primaryField, -1);
  fields.forEach((f, i) => {
    if (!slots.has(f.path[0]!)) slots.set(f.path[0]!, i);
  });
  const hint = hintField === undefined ? undefined : slots.get(hintField);
  return { layout, pkType: layout.pkType as ScalarType, body: fields.map((f) => f.type), slots, hintSlot: hint ?? -1 };
}

/** The first one-segment index path of `indexes` (the field `lazyPlan` should remember). */
export function hintFieldOf(indexes: readonly { readonly path: readonly string[] }[]): string | undefined {
  for (const ix of indexes) if (ix.path.length === 1) return ix.path[0];
  return undefined;
}

function u32(p: Uint8Array, at: number): number {
  return (p[at]! | (p[at + 1]! << 8) | (p[at + 2]! << 16) | (p[at + 3]! << 24)) >>> 0;
}

/** End of `len` ASCII bytes at `at` (before `n`), or −1 when they run past it or one is not ASCII. */
function asciiEnd(p: Uint8Array, at: number, len: number, n: number): number {
  if (len > n - at) return -1;
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

/** Position after one value of `t` at `at` (ending by `n`), or −1 when the walk cannot vouch for it. */
function skipValue(p: Uint8Array, at: number, n: number, t: Type): number {
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
        return asciiEnd(p, at + 5, u32(p, at + 1), n);
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
    return p[at] === 1 ? skipValue(p, at + 1, n, t.optional) : -1;
  }
  if ('list' in t) {
    if (n - at < 4 || isZeroWidth(t.list)) return -1;
    const count = u32(p, at);
    let pos = at + 4;
    // Every element consumes at least one byte, so the count is bounded by what is left.
    if (count > n - pos) return -1;
    for (let i = 0; i < count && pos >= 0; i++) pos = skipValue(p, pos, n, t.list);
    return pos;
  }
  if ('object' in t) {
    let pos = at;
    for (const m of t.object) {
      pos = skipValue(p, pos, n, m.type);
      if (pos < 0) return -1;
    }
    return pos;
  }
  if ('enum' in t) return skipValue(p, at, n, 'string');
  return -1;
}

function fixedKeyString(p: Uint8Array, a: number): string {
  return String.fromCharCode(p[a]!, p[a + 1]!, p[a + 2]!, p[a + 3]!, p[a + 4]!, p[a + 5]!, p[a + 6]!, p[a + 7]!);
}

/** The PK's key string, for the PK types the walk handles; null otherwise. */
function pkKeyString(p: Uint8Array, s: number, n: number, plan: LazyPlan): string | null {
  const t = plan.pkType;
  const at = s + PK_AT;
  if (t === 'int64' || t === 'uint64' || t === 'timestamp') {
    // Canonical key bytes of these types are the value's little-endian bytes as stored.
    if (n - at < 9 || p[at] !== fixedWidthTag(t)) return null;
    return fixedKeyString(p, at + 1);
  }
  if (t === 'string') {
    // An ASCII string's UTF-8 bytes are its code units: the key string is the string.
    if (n - at < 5 || p[at] !== TAG_STRING) return null;
    const len = u32(p, at + 1);
    if (len > 1024) return null;
    const end = asciiEnd(p, at + 5, len, n);
    if (end < 0) return null;
    return String.fromCharCode.apply(null, p.subarray(at + 5, end) as unknown as number[]);
  }
  return null;
}

/** Offset of the field count (after the PK) of a record that passed the walk. */
function bodyStart(p: Uint8Array, s: number, plan: LazyPlan): number {
  if (plan.pkType === 'string') return s + PK_AT + 5 + u32(p, s + PK_AT + 1);
  return s + PK_AT + 9;
}

/**
 * The hint offset (≥ −1, see `LazyRow`) of a v2 insert/replace payload `buf[start, end)` the
 * walk vouches for, or −2 when the payload must be decoded eagerly (see the module comment).
 */
export function walkLazyRecord(buf: Uint8Array, plan: LazyPlan, start: number, end: number): number {
  const p = buf;
  if (end - start < PK_AT + 1 || (p[start]! | (p[start + 1]! << 8)) !== RECORD_V2) return -2;
  if (p[start + OP_AT] === 3) return -2;
  if (!pkWalkable(p, start, end, plan)) return -2;
  let pos = bodyStart(p, start, plan);
  if (end - pos < 4 || u32(p, pos) !== plan.body.length) return -2;
  pos += 4;
  const body = plan.body;
  const hintSlot = plan.hintSlot;
  let hint = -1;
  for (let i = 0; i < body.length; i++) {
    if (i === hintSlot) hint = pos;
    pos = skipValue(p, pos, end, body[i]!);
    if (pos < 0) return -2;
  }
  return pos === end ? hint : -2;
}

/**
 * The row of a v2 insert/replace payload `buf[start, end)`, kept encoded, or null when the
 * payload must be decoded eagerly (see the module comment).
 */
export function lazyRowOf(buf: Uint8Array, plan: LazyPlan, version: number, start = 0, end = buf.length): LazyRow | null {
  const hint = walkLazyRecord(buf, plan, start, end);
  return hint === -2 ? null : lazyRowAt(buf, plan, version, start, end, hint);
}

/** The row object of a payload `walkLazyRecord` accepted (with the hint it returned). */
export function lazyRowAt(buf: Uint8Array, plan: LazyPlan, version: number, start: number, end: number, hint: number): LazyRow {
  return new LazyRow(buf, start, end, plan, pkKeyString(buf, start, end, plan)!, version, hint);
}

/** Whether `pkKeyString` can read the primary key (without building the string). */
function pkWalkable(p: Uint8Array, s: number, n: number, plan: LazyPlan): boolean {
  const t = plan.pkType;
  const at = s + PK_AT;
  if (t === 'int64' || t === 'uint64' || t === 'timestamp') return n - at >= 9 && p[at] === fixedWidthTag(t);
  if (t === 'string') {
    if (n - at < 5 || p[at] !== TAG_STRING) return false;
    const len = u32(p, at + 1);
    return len <= 1024 && asciiEnd(p, at + 5, len, n) >= 0;
  }
  return false;
}

/** Offset of the canonical key bytes of a walked record's primary key. */
function pkKeyFrom(plan: LazyPlan, s: number): number {
  return plan.pkType === 'string' ? s + PK_AT + 5 : s + PK_AT + 1;
}

/** Length of the canonical key bytes of a walked record's primary key. */
function pkKeyLength(p: Uint8Array, s: number, plan: LazyPlan): number {
  // Canonical key bytes of the 64-bit types are the value's little-endian bytes as stored.
  return plan.pkType === 'string' ? u32(p, s + PK_AT + 1) : 8;
}

/** Byte order of a walked record's primary key against a key string (one char per byte). */
export function comparePkKey(p: Uint8Array, s: number, plan: LazyPlan, key: string): number {
  const from = pkKeyFrom(plan, s);
  const len = pkKeyLength(p, s, plan);
  const n = Math.min(len, key.length);
  for (let i = 0; i < n; i++) {
    const d = p[from + i]! - key.charCodeAt(i);
    if (d !== 0) return d;
  }
  return len - key.length;
}

/** Byte order of the primary keys of two walked records of one plan. */
export function comparePks(p: Uint8Array, a: number, b: number, plan: LazyPlan): number {
  const af = pkKeyFrom(plan, a);
  const bf = pkKeyFrom(plan, b);
  const al = pkKeyLength(p, a, plan);
  const bl = pkKeyLength(p, b, plan);
  const n = Math.min(al, bl);
  for (let i = 0; i < n; i++) {
    const d = p[af + i]! - p[bf + i]!;
    if (d !== 0) return d;
  }
  return al - bl;
}

export class LazyRow implements StoredRow {
  private decoded: Row | undefined = undefined;

  constructor(
    private buf: Uint8Array,
    private start: number,
    private end: number,
    readonly plan: LazyPlan,
    /** `keyString(pkKey)`, the row's key in the row store. */
    readonly key: string,
    readonly version: number,
    /** Offset in `buf` of the value of `plan.hintSlot`, −1 without one. */
    private hint = -1,
  ) {}

  /** The record payload (a view, made on demand: most rows are never asked for it). */
  get encoded(): Uint8Array {
    return this.buf.subarray(this.start, this.end);
  }

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

  /** Offset of the value of body field `slot` in `buf`. */
  valueAt(slot: number): number {
    if (slot === this.plan.hintSlot && this.hint >= 0) return this.hint;
    const p = this.buf;
    const plan = this.plan;
    let pos = bodyStart(p, this.start, plan) + 4;
    for (let i = 0; i < slot; i++) pos = skipValue(p, pos, this.end, plan.body[i]!);
    return pos;
  }

  /** Payload length in bytes. */
  get length(): number {
    return this.end - this.start;
  }

  /** Moves the payload to `buf` at `at` (see `rehomeLazyRows`). */
  moveTo(buf: Uint8Array, at: number): void {
    buf.set(this.buf.subarray(this.start, this.end), at);
    if (this.hint >= 0) this.hint += at - this.start;
    this.end = at + this.end - this.start;
    this.start = at;
    this.buf = buf;
  }

  /** The bytes `valueAt` offsets point into. */
  get bytes(): Uint8Array {
    return this.buf;
  }
}

/**
 * Index keys (`keyString` of the canonical key) of one top-level field read straight from
 * encoded rows, for int64, uint64, timestamp and ASCII string fields and the primary key.
 * One reader serves one index rebuild; small integer keys are interned, so rows sharing a
 * value share one key string instead of allocating one each.
 */
export class EncodedKeyReader {
  private plan: LazyPlan | null = null;
  /** Body slot of the field in `plan`, −1 for the PK, −2 when this reader cannot read it. */
  private slot = -2;
  private readonly interned = new Map<number, string>();

  constructor(
    private readonly name: string,
    private readonly keyType: ScalarType,
  ) {}

  /** The key string, null when the row holds no value there, undefined: read `row` instead. */
  keyOf(r: LazyRow): string | null | undefined {
    if (r.plan !== this.plan) this.bind(r.plan);
    const slot = this.slot;
    if (slot === -2) return undefined;
    if (slot === -1) return r.key;
    const p = r.bytes;
    const pos = r.valueAt(slot);
    if (this.keyType === 'string') {
      const len = u32(p, pos + 1);
      if (len > 1024) return undefined;
      return String.fromCharCode.apply(null, p.subarray(pos + 5, pos + 5 + len) as unknown as number[]);
    }
    const lo = u32(p, pos + 1);
    const hi = u32(p, pos + 5) | 0;
    // |value| < 2^53: the number identifies the 8 bytes exactly.
    if (hi < -0x200000 || hi >= 0x200000) return fixedKeyString(p, pos + 1);
    const n = hi * 0x1_0000_0000 + lo;
    let ks = this.interned.get(n);
    if (ks === undefined) {
      ks = fixedKeyString(p, pos + 1);
      this.interned.set(n, ks);
    }
    return ks;
  }

  private bind(plan: LazyPlan): void {
    this.plan = plan;
    this.slot = -2;
    const slot = plan.slots.get(this.name);
    const t = this.keyType;
    if (slot === undefined) return;
    if (slot === -1) {
      if (t === plan.pkType) this.slot = -1;
      return;
    }
    const ft = plan.body[slot];
    if (ft === t && (t === 'int64' || t === 'uint64' || t === 'timestamp' || t === 'string')) this.slot = slot;
  }
}

/** The value of an index bucket from its key string (bucket creation only). */
export function valueOfKeyString(t: ScalarType, ks: string): ScalarValue {
  return scalarFromCanonicalKey(t, keyFromString(ks));
}

/**
 * Encoded rows point into the file image they were loaded from, which keeps the whole
 * image alive. When the live payloads are a small part of it (under a quarter: a log full
 * of overwritten or deleted rows), they are copied into one buffer of their own so the
 * image can be freed. A log of inserts only (record + index segment per row) stays put:
 * copying would cost more than the at most 4× the payload bytes it could free.
 */
export function rehomeLazyRows(tables: Iterable<RowTable>, imageLength: number): void {
  if (imageLength <= 1 << 20) return;
  const lazy: LazyRow[] = [];
  let bytes = 0;
  for (const t of tables) {
    for (const r of t.values()) {
      if (r instanceof LazyRow) {
        lazy.push(r);
        bytes += r.length;
        // Enough of the image is live: keep it (the usual case stops here early).
        if (bytes * 4 + (1 << 20) > imageLength) return;
      }
    }
  }
  if (lazy.length === 0) return;
  const buf = new Uint8Array(bytes);
  let at = 0;
  for (const r of lazy) {
    const n = r.length;
    r.moveTo(buf, at);
    at += n;
  }
}
