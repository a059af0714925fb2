/**
 * Loading the checkpoint the selected superblock points to (FORMAT.md §11.4), with two
 * differences from the reference:
 *
 * - §16 hardening: a pointer that is not the offset of a segment found by the recovery scan
 *   means "no checkpoint", and `replay_from_offset` must be a segment boundary (or the end
 *   of the log) — otherwise the checkpoint is treated as invalid.
 * - A checkpoint holding record payload v1/v2 rows for a collection whose current schema has
 *   multi-segment fields cannot represent those rows (the reference's checkpoint writer drops
 *   the nested values, golden `multiseg_checkpoint`); such a checkpoint is reported as
 *   `unusable` and the caller replays the whole log instead.
 */
import { formatError, ModelVaultError, schemaError } from '../errors.ts';
import { decodeCatalogRecord } from '../format/catalog.ts';
import { decodeCheckpointSpans } from '../format/checkpoint.ts';
import { canonicalKey } from '../format/canonical-key.ts';
import { SEGMENT_START, SegmentType } from '../format/constants.ts';
import { validateIndexPayload } from '../format/index-payload.ts';
import { decodeRecord, OP_DELETE, truncatedRecord } from '../format/record.ts';
import type { RecordLayout } from '../format/record.ts';
import type { ScannedSegment } from '../format/segment.ts';
import type { Superblock } from '../format/superblock.ts';
import { findTopLevelField, hasMultiSegmentFields } from '../schema/field-paths.ts';
import type { ScalarType } from '../schema/types.ts';
import { crc32c } from '../wasm/crc32c.ts';
import { Catalog, primaryNotFound } from './catalog.ts';
import type { CollectionState } from './catalog.ts';
import { payloadOf } from './recovery.ts';
import type { LoadState } from './replay.ts';
import { comparePks, hintFieldOf, lazyPlan, lazyRowAt, walkLazyRecord } from './lazy-rows.ts';
import { CheckpointTable } from './row-table.ts';
import type { LazyPlan } from './lazy-rows.ts';
import { keyString, RowStore } from './row-store.ts';
import type { StoredRow } from './row-store.ts';

export type CheckpointOutcome =
  | { kind: 'none' }
  | { kind: 'loaded'; state: LoadState; replayFrom: number; segment: ScannedSegment }
  | { kind: 'unusable'; reason: string; segment: ScannedSegment }
  | { kind: 'error'; error: ModelVaultError; segment: ScannedSegment };

class Unusable extends Error {}

/**
 * `segments` are the complete segments of the kept log (after recovery), `logEnd` its end.
 * Errors of §11.4 steps 3–8 are returned, not thrown, so the caller applies its recovery mode.
 */
export function loadCheckpoint(
  image: Uint8Array,
  sb: Superblock,
  segments: readonly ScannedSegment[],
  logEnd: number,
): CheckpointOutcome {
  if (sb.checkpointOffset === 0n || sb.checkpointLen === 0) return { kind: 'none' };
  if (sb.checkpointOffset < BigInt(SEGMENT_START) || sb.checkpointOffset >= BigInt(logEnd)) return { kind: 'none' };
  const offset = Number(sb.checkpointOffset);
  const segment = findSegment(segments, offset);
  if (segment === undefined || segment.type !== SegmentType.Checkpoint) return { kind: 'none' };
  try {
    const payload = payloadOf(image, segment);
    if (crc32c(payload) !== segment.payloadCrc) {
      throw formatError('BadSegmentPayloadChecksum', `checkpoint payload checksum mismatch at offset ${offset}`, {
        offset,
      });
    }
    const cp = decodeCheckpointSpans(payload);
    const replayFrom = cp.replayFromOffset;
    const inTail = replayFrom >= BigInt(SEGMENT_START) && replayFrom < BigInt(logEnd);
    if (inTail && findSegment(segments, Number(replayFrom)) === undefined) {
      throw formatError('InvalidCatalogPayload', 'checkpoint replay_from_offset is not a segment boundary', {
        message: 'replay_from_offset is not a segment boundary',
        offset,
        replayFromOffset: replayFrom,
      });
    }
    const state = buildState(cp.catalog, payload, cp.recordSpans, cp.indexBlob);
    return { kind: 'loaded', state, replayFrom: inTail ? Number(replayFrom) : logEnd, segment };
  } catch (e) {
    if (e instanceof Unusable) return { kind: 'unusable', reason: e.message, segment };
    if (e instanceof ModelVaultError) {
      const error =
        e.details.offset === undefined ? new ModelVaultError(e.code, e.message, { ...e.details, offset }, { cause: e }) : e;
      return { kind: 'error', error, segment };
    }
    throw e;
  }
}

