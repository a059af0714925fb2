/**
 * Byte parity with the Rust engine: every golden operation script replayed through our API
 * into a fresh file must produce NAME.typra exactly, with the recorded outcome and file size
 * after every single call (the first size that differs shows where we diverge).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/engine/database.ts';
import { createMemFs } from '../../src/fs/memfs.ts';
import { nodeFs } from '../../src/fs/node.ts';
import { loadGolden } from './golden-files.ts';
import { loadOps, opsNames, replayOps } from './ops-replay.ts';

const names = opsNames();

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

describe('golden op scripts: byte parity (memfs)', () => {
  it('has the 20 scripts', () => {
    expect(names.length).toBe(20);
  });
  for (const name of names) {
    it(name, () => {
      const script = loadOps(name);
      const fs = createMemFs({ directories: ['/golden'] });
      const path = '/golden/db.typra';
      const image = replayOps(script, {
        fs,
        path,
        fileBytes: () => fs.peek(path) ?? new Uint8Array(0),
        writeFile: (bytes) => {
          const h = fs.open(path, 'create-truncate');
          h.writeAt(bytes, 0);
          h.sync();
          h.close();
        },
      });
      const golden = loadGolden(name).bytes;
      expect(firstDifference(image, golden)).toBe(-1);
      expect(image.length).toBe(script.file_size);
    });
  }
});

describe('golden op scripts: byte parity on the real filesystem', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mv-ops-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  for (const name of ['txn_committed', 'txn_rolled_back', 'indexes', 'torn_tail_uncommitted_txn']) {
    it(name, () => {
      const script = loadOps(name);
      const path = join(dir, `${name}.typra`);
      const image = replayOps(script, {
        fs: nodeFs(),
        path,
        fileBytes: () => new Uint8Array(readFileSync(path)),
        writeFile: (bytes) => writeFileSync(path, bytes),
      });
      expect(firstDifference(image, loadGolden(name).bytes)).toBe(-1);
    });
  }

  it('a golden file reopened after replay has the rows the script wrote', () => {
    const path = join(dir, 'reopen.typra');
    replayOps(loadOps('replace_delete'), {
      fs: nodeFs(),
      path,
      fileBytes: () => new Uint8Array(readFileSync(path)),
      writeFile: (bytes) => writeFileSync(path, bytes),
    });
    const db = Database.open(path, { readOnly: true });
    try {
      expect(db.rowCount(db.collections()[0]!.id)).toBe(4);
    } finally {
      db.close();
    }
  });
});
