/** Replay (v6 framing, legacy), per-version record decoding, derived indexes, checkpoints. */
import { describe, expect, it } from 'vitest';
import { Database } from '../../src/engine/database.ts';
import { isModelVaultError } from '../../src/errors.ts';
import { SegmentType } from '../../src/format/constants.ts';
import type { FieldDef } from '../../src/schema/types.ts';
import { appendCheckpoint, createSeg, FIELDS, ImageBuilder, recordSeg, versionSeg } from './image-builder.ts';

function refusal(f: () => unknown): { code: string; details: Record<string, unknown> } {
  try {
    f();
  } catch (e) {
    if (isModelVaultError(e)) return { code: e.code, details: { ...e.details } };
    throw e;
  }
  throw new Error('expected a ModelVaultError');
}

const V2: FieldDef[] = [...FIELDS, { path: ['note'], type: { optional: 'string' }, constraints: [] }];

describe('minor-6 replay', () => {
  it('applies committed groups, discards aborted ones, keeps last write per key', () => {
    const b = new ImageBuilder();
    b.group(createSeg(1, 't'));
    b.group(recordSeg(1, 1n, { id: 1n, name: 'a' }), recordSeg(1, 2n, { id: 2n, name: 'b' }));
    b.append(b.begin(), recordSeg(1, 3n, { id: 3n, name: 'aborted' }), [SegmentType.TxnAbort, b.commit()[1]]);
    b.publish();
    b.group(recordSeg(1, 1n, { id: 1n, name: 'a2' }, { op: 2 }), recordSeg(1, 2n, null, { op: 3 }));
    const db = Database.openImage(b.bytes(), { recovery: 'strict' });
    expect([...db.rows('t')]).toEqual([{ id: 1n, name: 'a2' }]);
    expect(db.get('t', 1n)).toEqual({ id: 1n, name: 'a2' });
    expect(db.get('t', 1)).toEqual({ id: 1n, name: 'a2' });
    expect(db.get('t', 2n)).toBeNull();
    expect(db.get('t', 3n)).toBeNull();
  });

  it('refuses unframed data segments in a minor-6 log', () => {
    const b = new ImageBuilder();
    b.append(createSeg(1, 't'));
    b.publish();
    const r = refusal(() => Database.openImage(b.bytes()));
    expect(r.code).toBe('Format.InvalidTxnPayload');
    expect(r.details.message).toBe('unframed data segment in format minor 6');
  });

  it('applies Schema before Records regardless of log order (three passes)', () => {
    const b = new ImageBuilder();
    b.group(createSeg(1, 't'));
    b.group(recordSeg(1, 1n, { id: 1n, name: 'x' }));
    b.group(createSeg(2, 'later'));
    const db = Database.openImage(b.bytes());
    expect(db.collections().map((c) => c.name)).toEqual(['t', 'later']);
  });

  it('catalog apply errors are fatal', () => {
    const dup = new ImageBuilder();
    dup.group(createSeg(1, 't'));
    dup.group(createSeg(2, 't'));
    expect(refusal(() => Database.openImage(dup.bytes())).code).toBe('Schema.DuplicateCollectionName');
    const gap = new ImageBuilder();
    gap.group(createSeg(2, 't'));
    expect(refusal(() => Database.openImage(gap.bytes()))).toMatchObject({
      code: 'Schema.UnexpectedCollectionId',
      details: { expected: 1, got: 2 },
    });
    const pk = new ImageBuilder();
    pk.group(createSeg(1, 't', FIELDS, [], 'missing'));
    expect(refusal(() => Database.openImage(pk.bytes())).code).toBe('Schema.PrimaryFieldNotFound');
  });
});

