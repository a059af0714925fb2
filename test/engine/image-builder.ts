/** Builds database images segment by segment with the format codecs (test fixtures). */
import { initializeImage } from '../../src/engine/create.ts';
import { publish } from '../../src/engine/publish.ts';
import { encodeCatalogRecord } from '../../src/format/catalog.ts';
import type { CatalogRecord } from '../../src/format/catalog.ts';
import { SegmentType } from '../../src/format/constants.ts';
import { encodeHeader } from '../../src/format/header.ts';
import { encodeRecord } from '../../src/format/record.ts';
import type { RecordLayout } from '../../src/format/record.ts';
import { encodeSegment } from '../../src/format/segment.ts';
import { encodeTxnMarker } from '../../src/format/txn-marker.ts';
import type { FieldDef, IndexDef } from '../../src/schema/types.ts';
import type { Row, ScalarValue } from '../../src/schema/values.ts';
import { MemoryStore } from '../../src/storage/memory-store.ts';

export type Seg = [SegmentType, Uint8Array];

export class ImageBuilder {
  readonly store = new MemoryStore();
  private txn = 0n;

  constructor(minor = 6) {
    initializeImage(this.store, 6);
    if (minor !== 6) this.store.writeAt(0, encodeHeader({ major: 0, minor, headerSize: 32, flags: 0n }));
  }

  get length(): number {
    return this.store.length();
  }

  /** Appends raw segments; returns the offset of the first one. */
  append(...segs: Seg[]): number {
    const at = this.store.length();
    let pos = at;
    for (const [t, p] of segs) {
      const s = encodeSegment(t, p);
      this.store.writeAt(pos, s);
      pos += s.length;
    }
    return at;
  }

  appendBytes(bytes: Uint8Array): void {
    this.store.writeAt(this.store.length(), bytes);
  }

  begin(id?: bigint): Seg {
    if (id === undefined) id = ++this.txn;
    return [SegmentType.TxnBegin, encodeTxnMarker(id)];
  }

  commit(id: bigint = this.txn): Seg {
    return [SegmentType.TxnCommit, encodeTxnMarker(id)];
  }

  /** One committed group followed by a publish, like an autocommit write. */
  group(...body: Seg[]): number {
    const at = this.append(this.begin(), ...body, this.commit());
    publish(this.store);
    return at;
  }

  publish(): void {
    publish(this.store);
  }

  bytes(): Uint8Array {
    return this.store.bytes();
  }
}

export const FIELDS: FieldDef[] = [
  { path: ['id'], type: 'int64', constraints: [] },
  { path: ['name'], type: 'string', constraints: [] },
];

export function createSeg(
  id: number,
  name: string,
  fields: FieldDef[] = FIELDS,
  indexes: IndexDef[] = [],
  primaryField: string | null = 'id',
): Seg {
  const rec: CatalogRecord = { kind: 'create', catalogVersion: 4, collectionId: id, name, schemaVersion: 1, fields, indexes, primaryField };
  return [SegmentType.Schema, encodeCatalogRecord(rec)];
}

export function versionSeg(id: number, version: number, fields: FieldDef[], indexes: IndexDef[] = []): Seg {
  const rec: CatalogRecord = { kind: 'new_version', catalogVersion: 4, collectionId: id, schemaVersion: version, fields, indexes };
  return [SegmentType.Schema, encodeCatalogRecord(rec)];
}

export function recordSeg(
  collectionId: number,
  pk: ScalarValue,
  row: Row | null,
  opts: { fields?: FieldDef[]; version?: number; op?: 1 | 2 | 3 } = {},
): Seg {
  const layout: RecordLayout = { collectionId, primaryField: 'id', pkType: 'int64', fields: opts.fields ?? FIELDS };
  return [SegmentType.Record, encodeRecord(layout, opts.op ?? 1, opts.version ?? 1, pk, row)];
}

import { checkpointEnvelopeLength, encodeCheckpointEnvelope } from '../../src/format/checkpoint.ts';
import { encodeIndexPayload } from '../../src/format/index-payload.ts';

/**
 * Appends a Checkpoint segment holding `catalog`/`records` payloads and publishes it.
 * `replayFrom` overrides replay_from_offset (default: the end of the segment).
 */
export function appendCheckpoint(
  b: ImageBuilder,
  catalog: Uint8Array[],
  records: Uint8Array[],
  opts: { replayFrom?: number; corrupt?: boolean; pointerDelta?: number } = {},
): { offset: number; len: number } {
  const indexBlob = encodeIndexPayload([]);
  const len = checkpointEnvelopeLength({ catalog, records, indexBlob });
  const offset = b.length;
  const replayFromOffset = BigInt(opts.replayFrom ?? offset + 32 + len);
  const payload = encodeCheckpointEnvelope({ replayFromOffset, catalog, records, indexBlob });
  const seg = encodeSegment(SegmentType.Checkpoint, payload);
  if (opts.corrupt) seg[32 + Math.floor(len / 2)]! ^= 0xff;
  b.appendBytes(seg);
  publish(b.store, { offset: offset + (opts.pointerDelta ?? 0), len });
  return { offset, len };
}
