/** Crash recovery (FORMAT.md §10.6) through Database opens of built images. */
import { describe, expect, it } from 'vitest';
import { Database } from '../../src/engine/database.ts';
import { isModelVaultError } from '../../src/errors.ts';
import { SegmentType } from '../../src/format/constants.ts';
import { writeSegmentHeader } from '../../src/format/segment.ts';
import { crc32c } from '../../src/wasm/crc32c.ts';
import { createSeg, ImageBuilder, recordSeg } from './image-builder.ts';

function committed(): ImageBuilder {
  const b = new ImageBuilder();
  b.group(createSeg(1, 't'));
  b.group(recordSeg(1, 1n, { id: 1n, name: 'one' }));
  return b;
}

function refusal(f: () => unknown): { code: string; details: Record<string, unknown> } {
  try {
    f();
  } catch (e) {
    if (isModelVaultError(e)) return { code: e.code, details: { ...e.details } };
    throw e;
  }
  throw new Error('expected a ModelVaultError');
}

const names = (db: Database) => [...db.rows('t')].map((r) => r.name);

describe('recovery reasons', () => {
  it('torn_tail: fewer than 32 junk bytes after the last commit', () => {
    const b = committed();
    const end = b.length;
    b.appendBytes(new Uint8Array(20).fill(0xab));
    const img = b.bytes();
    expect(refusal(() => Database.openImage(img, { recovery: 'strict' }))).toMatchObject({
      code: 'Format.UncleanLogTail',
      details: { safeEnd: end, reason: 'torn_tail' },
    });
    const db = Database.openImage(img);
    expect(db.recoveryInfo).toMatchObject({ truncatedBytes: 20, reason: 'torn_tail', safeEnd: end, healed: true });
    expect(names(db)).toEqual(['one']);
  });

  it('torn_tail: a segment whose payload runs past EOF after the published manifest', () => {
    const b = committed();
    const end = b.length;
    b.append(b.begin(), recordSeg(1, 2n, { id: 2n, name: 'two' }));
    const img = b.bytes().subarray(0, b.length - 10); // cut inside the Record payload
    const info = Database.openImage(img, { readOnly: true, recovery: 'auto-truncate' }).recoveryInfo;
    expect(info).toMatchObject({ reason: 'uncommitted_transaction', safeEnd: end, healed: false });
  });

  it('uncommitted_transaction: complete segments but no TxnCommit', () => {
    const b = committed();
    const end = b.length;
    b.append(b.begin(), recordSeg(1, 2n, { id: 2n, name: 'two' }));
    const img = b.bytes();
    expect(refusal(() => Database.openImage(img, { readOnly: true }))).toMatchObject({
      code: 'Format.UncleanLogTail',
      details: { safeEnd: end, reason: 'uncommitted_transaction' },
    });
    const db = Database.openImage(img);
    expect(db.recoveryInfo.truncatedBytes).toBe(img.length - end);
    expect(names(db)).toEqual(['one']);
  });

  it('torn_tail_pre_v6: a legacy (minor 5) log with a torn tail', () => {
    const b = new ImageBuilder(5);
    b.append(createSeg(1, 't'), recordSeg(1, 1n, { id: 1n, name: 'one' }));
    b.publish();
    const end = b.length;
    b.appendBytes(new Uint8Array(7));
    const img = b.bytes();
    expect(refusal(() => Database.openImage(img, { recovery: 'strict' }))).toMatchObject({
      code: 'Format.UncleanLogTail',
      details: { safeEnd: end, reason: 'torn_tail_pre_v6' },
    });
    const db = Database.openImage(img);
    expect(db.recoveryInfo).toMatchObject({ reason: 'torn_tail_pre_v6', truncatedBytes: 7 });
    expect(db.formatMinor).toBe(5);
    expect(names(db)).toEqual(['one']);
  });

  it('a committed group whose Manifest was lost is kept (visibility = TxnCommit)', () => {
    const b = committed();
    b.append(b.begin(), recordSeg(1, 2n, { id: 2n, name: 'two' }), b.commit());
    const db = Database.openImage(b.bytes(), { recovery: 'strict' });
    expect(names(db)).toEqual(['one', 'two']);
    expect(db.recoveryInfo.reason).toBeNull();
  });

  it('32 or more junk bytes are fatal in every mode (reference parity)', () => {
    const b = committed();
    b.appendBytes(new Uint8Array(40).fill(0x5a));
    for (const recovery of ['strict', 'auto-truncate'] as const) {
      expect(refusal(() => Database.openImage(b.bytes(), { recovery })).code).toBe('Format.BadSegmentMagic');
    }
  });

  it('framing violations are fatal in every mode', () => {
    const nested = committed();
    nested.append(nested.begin(), nested.begin());
    const outside = committed();
    outside.append(outside.commit(99n));
    const mismatch = committed();
    mismatch.append(mismatch.begin(7n), mismatch.commit(8n));
    for (const [b, msg] of [
      [nested, 'nested TxnBegin before TxnCommit'],
      [outside, 'TxnCommit outside transaction'],
      [mismatch, 'TxnCommit txn_id does not match TxnBegin'],
    ] as const) {
      for (const recovery of ['strict', 'auto-truncate'] as const) {
        const r = refusal(() => Database.openImage(b.bytes(), { recovery }));
        expect(r.code).toBe('Format.InvalidTxnPayload');
        expect(r.details.message).toBe(msg);
      }
    }
  });
});

