import { describe, expect, it } from 'vitest';
import { Database } from '../../src/engine/database.ts';
import { decodeCheckpoint } from '../../src/format/checkpoint.ts';
import { decodeHeader } from '../../src/format/header.ts';
import { peekRecordHeader } from '../../src/format/record.ts';
import { SEGMENT_HEADER_SIZE } from '../../src/format/constants.ts';
import { createMemFs } from '../../src/fs/memfs.ts';
import type { MaintenanceEvent } from '../../src/maintenance/events.ts';
import { logical, logicalAt, openDb, populate } from './helpers.ts';

const PATH = '/db/app.typra';

function fresh() {
  const fs = createMemFs({ directories: ['/db'] });
  const db = openDb(fs);
  populate(db);
  return { fs, db };
}

function checkpointPayload(fs: ReturnType<typeof createMemFs>, offset: number, len: number) {
  const bytes = fs.peek(PATH)!;
  return bytes.subarray(offset + SEGMENT_HEADER_SIZE, offset + SEGMENT_HEADER_SIZE + len);
}

describe('checkpoint', () => {
  it('reopens to the same state from the checkpoint, replaying only the tail', () => {
    const { fs, db } = fresh();
    const before = logical(db);
    const r = db.checkpoint();
    expect(r.replayFrom).toBe(r.offset + SEGMENT_HEADER_SIZE + r.payloadLength);
    expect(r.rows).toBe(19 + 5);
    db.insert('users', { id: 100n, email: 'late@example.com', age: 1n });
    const after = logical(db);
    db.close();
    const again = openDb(fs);
    expect(again.recoveryInfo.checkpoint).toBe('loaded');
    expect(logical(again)).toEqual(after);
    expect(after).not.toEqual(before);
    again.close();
    expect(logicalAt(fs)).toEqual(after);
  });

  it('keeps multi-segment fields (record payload v3) and carries rows at the current version', () => {
    const { fs, db } = fresh();
    const r = db.checkpoint();
    const cp = decodeCheckpoint(checkpointPayload(fs, r.offset, r.payloadLength));
    const versions = cp.records.map((p) => [peekRecordHeader(p).collectionId, peekRecordHeader(p).version]);
    expect(versions.filter(([c]) => c === 1).every(([, v]) => v === 2)).toBe(true);
    expect(versions.filter(([c]) => c === 2).every(([, v]) => v === 3)).toBe(true);
    db.close();
    const again = openDb(fs);
    expect(again.recoveryInfo.checkpoint).toBe('loaded');
    expect(again.get('docs', 'doc-3')).toEqual({ slug: 'doc-3', meta: { title: 'Title 1', words: 300n } });
    again.close();
  });

  it('is deterministic: two checkpoints of one state have identical payloads apart from replay_from', () => {
    const { fs, db } = fresh();
    const a = db.checkpoint();
    const b = db.checkpoint();
    const pa = checkpointPayload(fs, a.offset, a.payloadLength).slice(10);
    const pb = checkpointPayload(fs, b.offset, b.payloadLength).slice(10);
    expect(Buffer.from(pa).equals(Buffer.from(pb))).toBe(true);
    db.close();
  });

  it('orders rows by collection id then canonical primary key, index entries unique-first', () => {
    const { fs, db } = fresh();
    const r = db.checkpoint();
    const cp = decodeCheckpoint(checkpointPayload(fs, r.offset, r.payloadLength));
    const ids = cp.records.map((p) => peekRecordHeader(p).collectionId);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(cp.catalog.length).toBe(2);
    db.close();
  });

  it('raises the header to minor 6 and refuses inside a transaction and on read-only handles', () => {
    const { fs, db } = fresh();
    db.begin();
    expect(() => db.checkpoint()).toThrow(expect.objectContaining({ code: 'Transaction.NestedTransaction' }));
    db.rollback();
    db.checkpoint();
    expect(decodeHeader(fs.peek(PATH)!.subarray(0, 32)).minor).toBe(6);
    db.close();
    const ro = openDb(fs, PATH, true);
    expect(() => ro.checkpoint()).toThrow(expect.objectContaining({ code: 'Usage.ReadOnly' }));
    ro.close();
  });

  it('emits start and success events with offsets', () => {
    const { db } = fresh();
    const events: MaintenanceEvent[] = [];
    const r = db.checkpoint({ onEvent: (e) => events.push(e) });
    expect(events.map((e) => e.phase)).toEqual(['start', 'success']);
    expect(events[1]!.data).toMatchObject({ offset: r.offset, payloadLength: r.payloadLength });
    expect(events[1]!.durationMs).toBeGreaterThanOrEqual(0);
    db.close();
  });
});

