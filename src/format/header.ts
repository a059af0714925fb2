/**
 * The 32-byte file header (FORMAT.md §2). It has no checksum; `header_size` and `flags`
 * are read but never validated, and are preserved when the minor is rewritten (§2.3).
 */
import { formatError } from '../errors.ts';
import { HEADER_SIZE, U16_MAX, U32_MAX } from './constants.ts';
import { requireU64, requireUint } from './int-args.ts';

export interface FileHeader {
  major: number;
  minor: number;
  headerSize: number;
  flags: bigint;
}

/** ASCII `TDB0`. */
export const HEADER_MAGIC: readonly number[] = [0x54, 0x44, 0x42, 0x30];
export const MIN_SUPPORTED_MINOR = 2;
export const MAX_SUPPORTED_MINOR = 6;

export function hasMagic(bytes: Uint8Array, at: number, magic: readonly number[]): boolean {
  return bytes[at] === magic[0] && bytes[at + 1] === magic[1] && bytes[at + 2] === magic[2] && bytes[at + 3] === magic[3];
}

export function decodeHeader(bytes: Uint8Array): FileHeader {
  if (bytes.length < HEADER_SIZE) {
    throw formatError('TruncatedHeader', `truncated header: got ${bytes.length} bytes, expected ${HEADER_SIZE}`, {
      got: bytes.length,
      expected: HEADER_SIZE,
    });
  }
  if (!hasMagic(bytes, 0, HEADER_MAGIC)) {
    const got = bytes.slice(0, 4);
    throw formatError('BadMagic', `bad magic bytes: expected "TDB0", got [${[...got].join(', ')}]`, { got });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_SIZE);
  const major = view.getUint16(4, true);
  const minor = view.getUint16(6, true);
  if (major !== 0 || minor < MIN_SUPPORTED_MINOR || minor > MAX_SUPPORTED_MINOR) {
    throw formatError('UnsupportedVersion', `unsupported format version ${major}.${minor}`, { major, minor });
  }
  return { major, minor, headerSize: view.getUint32(8, true), flags: view.getBigUint64(12, true) };
}

export function encodeHeader(h: FileHeader): Uint8Array {
  const out = new Uint8Array(HEADER_SIZE);
  const view = new DataView(out.buffer);
  out.set(HEADER_MAGIC, 0);
  view.setUint16(4, requireUint('major', h.major, U16_MAX), true);
  view.setUint16(6, requireUint('minor', h.minor, U16_MAX), true);
  view.setUint32(8, requireUint('headerSize', h.headerSize, U32_MAX), true);
  view.setBigUint64(12, requireU64('flags', h.flags), true);
  return out;
}