describe('published-prefix guard', () => {
  it('refuses to cut a "torn" segment that lies before the published manifest', () => {
    const b = committed();
    const img = b.bytes();
    // Find the Record segment and make its (CRC-valid) header claim a huge payload.
    const layout = Database.openImage(img).state; // sanity: opens
    expect(layout.rows.count(1)).toBe(1);
    let at = 8224;
    const view = new DataView(img.buffer, img.byteOffset);
    let recordAt = -1;
    while (at < img.length) {
      const type = view.getUint16(at + 6, true);
      const len = Number(view.getBigUint64(at + 12, true));
      if (type === SegmentType.Record) recordAt = at;
      at += 32 + len;
    }
    expect(recordAt).toBeGreaterThan(0);
    writeSegmentHeader(img, recordAt, SegmentType.Record, 1_000_000, crc32c(new Uint8Array(0)));
    for (const opts of [{}, { readOnly: true, recovery: 'auto-truncate' as const }, { recovery: 'strict' as const }]) {
      const r = refusal(() => Database.openImage(img, opts));
      expect(r.code).toBe('Format.SegmentPayloadPastEof');
      expect(r.details.offset).toBe(recordAt);
    }
  });

  it('without a valid published manifest (pointer past EOF) recovery behaves like the reference', () => {
    const b = committed();
    const end = b.length;
    b.append(b.begin(), recordSeg(1, 2n, { id: 2n, name: 'two' }), b.commit());
    b.publish();
    // Lose everything after the first committed state, keeping the newer superblocks.
    const img = b.bytes().subarray(0, end + 40);
    expect(refusal(() => Database.openImage(img, { recovery: 'strict' })).code).toBe('Io.UnexpectedEof');
    const db = Database.openImage(img);
    expect(db.recoveryInfo).toMatchObject({ safeEnd: end, reason: 'torn_tail', manifestValid: false, healed: true });
    expect(names(db)).toEqual(['one']);
    // Healed: a strict open of the healed image succeeds.
    const healed = (db.store as unknown as { bytes(): Uint8Array }).bytes();
    expect(names(Database.openImage(healed, { recovery: 'strict' }))).toEqual(['one']);
  });

  it('a failed open never modifies the image', () => {
    const b = committed();
    b.append(b.begin(), recordSeg(9, 1n, { id: 1n, name: 'x' }), b.commit()); // unknown collection 9
    b.appendBytes(new Uint8Array(5));
    const img = b.bytes();
    const before = img.slice();
    expect(refusal(() => Database.openImage(img)).code).toBe('Schema.UnknownCollection');
    expect(img).toEqual(before);
  });
});

describe('healing an invalid manifest pointer', () => {
  it('auto-truncate republishes; later strict opens succeed', async () => {
    const { encodeSuperblock } = await import('../../src/format/superblock.ts');
    const b = committed();
    const img = b.bytes();
    // A valid, newer superblock in slot A whose manifest pointer is not a Manifest (offset 8224+50).
    img.set(
      encodeSuperblock({ generation: 1000n, manifestOffset: 8274n, manifestLen: 18, checksumKind: 0, checkpointOffset: 0n, checkpointLen: 0 }),
      32,
    );
    expect(refusal(() => Database.openImage(img, { recovery: 'strict' }))).toMatchObject({
      code: 'Format.UnsupportedVersion',
      details: { major: 0, minor: 0 },
    });
    const db = Database.openImage(img);
    expect(db.recoveryInfo).toMatchObject({ truncatedBytes: 0, reason: null, manifestValid: false, healed: true });
    const healed = (db.store as unknown as { bytes(): Uint8Array }).bytes();
    expect(healed.length).toBe(img.length + 50);
    const again = Database.openImage(healed, { recovery: 'strict' });
    expect(again.recoveryInfo.manifestValid).toBe(true);
    expect(names(again)).toEqual(['one']);
  });
});
