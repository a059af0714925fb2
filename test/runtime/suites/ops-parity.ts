/**
 * Byte parity with the Rust engine on any filesystem: every golden op script replayed
 * through our API into a file of `makeFs()` must produce NAME.typra exactly (the op runner
 * also checks every call's outcome and the file size after it).
 */
import { describe, expect, it } from 'vitest';
import type { FsFixture } from '../../conformance/fsops-suite.ts';
import { loadGolden } from '../../golden/golden-files.ts';
import { loadOps, opsNames, replayOps } from '../../golden/ops-replay.ts';

function readAll(fx: FsFixture, path: string): Uint8Array {
  if (!fx.fs.exists(path)) return new Uint8Array(0);
  const h = fx.fs.open(path, 'read');
  try {
    const bytes = new Uint8Array(h.length());
    h.readAt(bytes, 0);
    return bytes;
  } finally {
    h.close();
  }
}

export function runOpsParity(name: string, makeFs: () => FsFixture): void {
  describe(`golden op scripts, byte parity: ${name}`, () => {
    const names = opsNames();
    it('has the 20 scripts', () => expect(names.length).toBe(20));
    for (const scenario of names) {
      it(scenario, () => {
        const fx = makeFs();
        try {
          const path = `${fx.dir}/${scenario}.typra`;
          const script = loadOps(scenario);
          const image = replayOps(script, {
            fs: fx.fs,
            path,
            fileBytes: () => readAll(fx, path),
            writeFile: (bytes) => {
              const h = fx.fs.open(path, 'create-truncate');
              h.writeAt(bytes, 0);
              h.sync();
              h.close();
            },
          });
          expect(image).toEqual(loadGolden(scenario).bytes);
        } finally {
          fx.cleanup();
        }
      });
    }
  });
}