/** Binary search: segments are in ascending offset order. */
export function findSegment(segments: readonly ScannedSegment[], offset: number): ScannedSegment | undefined {
  let lo = 0;
  let hi = segments.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const s = segments[mid]!;
    if (s.offset === offset) return s;
    if (s.offset < offset) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

interface LoadEntry {
  readonly c: CollectionState;
  readonly layout: RecordLayout;
  readonly pkType: ScalarType;
  readonly multi: boolean;
  readonly plan: LazyPlan;
  /**
   * (start, end, hint) of each record kept encoded, while the collection's records arrive
   * in strictly ascending key order (they become a CheckpointTable); null once they did
   * not, and the rows went into a plain Map.
   */
  spans: Float64Array | null;
  count: number;
}

/** Moves the spans gathered so far into row objects in a plain Map (the fallback). */
function toMap(rows: RowStore, buf: Uint8Array, entry: LoadEntry): void {
  const spans = entry.spans;
  if (spans === null) return;
  entry.spans = null;
  const table = rows.table(entry.c.id);
  for (let i = 0; i < entry.count; i++) {
    const r = lazyRowAt(buf, entry.plan, entry.c.schemaVersion, spans[i * 3]!, spans[i * 3 + 1]!, spans[i * 3 + 2]!);
    table.set(r.key, r);
  }
}

function buildState(catalogPayloads: Uint8Array[], buf: Uint8Array, spans: Float64Array, indexBlob: Uint8Array): LoadState {
  const catalog = new Catalog();
  for (const p of catalogPayloads) catalog.apply(decodeCatalogRecord(p));
  const rows = new RowStore();
  // Per-collection checks and layouts, computed once rather than per record.
  const layouts = new Map<number, LoadEntry>();
  let last: LoadEntry | undefined;
  for (let i = 0; i < spans.length; i += 2) {
    const start = spans[i]!;
    const end = spans[i + 1]!;
    if (end - start < 6) throw truncatedRecord();
    const cid = (buf[start + 2]! | (buf[start + 3]! << 8) | (buf[start + 4]! << 16) | (buf[start + 5]! << 24)) >>> 0;
    const version = buf[start]! | (buf[start + 1]! << 8);
    let entry = last !== undefined && last.c.id === cid ? last : layouts.get(cid);
    if (entry === undefined) {
      const c = catalog.get(cid);
      if (c === undefined) throw schemaError('UnknownCollection', `unknown collection id ${cid}`, { id: cid });
      if (c.primaryField === null) {
        throw schemaError('NoPrimaryKey', `collection ${c.id} has no primary key (upgrade catalog or re-register)`, {
          collection_id: c.id,
        });
      }
      const pkField = findTopLevelField(c.fields, c.primaryField);
      if (pkField === undefined) throw primaryNotFound(c.primaryField);
      const layout = { collectionId: c.id, primaryField: c.primaryField, pkType: pkField.type, fields: c.fields };
      const plan = lazyPlan(layout, hintFieldOf(c.indexes));
      entry = { c, layout, pkType: pkField.type as ScalarType, multi: hasMultiSegmentFields(c.fields), plan, spans: new Float64Array(3 * 1024), count: 0 };
      layouts.set(cid, entry);
    }
    last = entry;
    const { c, layout, pkType } = entry;
    if (version < 3 && entry.multi) {
      throw new Unusable(
        `checkpoint stores collection ${JSON.stringify(c.name)} as record payload v${version}, which cannot hold its multi-segment fields`,
      );
    }
    // Kept encoded when a walk proves it decodes (lazy-rows.ts); the next checkpoint copies
    // the payload when it is still what a writer would emit (encoded-rows.ts).
    const hint = walkLazyRecord(buf, entry.plan, start, end);
    if (hint !== -2) {
      let spans = entry.spans;
      const n = entry.count;
      if (spans !== null && (n === 0 || comparePks(buf, spans[(n - 1) * 3]!, start, entry.plan) < 0)) {
        if (spans.length < (n + 1) * 3) {
          const grown = new Float64Array(spans.length * 2);
          grown.set(spans);
          spans = entry.spans = grown;
        }
        spans[n * 3] = start;
        spans[n * 3 + 1] = end;
        spans[n * 3 + 2] = hint;
        entry.count = n + 1;
        continue;
      }
      toMap(rows, buf, entry);
      const lazy = lazyRowAt(buf, entry.plan, c.schemaVersion, start, end, hint);
      rows.table(c.id).set(lazy.key, lazy);
      continue;
    }
    toMap(rows, buf, entry);
    const payload = buf.subarray(start, end);
    // Like the reference: current fields, no schema-version check.
    const rec = decodeRecord(payload, layout);
    // A delete inside a checkpoint (never written by any engine) stores nothing.
    if (rec.op === OP_DELETE) continue;
    const pkKey = canonicalKey(pkType, rec.pk);
    // The payload goes with the row: the next checkpoint copies it when it is still what a
    // writer would emit (encoded-rows.ts checks version, collection and schema version).
    rows.put(c.id, keyString(pkKey), { pk: rec.pk, pkKey, row: rec.row!, version: c.schemaVersion, encoded: payload });
  }
  for (const e of layouts.values()) {
    if (e.spans !== null && e.count > 0) {
      rows.adopt(e.c.id, new CheckpointTable({ buf, plan: e.plan, version: e.c.schemaVersion, count: e.count, spans: e.spans }));
    }
  }
  validateIndexPayload(indexBlob);
  return { catalog, rows };
}