describe('compaction', () => {
  it('compactTo writes a smaller file with the same logical state', () => {
    const { fs, db } = fresh();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 20; i++) db.insert('users', { id: BigInt(i), email: `r${round}-${i}@x.io`, age: null });
    }
    const state = logical(db);
    const r = db.compactTo('/db/compact.typra');
    expect(r.bytesAfter).toBeLessThan(r.bytesBefore);
    expect(fs.peek('/db/compact.typra')!.length).toBe(r.bytesAfter);
    expect(logicalAt(fs, '/db/compact.typra')).toEqual(state);
    expect(() => db.compactTo(PATH)).toThrow(expect.objectContaining({ code: 'Usage.InvalidArgument' }));
    db.close();
  });

  it('compactInPlace replaces the live file and the handle keeps writing to it', () => {
    const { fs, db } = fresh();
    const state = logical(db);
    const r = db.compactInPlace();
    expect(fs.peek(PATH)!.length).toBe(r.bytesAfter);
    expect(logical(db)).toEqual(state);
    db.insert('users', { id: 500n, email: 'after@x.io', age: 2n });
    const after = logical(db);
    db.close();
    expect(logicalAt(fs)).toEqual(after);
  });

  it('refuses compactInPlace for in-memory databases', () => {
    const db = Database.openInMemory();
    expect(() => db.compactInPlace()).toThrow(expect.objectContaining({ code: 'Usage.NotSupported' }));
  });
});

describe('snapshots', () => {
  it('export checkpoints and copies; restore validates then replaces', () => {
    const { fs, db } = fresh();
    const state = logical(db);
    const bytes = db.exportSnapshotTo('/db/snap.typra');
    expect(fs.peek('/db/snap.typra')!.length).toBe(bytes);
    db.insert('users', { id: 900n, email: 'not-in-snapshot@x.io', age: null });
    db.close();
    expect(logicalAt(fs, '/db/snap.typra')).toEqual(state);
    const r = Database.restoreSnapshotTo('/db/snap.typra', PATH, { fs });
    expect(r.rows).toBe(24);
    expect(logicalAt(fs)).toEqual(state);
  });

  it('refuses a corrupt or non-database snapshot before touching the destination', () => {
    const { fs, db } = fresh();
    db.close();
    const live = fs.peek(PATH)!.slice();
    const h = fs.open('/db/garbage', 'create');
    h.writeAt(new TextEncoder().encode('not a database at all, just text'), 0);
    h.close();
    expect(() => Database.restoreSnapshotTo('/db/garbage', PATH, { fs })).toThrow(expect.objectContaining({ kind: 'Format' }));
    const empty = fs.open('/db/empty', 'create');
    empty.close();
    expect(() => Database.restoreSnapshotTo('/db/empty', PATH, { fs })).toThrow(expect.objectContaining({ code: 'Usage.InvalidSnapshot' }));
    const damaged = live.slice();
    damaged[damaged.length - 60] ^= 0xff;
    const d = fs.open('/db/damaged', 'create');
    d.writeAt(damaged, 0);
    d.close();
    expect(() => Database.restoreSnapshotTo('/db/damaged', PATH, { fs })).toThrow(expect.objectContaining({ kind: 'Format' }));
    expect(Buffer.from(fs.peek(PATH)!).equals(Buffer.from(live))).toBe(true);
  });

  it('refuses to restore over a database another handle group holds (views left after the writer closed)', () => {
    const { fs, db } = fresh();
    db.exportSnapshotTo('/db/snap.typra');
    const view = Database.open(PATH, { fs, readOnly: true });
    db.close();
    expect(() => Database.restoreSnapshotTo('/db/snap.typra', PATH, { fs })).toThrow(expect.objectContaining({ kind: 'Io' }));
    view.close();
  });

  it('in-memory databases export their image', () => {
    const fs = createMemFs({ directories: ['/db'] });
    const db = Database.openInMemory();
    populate(db);
    db.exportSnapshotTo('/db/mem.typra', { fs });
    expect(logicalAt(fs, '/db/mem.typra')).toEqual(logical(db));
    expect(logical(Database.fromSnapshotBytes(db.snapshotBytes()))).toEqual(logical(db));
  });
});

describe('layouts the reference reads', () => {
  it('a compacted file is header 0.6, superblock v1, Manifest + Checkpoint(v0: catalog v4, records v2/v3, index v2) + Manifest', async () => {
    const { scanStrict } = await import('../../src/format/segment.ts');
    const { SegmentType } = await import('../../src/format/constants.ts');
    const { selectFromImage, bufferSource } = await import('../../src/engine/open.ts');
    const { fs, db } = fresh();
    db.compactTo('/db/c.typra');
    db.close();
    const image = fs.peek('/db/c.typra')!;
    expect(decodeHeader(image.subarray(0, 32)).minor).toBe(6);
    const sb = selectFromImage(image).sb;
    expect(sb.version).toBe(1);
    const segs = scanStrict(bufferSource(image), 8224);
    expect(segs.map((s) => s.type)).toEqual([SegmentType.Manifest, SegmentType.Checkpoint, SegmentType.Manifest]);
    const cp = segs[1]!;
    expect(sb.checkpointOffset).toBe(BigInt(cp.offset));
    expect(sb.checkpointLen).toBe(cp.payloadLen);
    expect(sb.manifestOffset).toBe(BigInt(segs[2]!.offset));
    const payload = decodeCheckpoint(image.subarray(cp.offset + 32, cp.end));
    expect(payload.replayFromOffset).toBe(BigInt(cp.end));
    const u16 = (b: Uint8Array) => b[0]! | (b[1]! << 8);
    expect(payload.catalog.map(u16)).toEqual([4, 4]);
    expect(new Set(payload.records.map(u16))).toEqual(new Set([2, 3]));
    expect(u16(payload.indexBlob)).toBe(2);
  });
});

