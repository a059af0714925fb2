/**
 * Segment framing (FORMAT.md §4): the 32-byte segment header codec and the two log scans.
 * The strict scan (§4.5) is what replay reads; the tolerant scan (§4.6) is what crash
 * recovery reads — it treats an incomplete trailing segment as a torn tail instead of an
 * error. Neither scan ever adds an untrusted u64 to an offset: payload lengths are compared
 * against the bytes that remain, so a hostile 2^64−1 is reported as past EOF.
 */
import { ModelVaultError, formatError, usageError } from '../errors.ts';
import { crc32c, crc32cUpdate } from '../wasm/crc32c.ts';
import {
  CHECKSUM_KIND_CRC32C,
  SEGMENT_HEADER_SIZE,
  SegmentType,
  U32_MAX,
  isSegmentType,
  scanChecksPayloadCrc,
} from './constants.ts';
import { hasMagic } from './header.ts';
import { requireUint } from './int-args.ts';

export interface SegmentHeader {
  type: SegmentType;
  payloadLen: bigint;
  payloadCrc: number;
}

/** ASCII `TSG0`. */
export const SEGMENT_MAGIC: readonly number[] = [0x54, 0x53, 0x47, 0x30];
const HEADER_CRC_AT = 28;

/** Anything with exact positional reads; a `Store` satisfies it. */
export interface ByteSource {
  length(): number;
  readAt(position: number, length: number): Uint8Array;
}

/** Payload at `offset + 32`; `end = offset + 32 + payloadLen` (the next segment's offset). */
export interface ScannedSegment {
  offset: number;
  type: SegmentType;
  payloadLen: number;
  payloadCrc: number;
  end: number;
}

export interface TolerantScan {
  segments: ScannedSegment[];
  /** Where the incomplete trailing segment begins when `torn`, else the file length. */
  stoppedAt: number;
  torn: boolean;
}

function truncatedHeader(got: number, extra: Record<string, unknown>): ModelVaultError {
  return formatError(
    'TruncatedSegmentHeader',
    `truncated segment header: got ${got} bytes, expected ${SEGMENT_HEADER_SIZE}`,
    { got, expected: SEGMENT_HEADER_SIZE, ...extra },
  );
}