describe('legacy replay (minor ≤ 5)', () => {
  it('reads unframed Schema/Index/Record segments and ignores markers', () => {
    const b = new ImageBuilder(5);
    b.append(createSeg(1, 't'), recordSeg(1, 1n, { id: 1n, name: 'a' }), b.begin(), recordSeg(1, 2n, { id: 2n, name: 'b' }));
    b.publish();
    const db = Database.openImage(b.bytes(), { recovery: 'strict' });
    expect(db.formatMinor).toBe(5);
    expect(db.rowCount('t')).toBe(2);
  });
});

describe('per-version record decoding', () => {
  function evolved(): ImageBuilder {
    const b = new ImageBuilder();
    b.group(createSeg(1, 't'));
    b.group(recordSeg(1, 1n, { id: 1n, name: 'old' }, { version: 1 }));
    b.group(versionSeg(1, 2, V2));
    b.group(recordSeg(1, 2n, { id: 2n, name: 'new', note: 'hi' }, { fields: V2, version: 2 }));
    return b;
  }

  it('decodes each record with the fields of its version and presents it under the current schema', () => {
    const db = Database.openImage(evolved().bytes(), { recovery: 'strict' });
    expect(db.collection('t')!.schemaVersion).toBe(2);
    expect(db.get('t', 1n)).toEqual({ id: 1n, name: 'old', note: null });
    expect(db.get('t', 2n)).toEqual({ id: 2n, name: 'new', note: 'hi' });
  });

  it('drops fields removed by a later version', () => {
    const b = evolved();
    b.group(versionSeg(1, 3, [FIELDS[0]!, V2[2]!]));
    const db = Database.openImage(b.bytes());
    expect(db.get('t', 1n)).toEqual({ id: 1n, note: null });
    expect(db.get('t', 2n)).toEqual({ id: 2n, note: 'hi' });
  });

  it('still refuses a record naming a version that never existed', () => {
    const b = new ImageBuilder();
    b.group(createSeg(1, 't'));
    b.group(recordSeg(1, 1n, { id: 1n, name: 'x' }, { version: 5 }));
    expect(refusal(() => Database.openImage(b.bytes()))).toMatchObject({
      code: 'Schema.InvalidSchemaVersion',
      details: { expected: 1, got: 5 },
    });
  });

  it('a record that does not decode with its own version fails like the reference', () => {
    const b = new ImageBuilder();
    b.group(createSeg(1, 't'));
    b.group(versionSeg(1, 2, V2));
    // Written with the v2 field list but claiming version 1 (one body field too many).
    b.group(recordSeg(1, 1n, { id: 1n, name: 'x', note: null }, { fields: V2, version: 1 }));
    expect(refusal(() => Database.openImage(b.bytes())).code).toBe('Format.RecordPayloadTypeMismatch');
  });
});

describe('derived index state', () => {
  const IDX_FIELDS: FieldDef[] = [...FIELDS, { path: ['tag'], type: { optional: 'string' }, constraints: [] }];

  it('indexes every row, including rows written before the index existed; nulls are not indexed', () => {
    const b = new ImageBuilder();
    b.group(createSeg(1, 't', IDX_FIELDS));
    b.group(recordSeg(1, 1n, { id: 1n, name: 'a', tag: 'x' }, { fields: IDX_FIELDS }));
    b.group(recordSeg(1, 2n, { id: 2n, name: 'b', tag: null }, { fields: IDX_FIELDS }));
    b.group(versionSeg(1, 2, IDX_FIELDS, [{ name: 'by_tag', path: ['tag'], kind: 'non_unique' }]));
    b.group(recordSeg(1, 3n, { id: 3n, name: 'c', tag: 'x' }, { fields: IDX_FIELDS, version: 2 }));
    const db = Database.openImage(b.bytes());
    expect(db.indexContents('t', 'by_tag')).toEqual([
      { key: 'x', keyType: 'string', keyBytes: new TextEncoder().encode('x'), pks: [1n, 3n] },
    ]);
  });

  it('a unique conflict implied by the rows does not make the file unopenable', () => {
    const b = new ImageBuilder();
    b.group(createSeg(1, 't', FIELDS, [{ name: 'u', path: ['name'], kind: 'unique' }]));
    b.group(recordSeg(1, 1n, { id: 1n, name: 'same' }));
    b.group(recordSeg(1, 2n, { id: 2n, name: 'same' }));
    const db = Database.openImage(b.bytes(), { recovery: 'strict' });
    expect(db.indexContents('t', 'u')[0]!.pks).toEqual([1n, 2n]);
    expect(db.state.indexes.get(1, 'u')!.conflicts).toBe(1);
  });

  it('malformed Index payloads fail like the reference even though they are not trusted', () => {
    const b = new ImageBuilder();
    b.group(createSeg(1, 't'));
    b.group([SegmentType.Index, Uint8Array.of(9, 0, 0, 0, 0, 0)], recordSeg(1, 1n, { id: 1n, name: 'a' }));
    expect(refusal(() => Database.openImage(b.bytes()))).toMatchObject({
      code: 'Format.UnsupportedVersion',
      details: { major: 0, minor: 9 },
    });
  });
});

