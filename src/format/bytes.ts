/**
 * Little-endian cursors used by every codec. Reads are bounds-checked by subtraction
 * (`n > remaining`) before anything is allocated or sliced, and every shortfall raises
 * the error the calling codec chose, because the reference reports truncation with a
 * different variant per structure (FORMAT.md §16).
 */
import type { ModelVaultError } from '../errors.ts';

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

export function encodeUtf8(s: string): Uint8Array {
  return utf8Encoder.encode(s);
}

/** Strict UTF-8 decode; returns null on invalid sequences so callers pick their error. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    return null;
  }
}

/** Byte length of `s` in UTF-8 without allocating; one definition shared with the schema layer. */
export { utf8ByteLength as utf8Length } from '../schema/text.ts';

export class ByteReader {
  readonly buf: Uint8Array;
  pos: number;
  readonly end: number;
  private readonly view: DataView;
  private readonly eof: () => ModelVaultError;

  constructor(buf: Uint8Array, eof: () => ModelVaultError, start = 0, end = buf.length) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.eof = eof;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  need(n: number): void {
    if (n > this.end - this.pos) throw this.eof();
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  u64(): bigint {
    this.need(8);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  i64(): bigint {
    this.need(8);
    const v = this.view.getBigInt64(this.pos, true);
    this.pos += 8;
    return v;
  }

  f64(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** A view (no copy) of the next `n` bytes. */
  bytes(n: number): Uint8Array {
    this.need(n);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** The next `n` bytes as UTF-8; `invalid` is raised for bad sequences. */
  utf8(n: number, invalid: () => ModelVaultError): string {
    const s = decodeUtf8(this.bytes(n));
    if (s === null) throw invalid();
    return s;
  }
}

/** Hands out `length` fresh bytes (see `ByteWriter.finishInto`). */
export interface ByteStorage {
  alloc(length: number): Uint8Array;
}

export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  pos = 0;

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(initialCapacity);
    this.view = new DataView(this.buf.buffer);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v;
    return this;
  }

  u16(v: number): this {
    this.ensure(2);
    this.view.setUint16(this.pos, v, true);
    this.pos += 2;
    return this;
  }

  u32(v: number): this {
    this.ensure(4);
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
    return this;
  }

  u64(v: bigint): this {
    this.ensure(8);
    this.view.setBigUint64(this.pos, v, true);
    this.pos += 8;
    return this;
  }

  i64(v: bigint): this {
    this.ensure(8);
    this.view.setBigInt64(this.pos, v, true);
    this.pos += 8;
    return this;
  }

  f64(v: number): this {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /**
   * u32 UTF-8 byte length, then the bytes, encoded straight into the buffer (no temporary
   * array). Lone surrogates become U+FFFD, as with TextEncoder; 3 bytes per UTF-16 unit is
   * the worst case, so one `ensure` covers it.
   */
  utf8WithU32Length(s: string): this {
    const n = s.length;
    this.ensure(4 + n * 3);
    const buf = this.buf;
    const start = this.pos + 4;
    // Short ASCII strings are copied by hand: encodeInto's per-call cost dominates there.
    if (n <= 64) {
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[start + i] = c;
      }
      if (i === n) {
        this.view.setUint32(this.pos, n, true);
        this.pos = start + n;
        return this;
      }
    }
    const { written } = utf8Encoder.encodeInto(s, buf.subarray(start));
    this.view.setUint32(this.pos, written, true);
    this.pos += 4 + written;
    return this;
  }

  /** Overwrites a u32 written earlier (length prefixes filled in after the body). */
  patchU32(at: number, v: number): void {
    this.view.setUint32(at, v, true);
  }

  /** A copy of the written bytes, sized exactly. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  /** `finish()` into bytes the caller's allocator hands out (e.g. a shared chunk's slice). */
  finishInto(storage: ByteStorage): Uint8Array {
    const out = storage.alloc(this.pos);
    out.set(this.buf.subarray(0, this.pos));
    return out;
  }
}
