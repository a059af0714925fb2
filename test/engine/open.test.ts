/** File-level opening: creation, minor-2 upgrade, read-only rules, locks, close. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Database } from '../../src/engine/database.ts';
import { isModelVaultError } from '../../src/errors.ts';
import { encodeHeader } from '../../src/format/header.ts';
import { createMemFs } from '../../src/fs/memfs.ts';
import { GOLDEN_DIR } from '../golden/golden-files.ts';

const P = '/data/app.typra';

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (isModelVaultError(e)) return e.code;
    throw e;
  }
  throw new Error('expected a ModelVaultError');
}

describe('creating and upgrading', () => {
  it('a missing file opened read-write becomes the 8274-byte empty database (golden empty.typra)', () => {
    const fs = createMemFs({ directories: ['/data'] });
    const db = Database.open(P, { fs });
    expect(db.collections()).toEqual([]);
    expect(db.formatMinor).toBe(6);
    db.close();
    expect(fs.peek(P)).toEqual(new Uint8Array(readFileSync(`${GOLDEN_DIR}/empty.typra`)));
    expect(fs.exists(`${P}.writer.lock`)).toBe(true);
  });

  it('an empty in-memory image becomes a new database', () => {
    const db = Database.fromSnapshotBytes(new Uint8Array(0));
    expect((db.store as unknown as { bytes(): Uint8Array }).bytes()).toEqual(
      new Uint8Array(readFileSync(`${GOLDEN_DIR}/empty.typra`)),
    );
  });

  it('read-only: a missing file is NotFound, an empty file cannot be initialised', () => {
    const fs = createMemFs({ directories: ['/data'] });
    expect(code(() => Database.open(P, { fs, readOnly: true }))).toBe('Io.NotFound');
    expect(fs.exists(`${P}.writer.lock`)).toBe(false);
    const fs2 = createMemFs({ files: { [P]: new Uint8Array(0) } });
    expect(code(() => Database.open(P, { fs: fs2, readOnly: true }))).toMatch(/^Io\./);
    expect(fs2.peek(P)!.length).toBe(0);
  });

  it('a 32-byte minor-2 file is upgraded to an 8274-byte minor-3 file; other minor-2 files are refused', () => {
    const header2 = encodeHeader({ major: 0, minor: 2, headerSize: 32, flags: 0n });
    const fs = createMemFs({ files: { [P]: header2 } });
    expect(code(() => Database.open(P, { fs, readOnly: true }))).toMatch(/^Io\./);
    const db = Database.open(P, { fs });
    expect(db.formatMinor).toBe(3);
    db.close();
    const after = fs.peek(P)!;
    expect(after.length).toBe(8274);
    expect(after[6]).toBe(3);
    const longer = new Uint8Array(40);
    longer.set(header2);
    expect(code(() => Database.openImage(longer))).toBe('Format.UnsupportedVersion');
  });

  it('header and length errors', () => {
    expect(code(() => Database.openImage(new Uint8Array(10)))).toBe('Format.TruncatedHeader');
    const bad = new Uint8Array(readFileSync(`${GOLDEN_DIR}/empty.typra`));
    bad[0] = 0x58;
    expect(code(() => Database.openImage(bad))).toBe('Format.BadMagic');
    const short = new Uint8Array(readFileSync(`${GOLDEN_DIR}/empty.typra`)).subarray(0, 5000);
    expect(code(() => Database.openImage(short))).toBe('Format.TruncatedSuperblock');
    const noSb = new Uint8Array(readFileSync(`${GOLDEN_DIR}/empty.typra`));
    noSb.fill(0, 32, 8224);
    expect(code(() => Database.openImage(noSb))).toBe('Format.BadSuperblockChecksum');
  });
});

describe('locks and handle lifecycle', () => {
  const golden = new Uint8Array(readFileSync(`${GOLDEN_DIR}/primitives.typra`));

  it('a second writer and a reader are refused while a writer is open', () => {
    const fs = createMemFs({ files: { [P]: golden } });
    const w = Database.open(P, { fs });
    // Same process: the engine's one-writer-per-path registry answers first (Io.AlreadyLocked).
    expect(code(() => Database.open(P, { fs }))).toBe('Io.AlreadyLocked');
    // A reader of this process shares the writer's state instead (src/engine/shared-handles.ts).
    const view = Database.open(P, { fs, readOnly: true });
    expect(view.readOnly).toBe(true);
    view.close();
    w.close();
    const r1 = Database.open(P, { fs, readOnly: true });
    const r2 = Database.open(P, { fs, readOnly: true });
    expect(code(() => Database.open(P, { fs }))).toBe('Io.WouldBlock');
    r1.close();
    r2.close();
    Database.open(P, { fs }).close();
  });

  it('a failed open releases its lock', () => {
    // (Not zeros: a short all-zero file is what a crash during creation can leave, and is re-created.)
    const fs = createMemFs({ files: { [P]: new Uint8Array(100).fill(0x58) } });
    expect(code(() => Database.open(P, { fs }))).toBe('Format.BadMagic');
    expect(code(() => Database.open(P, { fs }))).toBe('Format.BadMagic');
  });

  it('close is idempotent and every use after close is Usage.Closed', () => {
    const db = Database.openImage(golden);
    db.close();
    db.close();
    expect(db.isClosed).toBe(true);
    expect(code(() => db.collections())).toBe('Usage.Closed');
    expect(code(() => db.get('primitives', 1n))).toBe('Usage.Closed');
    expect(code(() => [...db.rows('primitives')])).toBe('Usage.Closed');
  });

  it('read API: lookups by name and id, typed errors for unknown names and wrong PK types', () => {
    const db = Database.openImage(golden, { readOnly: true });
    expect(db.collection('primitives')!.id).toBe(1);
    expect(db.collection(1)!.name).toBe('primitives');
    expect(db.collection('nope')).toBeUndefined();
    expect(code(() => db.get('nope', 1n))).toBe('Schema.UnknownCollectionName');
    expect(code(() => db.get('primitives', 'x'))).toBe('Format.RecordPayloadTypeMismatch');
    expect(db.rowCount('primitives')).toBe(8);
    expect(db.get('primitives', 0n)).not.toBeNull();
    expect(code(() => db.indexContents('primitives', 'nope'))).toBe('Schema.UnknownIndex');
  });
});
