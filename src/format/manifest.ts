/**
 * The 18-byte Manifest payload (FORMAT.md §5): a self-pointer written by every publish and
 * validated only at open. Despite its field names it points at its own segment.
 */
import { formatError } from '../errors.ts';
import { MANIFEST_PAYLOAD_SIZE, MANIFEST_SEGMENT_SIZE } from './constants.ts';
import { requireUint } from './int-args.ts';

export interface ManifestPayload {
  version: number;
  lastSegmentOffset: bigint;
  lastSegmentLen: bigint;
}

/** Payload of the Manifest segment whose header is at `selfOffset`. */
export function encodeManifest(selfOffset: number): Uint8Array {
  requireUint('selfOffset', selfOffset, Number.MAX_SAFE_INTEGER);
  const out = new Uint8Array(MANIFEST_PAYLOAD_SIZE);
  const view = new DataView(out.buffer);
  view.setUint16(0, 0, true);
  view.setBigUint64(2, BigInt(selfOffset), true);
  view.setBigUint64(10, BigInt(MANIFEST_SEGMENT_SIZE), true);
  return out;
}

/** §5.3 step 4: bytes beyond the first 18 are ignored; the offsets are not compared with anything. */
export function decodeManifest(payload: Uint8Array): ManifestPayload {
  if (payload.length < MANIFEST_PAYLOAD_SIZE) {
    throw formatError('TruncatedHeader', `truncated header: got ${payload.length} bytes, expected ${MANIFEST_PAYLOAD_SIZE}`, {
      got: payload.length,
      expected: MANIFEST_PAYLOAD_SIZE,
    });
  }
  const view = new DataView(payload.buffer, payload.byteOffset, MANIFEST_PAYLOAD_SIZE);
  const version = view.getUint16(0, true);
  if (version !== 0) {
    throw formatError('UnsupportedVersion', `unsupported manifest version ${version}`, { major: 0, minor: version });
  }
  return { version, lastSegmentOffset: view.getBigUint64(2, true), lastSegmentLen: view.getBigUint64(10, true) };
}