describe('checkpoints', () => {
  function withCheckpoint(opts: Parameters<typeof appendCheckpoint>[3] = {}, extra?: (b: ImageBuilder) => void) {
    const b = new ImageBuilder();
    const [, create] = createSeg(1, 't');
    const [, rec] = recordSeg(1, 1n, { id: 1n, name: 'a' });
    b.group([SegmentType.Schema, create]);
    b.group([SegmentType.Record, rec]);
    appendCheckpoint(b, [create], [rec], opts);
    b.group(recordSeg(1, 2n, { id: 2n, name: 'tail' }));
    extra?.(b);
    return b.bytes();
  }

  it('loads the checkpoint and replays the tail', () => {
    const db = Database.openImage(withCheckpoint(), { recovery: 'strict' });
    expect(db.recoveryInfo.checkpoint).toBe('loaded');
    expect([...db.rows('t')].map((r) => r.name)).toEqual(['a', 'tail']);
  });

  it('corrupt checkpoint: strict refuses, auto-truncate falls back to a full replay', () => {
    const img = withCheckpoint({ corrupt: true });
    expect(refusal(() => Database.openImage(img, { recovery: 'strict' })).code).toBe('Format.BadSegmentPayloadChecksum');
    const db = Database.openImage(img, { readOnly: true, recovery: 'auto-truncate' });
    expect(db.recoveryInfo.checkpoint).toBe('ignored-invalid');
    expect(db.rowCount('t')).toBe(2);
  });

  it('a checkpoint pointer that is not a segment boundary means "no checkpoint" (§16)', () => {
    const db = Database.openImage(withCheckpoint({ pointerDelta: 5 }), { recovery: 'strict' });
    expect(db.recoveryInfo.checkpoint).toBe('none');
    expect(db.rowCount('t')).toBe(2);
  });

  it('replay_from_offset off a segment boundary makes the checkpoint invalid', () => {
    const img = withCheckpoint({ replayFrom: 8230 });
    expect(refusal(() => Database.openImage(img, { recovery: 'strict' })).code).toBe('Format.InvalidCatalogPayload');
    expect(Database.openImage(img, { readOnly: true, recovery: 'auto-truncate' }).rowCount('t')).toBe(2);
  });

  it('a checkpoint cut off by recovery is ignored', () => {
    const b = new ImageBuilder();
    const [, create] = createSeg(1, 't');
    b.group([SegmentType.Schema, create]);
    const end = b.length;
    appendCheckpoint(b, [create], []);
    const img = b.bytes().subarray(0, end + 40); // torn checkpoint, pointer already published
    const db = Database.openImage(img);
    expect(db.recoveryInfo).toMatchObject({ checkpoint: 'none', truncatedBytes: 40, healed: true });
    expect(db.collections().map((c) => c.name)).toEqual(['t']);
  });
});
