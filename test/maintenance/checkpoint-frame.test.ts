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

  it('streams many pieces through several batches, with and without the sizes known up front', () => {
    // More pieces than one batch's table and more bytes than one staging window.
    const records = Array.from({ length: 20000 }, (_, i) => new Uint8Array(i % 257).fill(i & 0xff));
    const catalog = [new Uint8Array([4, 0, 1]), new Uint8Array(0)];
    const indexBlob = new Uint8Array(70000).map((_, i) => i);
    const expected = encodeCheckpointEnvelope({ replayFromOffset: 77n, catalog, records, indexBlob });
    const payloadLength = framedCheckpointLength(catalog, records, indexBlob);
    for (const known of [undefined, { payloadLength, largestPiece: 70000 }]) {
      const mark = arenaUsed();
      const framed = frameCheckpoint(catalog, records, indexBlob, 77n, 32, known);
      expect(framed.payloadLength).toBe(expected.length);
      expect(Buffer.from(framed.view.subarray(32)).equals(Buffer.from(expected))).toBe(true);
      expect(framed.crc).toBe(crc32c(expected));
      framed.release();
      expect(arenaUsed()).toBe(mark);
    }
  });

  it('frames records through a record order (records staged in the order given, runs of one buffer copied at once)', () => {
    fc.assert(
      fc.property(fc.array(bytes, { maxLength: 60 }), fc.integer(), fc.boolean(), (parts, seed, shared) => {
        // Half the time the records are back-to-back views of one buffer, like a record slab.
        let records = parts;
        if (shared) {
          const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
          let at = 0;
          records = parts.map((p) => {
            all.set(p, at);
            at += p.length;
            return all.subarray(at - p.length, at);
          });
        }
        const order = records.map((_, i) => i);
        let x = seed >>> 0 || 1;
        for (let i = order.length - 1; i > 0; i--) {
          x = (x * 1103515245 + 12345) >>> 0;
          const j = x % (i + 1);
          [order[i], order[j]] = [order[j]!, order[i]!];
        }
        const inOrder = order.map((i) => records[i]!);
        const catalog = [new Uint8Array([4, 1])];
        const indexBlob = new Uint8Array([2, 0, 0, 0, 0, 0]);
        const expected = encodeCheckpointEnvelope({ replayFromOffset: 5n, catalog, records: inOrder, indexBlob });
        const recordBytes = records.reduce((n, p) => n + p.length, 0);
        const largestPiece = Math.max(2, 6, ...records.map((p) => p.length));
        const mark = arenaUsed();
        const framed = frameCheckpoint(catalog, records, indexBlob, 5n, 8, {
          payloadLength: expected.length,
          largestPiece,
          recordOrder: Int32Array.from(order),
          recordBytes,
        });
        try {
          expect(Buffer.from(framed.view.subarray(8)).equals(Buffer.from(expected))).toBe(true);
          expect(framed.crc).toBe(crc32c(expected));
        } finally {
          framed.release();
        }
        expect(arenaUsed()).toBe(mark);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses a record order that is not a permutation, or a wrong records total', () => {
    const records = [new Uint8Array(10), new Uint8Array(20), new Uint8Array(5)];
    const indexBlob = new Uint8Array(6);
    const payloadLength = framedCheckpointLength([], records, indexBlob);
    const mark = arenaUsed();
    for (const [recordOrder, recordBytes] of [
      [[0, 1, 1], 35],
      [[0, 1, 3], 35],
      [[2, 1, -1], 35],
      [[0, 1], 35],
      [[0, 1, 2], 34],
      [[0, 1, 2], 36],
    ] as const) {
      expect(() => frameCheckpoint([], records, indexBlob, 1n, 0, { payloadLength, largestPiece: 20, recordOrder, recordBytes })).toThrow(
        expect.objectContaining({ code: 'Usage.OutOfBounds' }),
      );
      expect(arenaUsed()).toBe(mark);
    }
  });

  it('refuses stated sizes the pieces do not match, leaving the arena as it was', () => {
    const records = [new Uint8Array(10), new Uint8Array(20)];
    const indexBlob = new Uint8Array(6);
    const payloadLength = framedCheckpointLength([], records, indexBlob);
    const mark = arenaUsed();
    for (const known of [
      { payloadLength: payloadLength - 1, largestPiece: 20 },
      { payloadLength: payloadLength + 1, largestPiece: 20 },
      { payloadLength, largestPiece: 19 },
    ]) {
      expect(() => frameCheckpoint([], records, indexBlob, 1n, 0, known)).toThrow(expect.objectContaining({ code: 'Usage.OutOfBounds' }));
      expect(arenaUsed()).toBe(mark);
    }
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

  it('equals it with buckets and bucket counts large enough for the radix kernel, keys inserted out of order', async () => {
    const { Database } = await import('../../src/engine/database.ts');
    const { encodeIndexPayload } = await import('../../src/format/index-payload.ts');
    const { encodeIndexBlob, indexEntries } = await import('../../src/maintenance/checkpoint-image.ts');
    const { f, populate } = await import('./helpers.ts');
    const db = Database.openInMemory();
    populate(db, 2000); // by_age: buckets of ~250-300 primary keys
    db.registerCollection('nums', [f('id', 'int64'), f('n', 'int64'), f('g', 'uint64')], 'id', [
      { name: 'by_n', path: ['n'], kind: 'unique' },
      { name: 'by_g', path: ['g'], kind: 'non_unique' },
    ]);
    db.transaction(() => {
      for (let i = 0; i < 1500; i++) {
        const id = BigInt((i * 7919) % 1500) - 700n;
        db.insert('nums', { id, n: BigInt((i * 104729) % 65537) - 30000n, g: BigInt(i % 3) * 1000n });
      }
    });
    const fast = encodeIndexBlob(db.state);
    const slow = encodeIndexPayload(indexEntries(db.state));
    expect(fast.length).toBeGreaterThan(1500 * 20);
    expect(Buffer.from(fast).equals(Buffer.from(slow))).toBe(true);
  });
});