/** §4.4 checks in order; `extra` is merged into every error's details (scans pass the offset). */
function parseHeader(bytes: Uint8Array, at: number, extra: Record<string, unknown>): SegmentHeader {
  const available = bytes.length - at;
  if (available < SEGMENT_HEADER_SIZE) throw truncatedHeader(Math.max(0, available), extra);
  if (!hasMagic(bytes, at, SEGMENT_MAGIC)) {
    const got = bytes.slice(at, at + 4);
    throw formatError('BadSegmentMagic', `bad segment magic bytes: expected "TSG0", got [${[...got].join(', ')}]`, {
      got,
      ...extra,
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, SEGMENT_HEADER_SIZE);
  const unsupported = (what: string, minor: number) =>
    formatError('UnsupportedVersion', `unsupported segment ${what} ${minor}`, { major: 0, minor, ...extra });
  const version = view.getUint16(4, true);
  if (version !== 0) throw unsupported('version', version);
  const type = view.getUint16(6, true);
  if (!isSegmentType(type)) throw unsupported('type', type);
  const headerLen = view.getUint32(8, true);
  if (headerLen !== SEGMENT_HEADER_SIZE) throw unsupported('header length', headerLen % 65536);
  const checksumKind = view.getUint8(24);
  if (checksumKind !== CHECKSUM_KIND_CRC32C) throw unsupported('checksum kind', checksumKind);
  if (crc32c(bytes.subarray(at, at + HEADER_CRC_AT)) !== view.getUint32(HEADER_CRC_AT, true)) {
    throw formatError('BadSegmentHeaderChecksum', 'segment header checksum mismatch', { ...extra });
  }
  return { type, payloadLen: view.getBigUint64(12, true), payloadCrc: view.getUint32(20, true) };
}

/** Decodes the 32 header bytes at `at` (§4.4). `payloadLen` is not checked here. */
export function decodeSegmentHeader(bytes: Uint8Array, at = 0): SegmentHeader {
  requireUint('at', at, Number.MAX_SAFE_INTEGER);
  return parseHeader(bytes, at, {});
}

/** Writes a complete 32-byte header (header CRC computed) at `target[at..at+32)`. */
export function writeSegmentHeader(
  target: Uint8Array,
  at: number,
  type: SegmentType,
  payloadLen: number,
  payloadCrc: number,
): void {
  requireUint('at', at, Number.MAX_SAFE_INTEGER);
  if (SEGMENT_HEADER_SIZE > target.length - at) {
    // A caller bug, not a file problem.
    throw usageError('InvalidArgument', 'segment header does not fit in the target buffer', {
      name: 'target',
      value: { length: target.length, at },
    });
  }
  if (!isSegmentType(type)) {
    throw usageError('InvalidArgument', `unknown segment type ${String(type)}`, { name: 'type', value: type });
  }
  requireUint('payloadLen', payloadLen, Number.MAX_SAFE_INTEGER);
  requireUint('payloadCrc', payloadCrc, U32_MAX);
  const view = new DataView(target.buffer, target.byteOffset + at, SEGMENT_HEADER_SIZE);
  target.set(SEGMENT_MAGIC, at);
  view.setUint16(4, 0, true);
  view.setUint16(6, type, true);
  view.setUint32(8, SEGMENT_HEADER_SIZE, true);
  view.setBigUint64(12, BigInt(payloadLen), true);
  view.setUint32(20, payloadCrc, true);
  // checksum_kind (+24) and reserved (+25..+27) are zero; they are covered by the header CRC.
  view.setUint32(24, 0, true);
  view.setUint32(HEADER_CRC_AT, crc32c(target.subarray(at, at + HEADER_CRC_AT)), true);
}

export function encodeSegmentHeader(type: SegmentType, payloadLen: number, payloadCrc: number): Uint8Array {
  const out = new Uint8Array(SEGMENT_HEADER_SIZE);
  writeSegmentHeader(out, 0, type, payloadLen, payloadCrc);
  return out;
}

/** Header + payload in one buffer, ready to append (§4.3). */
export function encodeSegment(type: SegmentType, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(SEGMENT_HEADER_SIZE + payload.length);
  writeSegmentHeader(out, 0, type, payload.length, crc32c(payload));
  out.set(payload, SEGMENT_HEADER_SIZE);
  return out;
}

/** Log segments are small; reading a window at a time turns many tiny reads into few large ones. */
const WINDOW_SIZE = 64 * 1024;
/** Payloads larger than a window are checksummed in chunks of this size, never read whole. */
const CRC_CHUNK_SIZE = 1024 * 1024;

/**
 * Serves small reads from one window of the source. Only the bytes of the most recent
 * `readAt` are ever used, so a source that reuses its read buffer stays correct.
 */
class WindowedReader {
  private window: Uint8Array = new Uint8Array(0);
  private windowStart = 0;

  constructor(
    private readonly src: ByteSource,
    private readonly fileLength: number,
  ) {}

  /** `length` bytes at `position`; the caller guarantees they lie within the file. */
  read(position: number, length: number): Uint8Array {
    const rel = position - this.windowStart;
    if (rel >= 0 && length <= this.window.length - rel) return this.window.subarray(rel, rel + length);
    if (length > WINDOW_SIZE) {
      this.window = new Uint8Array(0);
      return this.src.readAt(position, length);
    }
    const size = Math.min(WINDOW_SIZE, this.fileLength - position);
    this.window = this.src.readAt(position, size);
    this.windowStart = position;
    return this.window.subarray(0, length);
  }

  crc(position: number, length: number): number {
    if (length <= WINDOW_SIZE) return crc32c(this.read(position, length));
    let crc = 0;
    for (let done = 0; done < length; ) {
      const n = Math.min(CRC_CHUNK_SIZE, length - done);
      crc = crc32cUpdate(crc, this.read(position + done, n));
      done += n;
    }
    return crc;
  }
}

type StepResult = { kind: 'segment'; segment: ScannedSegment } | { kind: 'torn'; part: 'header' | 'payload' };

/**
 * One step of either scan at `offset` (< L). Torn conditions (short header, payload past
 * EOF) are returned rather than thrown so each scan applies its own policy.
 */
function step(reader: WindowedReader, L: number, offset: number): StepResult {
  if (L - offset < SEGMENT_HEADER_SIZE) return TORN_HEADER;
  const b = reader.read(offset, SEGMENT_HEADER_SIZE);
  // Scans parse hundreds of thousands of headers: a valid one is recognised without the
  // allocations of parseHeader (views, bigints, error details); anything else goes through
  // parseHeader, which throws the precise §4.4 error.
  let type: number;
  let payloadCrc: number;
  let lenLo: number;
  let lenHi: number;
  if (headerIsValid(b)) {
    type = b[6]! | (b[7]! << 8);
    lenLo = u32At(b, 12);
    lenHi = u32At(b, 16);
    payloadCrc = u32At(b, 20);
  } else {
    const header = parseHeader(b, 0, { offset });
    type = header.type;
    payloadCrc = header.payloadCrc;
    lenLo = Number(header.payloadLen & 0xffff_ffffn);
    lenHi = Number(header.payloadLen >> 32n);
  }
  const remaining = L - offset - SEGMENT_HEADER_SIZE;
  // remaining < 2^53, so a length with hi ≥ 2^21 exceeds it; below that the sum is exact.
  if (lenHi >= 0x20_0000 || lenHi * 0x1_0000_0000 + lenLo > remaining) return TORN_PAYLOAD;
  const payloadLen = lenHi * 0x1_0000_0000 + lenLo;
  const payloadAt = offset + SEGMENT_HEADER_SIZE;
  if (scanChecksPayloadCrc(type) && reader.crc(payloadAt, payloadLen) !== payloadCrc) {
    throw formatError('BadSegmentPayloadChecksum', `segment payload checksum mismatch at offset ${offset}`, { offset });
  }
  return {
    kind: 'segment',
    segment: { offset, type: type as SegmentType, payloadLen, payloadCrc, end: payloadAt + payloadLen },
  };
}

const TORN_HEADER: StepResult = { kind: 'torn', part: 'header' };
const TORN_PAYLOAD: StepResult = { kind: 'torn', part: 'payload' };

function u32At(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

/** Exactly the checks of parseHeader, true iff it would return (b holds ≥ 32 bytes). */
function headerIsValid(b: Uint8Array): boolean {
  if (b.length < SEGMENT_HEADER_SIZE) return false;
  if (b[0] !== SEGMENT_MAGIC[0] || b[1] !== SEGMENT_MAGIC[1] || b[2] !== SEGMENT_MAGIC[2] || b[3] !== SEGMENT_MAGIC[3]) return false;
  if ((b[4]! | (b[5]! << 8)) !== 0) return false;
  if (!isSegmentType(b[6]! | (b[7]! << 8))) return false;
  if (u32At(b, 8) !== SEGMENT_HEADER_SIZE) return false;
  if (b[24] !== CHECKSUM_KIND_CRC32C) return false;
  return crc32c(b.subarray(0, HEADER_CRC_AT)) === u32At(b, HEADER_CRC_AT);
}

function checkStart(start: number): void {
  requireUint('start', start, Number.MAX_SAFE_INTEGER);
}

/** §4.5: every segment from `start` to EOF, or the first framing/CRC error (with `details.offset`). */
export function scanStrict(src: ByteSource, start: number): ScannedSegment[] {
  checkStart(start);
  const L = src.length();
  const reader = new WindowedReader(src, L);
  const out: ScannedSegment[] = [];
  let offset = start;
  while (offset < L) {
    const r = step(reader, L, offset);
    if (r.kind === 'torn') {
      if (r.part === 'header') throw truncatedHeader(L - offset, { offset });
      throw formatError('SegmentPayloadPastEof', `segment payload extends past end of file at offset ${offset}`, {
        offset,
      });
    }
    out.push(r.segment);
    offset = r.segment.end;
  }
  return out;
}

/**
 * §4.6: like the strict scan, but a trailing segment whose header or payload is cut off by
 * EOF ends the scan without error. Everything else (bad magic, bad CRC, …) still throws.
 */
export function scanTolerant(src: ByteSource, start: number): TolerantScan {
  checkStart(start);
  const L = src.length();
  const reader = new WindowedReader(src, L);
  const segments: ScannedSegment[] = [];
  let offset = start;
  while (offset < L) {
    const r = step(reader, L, offset);
    if (r.kind === 'torn') return { segments, stoppedAt: offset, torn: true };
    segments.push(r.segment);
    offset = r.segment.end;
  }
  return { segments, stoppedAt: L, torn: false };
}
