/**
 * Opening a checkpointed file reads the header, superblocks, the checkpoint and the tail —
 * never the log the checkpoint covers — and still recovers a torn tail.
 */
import { describe, expect, it } from 'vitest';
import { Database } from '../../src/engine/database.ts';
import { SEGMENT_START } from '../../src/format/constants.ts';
import { createMemFs } from '../../src/fs/memfs.ts';
import { logical, openDb, populate } from './helpers.ts';

const PATH = '/db/app.typra';

function readRanges(fs: ReturnType<typeof createMemFs>): Array<[number, number]> {
  return fs.calls
    .filter((c) => c.op === 'readAt' && c.path.endsWith('app.typra'))
    .map((c) => {
      const m = /, (\d+), (\d+)\)$/.exec(c.description)!;
      return [Number(m[1]), Number(m[1]) + Number(m[2])] as [number, number];
    });
}

function checkpointed() {
  const fs = createMemFs({ directories: ['/db'] });
  const db = openDb(fs);
  populate(db, 200);
  const cp = db.checkpoint();
  db.insert('users', { id: 1000n, email: 'tail@x.io', age: 3n });
  const state = logical(db);
  db.close();
  return { fs, cp, state };
}

describe('open with a checkpoint', () => {
  it('does not read the log before the checkpoint', () => {
    const { fs, cp, state } = checkpointed();
    expect(cp.offset).toBeGreaterThan(SEGMENT_START + 10_000);
    fs.resetCalls();
    const db = Database.open(PATH, { fs, readOnly: true });
    expect(db.recoveryInfo.checkpoint).toBe('loaded');
    expect(logical(db)).toEqual(state);
    db.close();
    const ranges = readRanges(fs);
    expect(ranges.length).toBeGreaterThan(0);
    for (const [a, b] of ranges) expect(b <= SEGMENT_START || a >= cp.offset, `read [${a}, ${b})`).toBe(true);
  });

  it('does not checksum it either: damage there is found by verify, not by open', () => {
    const { fs, cp, state } = checkpointed();
    const h = fs.open(PATH, 'readwrite');
    const at = SEGMENT_START + 200;
    const b = new Uint8Array(1);
    h.readAt(b, at);
    b[0]! ^= 0xff;
    h.writeAt(b, at);
    h.close();
    expect(cp.offset).toBeGreaterThan(at);
    const db = Database.open(PATH, { fs, readOnly: true });
    expect(logical(db)).toEqual(state);
    db.close();
  });

  it('still cuts a torn tail after the checkpoint (auto-truncate) and refuses it in strict mode', () => {
    const { fs, state } = checkpointed();
    const len = fs.peek(PATH)!.length;
    const h = fs.open(PATH, 'readwrite');
    h.writeAt(new Uint8Array([0x54, 0x53, 0x47, 0x30, 0, 0, 2, 0]), len);
    h.close();
    expect(() => Database.open(PATH, { fs, readOnly: true })).toThrow(expect.objectContaining({ code: 'Format.UncleanLogTail' }));
    const db = Database.open(PATH, { fs });
    expect(db.recoveryInfo.truncatedBytes).toBe(8);
    expect(db.recoveryInfo.checkpoint).toBe('loaded');
    expect(logical(db)).toEqual(state);
    db.close();
  });

  it('falls back to the full algorithm when the checkpoint is damaged (auto-truncate)', () => {
    const { fs, cp, state } = checkpointed();
    const h = fs.open(PATH, 'readwrite');
    const at = cp.offset + 32 + 40;
    const b = new Uint8Array(1);
    h.readAt(b, at);
    b[0]! ^= 0xff;
    h.writeAt(b, at);
    h.close();
    expect(() => Database.open(PATH, { fs, readOnly: true })).toThrow(
      expect.objectContaining({ code: 'Format.BadSegmentPayloadChecksum' }),
    );
    // The full replay of the log reproduces the same state without the checkpoint.
    const db = Database.open(PATH, { fs, readOnly: true, recovery: 'auto-truncate' });
    expect(db.recoveryInfo.checkpoint).toBe('ignored-invalid');
    expect(logical(db)).toEqual(state);
    db.close();
  });
});
