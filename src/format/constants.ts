/**
 * Fixed sizes and offsets of the file layout (FORMAT.md §1) and the segment type codes
 * (§4.2). Shared by every framing codec and by the engine.
 */

export const HEADER_SIZE = 32;
export const SUPERBLOCK_SIZE = 4096;
export const SUPERBLOCK_A_OFFSET = 32;
export const SUPERBLOCK_B_OFFSET = 4128;
/** 32 + 2 × 4096; independent of the header's header_size field (§1). */
export const SEGMENT_START = 8224;
export const SEGMENT_HEADER_SIZE = 32;
/** Minor written into the header of every newly created file (§2.2). */
export const NEW_FILE_MINOR = 6;
export const MANIFEST_PAYLOAD_SIZE = 18;
/** A Manifest segment is header + payload; the manifest's last_segment_len (§5.1). */
export const MANIFEST_SEGMENT_SIZE = SEGMENT_HEADER_SIZE + MANIFEST_PAYLOAD_SIZE;
export const TXN_MARKER_SIZE = 24;

/** The only checksum kind defined (§15). */
export const CHECKSUM_KIND_CRC32C = 0;

export const U8_MAX = 0xff;
export const U16_MAX = 0xffff;
export const U32_MAX = 0xffff_ffff;
export const U64_MAX = 0xffff_ffff_ffff_ffffn;

export enum SegmentType {
  Schema = 1,
  Record = 2,
  Manifest = 3,
  Checkpoint = 4,
  Index = 5,
  TxnBegin = 6,
  TxnCommit = 7,
  TxnAbort = 8,
  Temp = 9,
}

const SEGMENT_TYPE_NAMES: readonly string[] = [
  '',
  'Schema',
  'Record',
  'Manifest',
  'Checkpoint',
  'Index',
  'TxnBegin',
  'TxnCommit',
  'TxnAbort',
  'Temp',
];

export function isSegmentType(code: number): code is SegmentType {
  return Number.isInteger(code) && code >= 1 && code <= 9;
}

/** The reference's name for a type code (as in the golden layouts); unknown codes as `Unknown(n)`. */
export function segmentTypeName(t: number): string {
  return isSegmentType(t) ? SEGMENT_TYPE_NAMES[t]! : `Unknown(${t})`;
}

/** Checkpoint and Temp payload CRCs are not verified by scans (§4.2, §4.5). */
export function scanChecksPayloadCrc(t: SegmentType): boolean {
  return t !== SegmentType.Checkpoint && t !== SegmentType.Temp;
}
