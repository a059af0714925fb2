/**
 * Index payloads (FORMAT.md §9): a batch of secondary-index deltas.
 *
 *   u16 version (1|2) | u32 count | count × { u32 cid, u8 kind, [u8 op: v2], u32+name, u32+key, u32+pk }
 *
 * Errors reuse `Format.InvalidCatalogPayload` as the reference does; an unknown version is
 * `Format.UnsupportedVersion{major: 0, minor: version}`.
 */
import { formatError, type ModelVaultError } from '../errors.ts';
import { ByteReader, ByteWriter, decodeUtf8, encodeUtf8 } from './bytes.ts';
import { catalogError } from './catalog.ts';
import { isWellFormedString } from './scalar.ts';

export const INDEX_PAYLOAD_VERSION = 2;

export interface IndexEntry {
  collectionId: number;
  kind: 'unique' | 'non_unique';
  op: 'insert' | 'delete';
  name: string;
  /** Canonical key bytes of the indexed value; a view into the decoded payload. */
  key: Uint8Array;
  /** Canonical key bytes of the row's primary key; a view into the decoded payload. */
  pk: Uint8Array;
}

const unexpectedEof = (): ModelVaultError => catalogError('unexpected eof');
const invalidName = (): ModelVaultError => catalogError('invalid utf-8 in index name');

export function decodeIndexPayload(payload: Uint8Array): IndexEntry[] {
  const r = new ByteReader(payload, unexpectedEof);
  const version = r.u16();
  if (version !== 1 && version !== 2) {
    throw formatError('UnsupportedVersion', `unsupported index payload version ${version}`, { major: 0, minor: version });
  }
  // Each entry consumes at least 18 bytes, so the loop is bounded by the payload.
  const count = r.u32();
  const out: IndexEntry[] = [];
  for (let i = 0; i < count; i++) {
    const collectionId = r.u32();
    const kindByte = r.u8();
    if (kindByte !== 1 && kindByte !== 2) throw catalogError(`unknown index kind tag ${kindByte}`, { got: kindByte });
    let op: 'insert' | 'delete' = 'insert';
    if (version === 2) {
      const opByte = r.u8();
      if (opByte !== 1 && opByte !== 2) throw catalogError(`unknown index op tag ${opByte}`, { got: opByte });
      op = opByte === 1 ? 'insert' : 'delete';
    }
    const nameLen = r.u32();
    if (nameLen === 0) throw catalogError('empty index name');
    const name = r.utf8(nameLen, invalidName);
    const key = r.bytes(r.u32());
    const pk = r.bytes(r.u32());
    out.push({ collectionId, kind: kindByte === 1 ? 'unique' : 'non_unique', op, name, key, pk });
  }
  if (r.remaining !== 0) throw catalogError('trailing bytes in index payload');
  return out;
}

/** Always version 2; refuses entries the decoder would reject. */
export function encodeIndexPayload(entries: readonly IndexEntry[]): Uint8Array {
  const w = new ByteWriter(16 + entries.length * 48);
  writeIndexPayload(w, entries);
  return w.finish();
}

/**
 * `encodeIndexPayload` appending to an existing writer. On error the writer may hold a
 * partial payload; callers rewind `w.pos` to where they started.
 */
export function writeIndexPayload(w: ByteWriter, entries: readonly IndexEntry[]): void {
  w.u16(INDEX_PAYLOAD_VERSION).u32(entries.length);
  // Names repeat across entries (one index, many rows); encode each distinct name once.
  const names = new Map<string, Uint8Array>();
  for (const e of entries) {
    if (!Number.isInteger(e.collectionId) || e.collectionId < 0 || e.collectionId > 0xffffffff) {
      throw catalogError(`collection id out of u32 range: ${e.collectionId}`);
    }
    if (e.kind !== 'unique' && e.kind !== 'non_unique') throw catalogError(`unknown index kind ${String(e.kind)}`);
    if (e.op !== 'insert' && e.op !== 'delete') throw catalogError(`unknown index op ${String(e.op)}`);
    let name = names.get(e.name);
    if (name === undefined) {
      if (typeof e.name !== 'string' || !isWellFormedString(e.name)) throw catalogError('invalid utf-8 in index name');
      name = encodeUtf8(e.name);
      names.set(e.name, name);
    }
    if (name.length === 0) throw catalogError('empty index name');
    w.u32(e.collectionId)
      .u8(e.kind === 'unique' ? 1 : 2)
      .u8(e.op === 'insert' ? 1 : 2)
      .u32(name.length)
      .bytes(name)
      .u32(e.key.length)
      .bytes(e.key)
      .u32(e.pk.length)
      .bytes(e.pk);
  }
}

/**
 * Checks `payload` exactly as `decodeIndexPayload` would, without building entries: bounds
 * and tags are walked in place and an index name is UTF-8-checked only when it differs from
 * the previous entry's (names repeat across a whole index). Anything wrong is re-decoded by
 * `decodeIndexPayload`, which throws the precise error. Returns the entry count.
 */
export function validateIndexPayload(payload: Uint8Array): number {
  const n = payload.length;
  const dv = new DataView(payload.buffer, payload.byteOffset, n);
  const bad = (): never => {
    decodeIndexPayload(payload);
    throw catalogError('invalid index payload');
  };
  if (n < 6) return bad();
  const version = dv.getUint16(0, true);
  if (version !== 1 && version !== 2) return bad();
  const count = dv.getUint32(2, true);
  let at = 6;
  let lastName = -1;
  let lastLen = 0;
  for (let i = 0; i < count; i++) {
    if (n - at < 5) return bad();
    const kind = payload[at + 4]!;
    if (kind !== 1 && kind !== 2) return bad();
    at += 5;
    if (version === 2) {
      if (n - at < 1) return bad();
      const op = payload[at]!;
      if (op !== 1 && op !== 2) return bad();
      at += 1;
    }
    if (n - at < 4) return bad();
    const nameLen = dv.getUint32(at, true);
    at += 4;
    if (nameLen === 0 || nameLen > n - at) return bad();
    let same = nameLen === lastLen && lastName >= 0;
    for (let k = 0; same && k < nameLen; k++) same = payload[at + k] === payload[lastName + k];
    if (!same) {
      if (decodeUtf8(payload.subarray(at, at + nameLen)) === null) return bad();
      lastName = at;
      lastLen = nameLen;
    }
    at += nameLen;
    for (let part = 0; part < 2; part++) {
      if (n - at < 4) return bad();
      const len = dv.getUint32(at, true);
      at += 4;
      if (len > n - at) return bad();
      at += len;
    }
  }
  if (at !== n) return bad();
  return count;
}
