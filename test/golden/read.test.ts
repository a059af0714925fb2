/**
 * Every golden file opened through the read path: content, strict/read-only outcomes,
 * auto-truncate cut + healing, recovery info.
 */
import { describe, expect, it } from 'vitest';
import { Database } from '../../src/engine/database.ts';
import { dumpDatabase } from '../../src/engine/dump.ts';
import { isModelVaultError } from '../../src/errors.ts';
import { SEGMENT_START, SUPERBLOCK_A_OFFSET, SUPERBLOCK_B_OFFSET, SUPERBLOCK_SIZE } from '../../src/format/constants.ts';
import { decodeManifest } from '../../src/format/manifest.ts';
import { decodeSegmentHeader } from '../../src/format/segment.ts';
import { selectSuperblock } from '../../src/format/superblock.ts';
import { createMemFs } from '../../src/fs/memfs.ts';
import { goldenNames, loadGolden, mapRustError } from './golden-files.ts';
import type { GoldenOpenOutcome } from './golden-files.ts';

const PATH = '/db/golden.typra';

function dumpJson(db: Database): unknown {
  return JSON.parse(JSON.stringify(dumpDatabase(db)));
}

function expectRefusal(open: () => Database, outcome: GoldenOpenOutcome): void {
  let error: unknown;
  try {
    open().close();
  } catch (e) {
    error = e;
  }
  expect(isModelVaultError(error), String(error)).toBe(true);
  const want = mapRustError(outcome.error_debug!);
  expect((error as { code: string }).code).toBe(want.code);
  expect((error as { details: Record<string, unknown> }).details).toMatchObject(want.details);
}

const names = goldenNames();

describe('golden files: read path', () => {
  it('covers all 29 scenarios', () => {
    expect(names.length).toBe(29);
  });

  for (const name of names) {
    describe(name, () => {
      const g = loadGolden(name);
      const { auto_truncate: auto, strict, read_only: readOnly } = g.json.open;

      it('auto-truncate open: content, recovery info, cut + heal', () => {
        const fs = createMemFs({ files: { [PATH]: g.bytes } });
        if (!auto.ok && !g.isPort) {
          expectRefusal(() => Database.open(PATH, { fs }), auto);
          expect(fs.peek(PATH)).toEqual(g.bytes); // a failed open never writes
          return;
        }
        const db = Database.open(PATH, { fs });
        expect(dumpJson(db)).toEqual(g.expected);
        const cut = auto.truncated_bytes ?? 0;
        expect(db.recoveryInfo.truncatedBytes).toBe(cut);
        db.close();
        const after = fs.peek(PATH)!;
        if (cut === 0) {
          expect(after).toEqual(g.bytes);
          expect(db.recoveryInfo.reason).toBeNull();
          expect(db.recoveryInfo.healed).toBe(false);
          return;
        }
        const size = auto.file_size_after_open!;
        expect(db.recoveryInfo.reason).not.toBeNull();
        expect(db.recoveryInfo.safeEnd).toBe(size);
        expect(db.recoveryInfo.healed).toBe(true);
        // The reference's truncated file, then one Manifest, then a superblock publish.
        expect(after.length).toBe(size + 50);
        expect(after.subarray(0, SUPERBLOCK_A_OFFSET)).toEqual(g.bytes.subarray(0, SUPERBLOCK_A_OFFSET));
        expect(after.subarray(SEGMENT_START, size)).toEqual(g.bytes.subarray(SEGMENT_START, size));
        const h = decodeSegmentHeader(after, size);
        expect(h.type).toBe(3);
        expect(decodeManifest(after.subarray(size + 32)).lastSegmentOffset).toBe(BigInt(size));
        const slot = (b: Uint8Array, at: number) => b.subarray(at, at + SUPERBLOCK_SIZE);
        const before = selectSuperblock(slot(g.bytes, SUPERBLOCK_A_OFFSET), slot(g.bytes, SUPERBLOCK_B_OFFSET))!;
        const now = selectSuperblock(slot(after, SUPERBLOCK_A_OFFSET), slot(after, SUPERBLOCK_B_OFFSET))!;
        expect(now.slot).not.toBe(before.slot);
        expect(now.sb.generation).toBe(before.sb.generation + 1n);
        expect(now.sb.manifestOffset).toBe(BigInt(size));
        // The untouched slot keeps its bytes.
        const kept = before.slot === 'A' ? SUPERBLOCK_A_OFFSET : SUPERBLOCK_B_OFFSET;
        expect(slot(after, kept)).toEqual(slot(g.bytes, kept));
        // Healed: strict and read-only opens now succeed with the same content.
        for (const opts of [{ recovery: 'strict' as const }, { readOnly: true }]) {
          const again = Database.open(PATH, { fs, ...opts });
          expect(dumpJson(again)).toEqual(g.expected);
          expect(again.recoveryInfo.truncatedBytes).toBe(0);
          again.close();
        }
        expect(fs.peek(PATH)!.length).toBe(size + 50);
      });

      it('strict open', () => {
        const fs = createMemFs({ files: { [PATH]: g.bytes } });
        if (strict.ok || g.isPort) {
          const db = Database.open(PATH, { fs, recovery: 'strict' });
          expect(dumpJson(db)).toEqual(g.expected);
          db.close();
        } else {
          expectRefusal(() => Database.open(PATH, { fs, recovery: 'strict' }), strict);
        }
        expect(fs.peek(PATH)).toEqual(g.bytes);
      });

      it('read-only open (and read-only auto-truncate writes nothing)', () => {
        const fs = createMemFs({ files: { [PATH]: g.bytes } });
        if (readOnly.ok || g.isPort) {
          const db = Database.open(PATH, { fs, readOnly: true });
          expect(dumpJson(db)).toEqual(g.expected);
          db.close();
        } else {
          expectRefusal(() => Database.open(PATH, { fs, readOnly: true }), readOnly);
        }
        if (auto.ok || g.isPort) {
          const db = Database.open(PATH, { fs, readOnly: true, recovery: 'auto-truncate' });
          expect(dumpJson(db)).toEqual(g.expected);
          expect(db.recoveryInfo.truncatedBytes).toBe(auto.truncated_bytes ?? 0);
          expect(db.recoveryInfo.healed).toBe(false);
          db.close();
        }
        expect(fs.peek(PATH)).toEqual(g.bytes);
      });

      it('in-memory image open equals the file open', () => {
        if (!auto.ok && !g.isPort) return;
        const db = Database.fromSnapshotBytes(g.bytes);
        expect(dumpJson(db)).toEqual(g.expected);
        db.close();
      });
    });
  }
});
