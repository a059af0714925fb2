import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpointEnvelope } from '../../src/format/checkpoint.ts';
import { arenaAlloc, arenaReset, arenaUsed, arenaView } from '../../src/wasm/arena.ts';
import { frameCheckpoint, framedCheckpointLength } from '../../src/wasm/checkpoint-frame.ts';
import { crc32c } from '../../src/wasm/crc32c.ts';

const bytes = fc.uint8Array({ maxLength: 300 });

describe('checkpointFrame kernel', () => {
  it('matches the TypeScript reference encoder byte for byte, with the payload CRC', () => {
    fc.assert(
      fc.property(
        fc.array(bytes, { maxLength: 6 }),
        fc.array(bytes, { maxLength: 40 }),
        bytes,
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        fc.nat({ max: 64 }),
        (catalog, records, indexBlob, replay, headroom) => {
          const mark = arenaUsed();
          const framed = frameCheckpoint(catalog, records, indexBlob, replay, headroom);
          try {
            const expected = encodeCheckpointEnvelope({ replayFromOffset: replay, catalog, records, indexBlob });
            const payload = framed.view.subarray(headroom);
            expect(framed.payloadLength).toBe(expected.length);
            expect(framedCheckpointLength(catalog, records, indexBlob)).toBe(expected.length);
            expect(Buffer.from(payload).equals(Buffer.from(expected))).toBe(true);
            expect(framed.crc).toBe(crc32c(expected));
          } finally {
            framed.release();
          }
          expect(arenaUsed()).toBe(mark);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reads pieces that already live in wasm memory in place', () => {
    const mark = arenaUsed();
    const at = arenaAlloc(8);
    arenaView(at, 8).set([1, 2, 3, 4, 5, 6, 7, 8]);
    const piece = arenaView(at, 8);
    const framed = frameCheckpoint([], [piece, new Uint8Array([9])], new Uint8Array([2, 0, 0, 0, 0, 0]), 8224n);
    const decoded = decodeCheckpoint(framed.view.slice());
    expect([...decoded.records[0]!]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...decoded.records[1]!]).toEqual([9]);
    expect(decoded.replayFromOffset).toBe(8224n);
    framed.release();
    arenaReset(mark);
  });

  it('survives memory growth while pieces are copied in (large inputs)', () => {
    const big = new Uint8Array(3 * 1024 * 1024).map((_, i) => i * 7);
    const records = [big, big.subarray(5, 100)];
    const framed = frameCheckpoint([new Uint8Array([4])], records, new Uint8Array(6), 1n << 40n);
    const expected = encodeCheckpointEnvelope({ replayFromOffset: 1n << 40n, catalog: [new Uint8Array([4])], records, indexBlob: new Uint8Array(6) });
    expect(Buffer.from(framed.view).equals(Buffer.from(expected))).toBe(true);
    expect(framed.crc).toBe(crc32c(expected));
    framed.release();
  });

  it('refuses an out-of-range replay offset with a typed error', () => {
    expect(() => frameCheckpoint([], [], new Uint8Array(6), 1n << 64n)).toThrow(expect.objectContaining({ code: 'Usage.OutOfBounds' }));
  });
});

describe('index blob writer', () => {
  it('equals encodeIndexPayload(indexEntries(state)) byte for byte', async () => {
    const { Database } = await import('../../src/engine/database.ts');
    const { encodeIndexPayload } = await import('../../src/format/index-payload.ts');
    const { encodeIndexBlob, indexEntries } = await import('../../src/maintenance/checkpoint-image.ts');
    const { populate } = await import('./helpers.ts');
    const db = Database.openInMemory();
    populate(db, 30);
    db.insert('users', { id: 1000n, email: 'ünïcode-✓@x.io', age: 21n });
    const fast = encodeIndexBlob(db.state);
    const slow = encodeIndexPayload(indexEntries(db.state));
    expect(fast.length).toBeGreaterThan(6);
    expect(Buffer.from(fast).equals(Buffer.from(slow))).toBe(true);
  });
});
