/**
 * Hostile images: random multi-byte damage and random truncation of golden files must end
 * in a successful open or a ModelVaultError — never another exception, never a hang — and
 * the CLI inspectors must describe them without crashing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inspectImage } from '../../src/cli/commands/inspect.ts';
import { verifyImage } from '../../src/cli/commands/verify.ts';
import { Database } from '../../src/engine/database.ts';
import { dumpDatabase } from '../../src/engine/dump.ts';
import { ModelVaultError } from '../../src/errors.ts';
import { goldenNames, loadGolden } from '../golden/golden-files.ts';

const images = goldenNames()
  .filter((n) => n !== 'big_index_scan')
  .map((n) => loadGolden(n).bytes);

function typedOrOk(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof ModelVaultError)) throw e;
  }
}

function everyWay(img: Uint8Array): void {
  for (const recovery of ['auto-truncate', 'strict'] as const) {
    typedOrOk(() => {
      const db = Database.openImage(img, { recovery, readOnly: true });
      JSON.stringify(dumpDatabase(db));
    });
  }
  typedOrOk(() => Database.fromSnapshotBytes(img));
  typedOrOk(() => verifyImage(img));
  typedOrOk(() => inspectImage('x', img));
}

describe('hostile images', () => {
  it('random byte damage in the log region', () => {
    fc.assert(
      fc.property(
        fc.nat(images.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        (which, edits) => {
          const img = images[which]!.slice();
          for (const [at, v] of edits) img[8224 + (at % (img.length - 8224))] = v;
          everyWay(img);
        },
      ),
      { numRuns: 300, seed: 42 },
    );
  });

  it('random truncation and garbage tails', () => {
    fc.assert(
      fc.property(fc.nat(images.length - 1), fc.nat(), fc.uint8Array({ maxLength: 80 }), (which, cut, tail) => {
        const src = images[which]!;
        const img = new Uint8Array((cut % src.length) + tail.length);
        img.set(src.subarray(0, cut % src.length));
        img.set(tail, cut % src.length);
        everyWay(img);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('random small files', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 9000 }), (img) => everyWay(img)),
      { numRuns: 100, seed: 3 },
    );
  });

  it('losing the last Manifest loses no committed row', () => {
    const g = loadGolden('replace_delete');
    const full = Database.openImage(g.bytes, { readOnly: true }).rowCount(1);
    const cut = Database.openImage(g.bytes.subarray(0, g.bytes.length - 1), { readOnly: true, recovery: 'auto-truncate' });
    expect(cut.recoveryInfo.reason).toBe('torn_tail');
    expect(cut.recoveryInfo.truncatedBytes).toBe(49);
    expect(cut.rowCount(1)).toBe(full);
  });
});