describe('encoded-row reuse', () => {
  it('records copied from the write path equal a fresh encoding (op 1, current version)', async () => {
    const { buildCheckpointPieces, recordsInOrder } = await import('../../src/maintenance/checkpoint-image.ts');
    const { db } = fresh();
    // Replaces (op 2 in the log) and a schema version after some writes.
    db.insert('users', { id: 1n, email: 'replaced@example.com', age: 9n });
    const live = recordsInOrder(buildCheckpointPieces(db.state));
    const reopened = Database.fromSnapshotBytes(db.snapshotBytes());
    const fresh2 = recordsInOrder(buildCheckpointPieces(reopened.state));
    expect(live.length).toBe(fresh2.length);
    live.forEach((r, i) => expect(Buffer.from(r).equals(Buffer.from(fresh2[i]!)), `record ${i}`).toBe(true));
    expect(live.every((r) => r[10] === 1)).toBe(true);
    db.close();
  });
});

describe('checkpoint after reopening from a checkpoint', () => {
  it('is byte-identical to the previous checkpoint (payloads reused from the loaded one)', () => {
    const { fs, db } = fresh();
    const a = db.checkpoint();
    db.close();
    const again = openDb(fs);
    expect(again.recoveryInfo.checkpoint).toBe('loaded');
    const b = again.checkpoint();
    const pa = checkpointPayload(fs, a.offset, a.payloadLength).slice(10);
    const pb = checkpointPayload(fs, b.offset, b.payloadLength).slice(10);
    expect(Buffer.from(pa).equals(Buffer.from(pb))).toBe(true);
    again.close();
  });
});

describe('checkpoint of large collections written out of key order', () => {
  it('lists records by collection id then key bytes and index entries as the reference encoder does, stable across a reopen', async () => {
    const { encodeIndexPayload } = await import('../../src/format/index-payload.ts');
    const { indexEntries } = await import('../../src/maintenance/checkpoint-image.ts');
    const { f } = await import('./helpers.ts');
    const fs = createMemFs({ directories: ['/db'] });
    const db = openDb(fs);
    populate(db, 400);
    db.registerCollection('nums', [f('id', 'int64'), f('g', 'int64')], 'id', [{ name: 'by_g', path: ['g'], kind: 'non_unique' }]);
    // Rows go into the tables (and record chunks) in an order unrelated to their keys,
    // part in one transaction, part autocommitted, some replaced.
    db.transaction(() => {
      for (let i = 0; i < 1200; i++) db.insert('nums', { id: BigInt((i * 7919) % 1200) - 600n, g: BigInt(i % 4) });
    });
    for (let i = 0; i < 300; i++) db.insert('nums', { id: BigInt(-i * 3), g: 9n });
    for (let i = 0; i < 300; i++) db.insert('users', { id: BigInt(1000 + ((i * 37) % 300)), email: `x${i}@example.com`, age: 30n });
    const expectedIndex = encodeIndexPayload(indexEntries(db.state));
    const a = db.checkpoint();
    const cp = decodeCheckpoint(checkpointPayload(fs, a.offset, a.payloadLength));
    const keyOf = (p: Uint8Array) => peekRecordHeader(p).collectionId;
    const ids = cp.records.map(keyOf);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    // Within a collection: canonical int64 key bytes (little-endian, right after the op byte's tag).
    const byCollection = new Map<number, Buffer[]>();
    for (const p of cp.records) {
      const list = byCollection.get(keyOf(p)) ?? [];
      list.push(Buffer.from(p.subarray(12, 20)));
      byCollection.set(keyOf(p), list);
    }
    for (const [cid, keys] of byCollection) {
      if (cid === 2) continue; // docs: string keys, not fixed width
      for (let i = 1; i < keys.length; i++) expect(Buffer.compare(keys[i - 1]!, keys[i]!), `collection ${cid} record ${i}`).toBe(-1);
    }
    expect(cp.records.length).toBe(a.rows);
    expect(Buffer.from(cp.indexBlob).equals(Buffer.from(expectedIndex))).toBe(true);
    const before = logical(db);
    db.close();
    const again = openDb(fs);
    expect(logical(again)).toEqual(before);
    const b = again.checkpoint();
    const pa = checkpointPayload(fs, a.offset, a.payloadLength).slice(10);
    const pb = checkpointPayload(fs, b.offset, b.payloadLength).slice(10);
    expect(Buffer.from(pa).equals(Buffer.from(pb))).toBe(true);
    again.close();
  });
});
