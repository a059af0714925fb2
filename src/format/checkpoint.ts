/**
 * The Checkpoint payload envelope, version 0 (FORMAT.md §11.1): the replay start offset and
 * length-prefixed catalog payloads, record payloads and one index payload. Only the
 * envelope lives here; the embedded payloads are decoded by their own codecs.
 */
import { formatError } from '../errors.ts';
import { ByteReader, ByteWriter } from './bytes.ts';
import { U32_MAX } from './constants.ts';
import { requireU64, requireUint } from './int-args.ts';

export interface CheckpointPayload {
  replayFromOffset: bigint;
  /** Views into the decoded payload, not copies. */
  catalog: Uint8Array[];
  records: Uint8Array[];
  indexBlob: Uint8Array;
}

const unexpectedEof = () =>
  formatError('InvalidCatalogPayload', 'invalid catalog payload: unexpected eof', { message: 'unexpected eof' });

/** Each list entry carries a u32 length prefix, so a count cannot exceed remaining/4. */
const ENTRY_PREFIX_SIZE = 4;

function readEntries(r: ByteReader): Uint8Array[] {
  const count = r.u32();
  // Refuse an impossible count up front rather than iterating towards EOF.
  if (count > Math.floor(r.remaining / ENTRY_PREFIX_SIZE)) throw unexpectedEof();
  const out = new Array<Uint8Array>(count);
  for (let i = 0; i < count; i++) out[i] = r.bytes(r.u32());
  return out;
}

/** `decodeCheckpoint` with the records as [start, end) offsets into `payload`, not views. */
export interface CheckpointSpans extends Omit<CheckpointPayload, 'records'> {
  /** Record i spans `payload[spans[2i], spans[2i+1])`. */
  recordSpans: Float64Array;
}

export function decodeCheckpointSpans(payload: Uint8Array): CheckpointSpans {
  return decodeEnvelope(payload, (r) => {
    const count = r.u32();
    if (count > Math.floor(r.remaining / ENTRY_PREFIX_SIZE)) throw unexpectedEof();
    const spans = new Float64Array(count * 2);
    for (let i = 0; i < count; i++) {
      const len = r.u32();
      r.need(len);
      spans[2 * i] = r.pos;
      spans[2 * i + 1] = r.pos + len;
      r.pos += len;
    }
    return spans;
  });
}

export function decodeCheckpoint(payload: Uint8Array): CheckpointPayload {
  const { recordSpans, ...rest } = decodeEnvelope(payload, readEntries);
  return { ...rest, records: recordSpans };
}

function decodeEnvelope<T>(payload: Uint8Array, readRecords: (r: ByteReader) => T): Omit<CheckpointPayload, 'records'> & { recordSpans: T } {
  const r = new ByteReader(payload, unexpectedEof);
  const version = r.u16();
  if (version !== 0) {
    throw formatError('UnsupportedVersion', `unsupported checkpoint version ${version}`, { major: 0, minor: version });
  }
  const replayFromOffset = r.u64();
  const catalog = readEntries(r);
  const recordSpans = readRecords(r);
  const indexBlob = r.bytes(r.u32());
  if (r.remaining !== 0) {
    throw formatError('InvalidCatalogPayload', 'invalid catalog payload: trailing bytes in checkpoint payload', {
      message: 'trailing bytes in checkpoint payload',
    });
  }
  return { replayFromOffset, catalog, recordSpans, indexBlob };
}

/** Exact byte length of the encoded envelope (lets a writer compute replay_from_offset first, §11.3). */
export function checkpointEnvelopeLength(p: Omit<CheckpointPayload, 'replayFromOffset'>): number {
  let n = 2 + 8 + 4 + 4 + 4 + p.indexBlob.length;
  for (const c of p.catalog) n += 4 + c.length;
  for (const rec of p.records) n += 4 + rec.length;
  return n;
}

/**
 * Plain TypeScript encoder (tests and small checkpoints); the WebAssembly encoder is meant
 * for the hot path.
 */
export function encodeCheckpointEnvelope(p: CheckpointPayload): Uint8Array {
  requireU64('replayFromOffset', p.replayFromOffset);
  requireUint('catalog count', p.catalog.length, U32_MAX);
  requireUint('record count', p.records.length, U32_MAX);
  requireUint('index blob length', p.indexBlob.length, U32_MAX);
  const w = new ByteWriter(checkpointEnvelopeLength(p));
  w.u16(0).u64(p.replayFromOffset);
  for (const list of [p.catalog, p.records]) {
    w.u32(list.length);
    for (const entry of list) {
      requireUint('entry length', entry.length, U32_MAX);
      w.u32(entry.length).bytes(entry);
    }
  }
  w.u32(p.indexBlob.length).bytes(p.indexBlob);
  return w.finish();
}
