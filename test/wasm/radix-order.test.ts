import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arenaUsed } from '../../src/wasm/arena.ts';
import { radixOrder } from '../../src/wasm/radix-order.ts';

/** Stable order of the keys by bytes, the slow way. */
function reference(keys: Uint8Array, n: number, w: number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  const key = (i: number) => Buffer.from(keys.subarray(i * w, i * w + w));
  return idx.sort((a, b) => Buffer.compare(key(a), key(b)) || a - b);
}

describe('radixOrder kernel', () => {
  it('is the stable byte order of fixed-width keys (few distinct bytes, so ties and constant positions are common)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 0, max: 700 }),
        fc.integer({ min: 1, max: 256 }),
        fc.integer(),
        (w, n, spread, seed) => {
          const keys = new Uint8Array(n * w);
          let x = seed >>> 0 || 1;
          for (let i = 0; i < keys.length; i++) {
            x = (x * 1103515245 + 12345) >>> 0;
            // Low positions vary, high ones mostly not: like little-endian small integers.
            keys[i] = (i % w) < 3 ? (x >>> 16) % spread : (x >>> 16) % 2 === 0 ? 0 : (x >>> 8) % spread;
          }
          const mark = arenaUsed();
          expect([...radixOrder(keys, n, w)]).toEqual(reference(keys, n, w));
          expect(arenaUsed()).toBe(mark);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('orders 100k little-endian int64 keys like their canonical bytes', () => {
    const n = 100_000;
    const keys = new Uint8Array(n * 8);
    const dv = new DataView(keys.buffer);
    for (let i = 0; i < n; i++) dv.setBigInt64(i * 8, BigInt(i), true);
    const order = radixOrder(keys, n, 8);
    // Little-endian bytes compare low byte first: 65536 = [0, 0, 1] sorts before 256 = [0, 1, 0].
    expect([...order.subarray(0, 4)]).toEqual([0, 65536, 256, 65792]);
    for (let j = 1; j < n; j++) {
      const a = keys.subarray(order[j - 1]! * 8, order[j - 1]! * 8 + 8);
      const b = keys.subarray(order[j]! * 8, order[j]! * 8 + 8);
      expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(-1);
    }
  });

  it('refuses widths and lengths it cannot sort, with a typed error', () => {
    for (const [keys, n, w] of [
      [new Uint8Array(17), 1, 17],
      [new Uint8Array(0), 0, 0],
      [new Uint8Array(8), 2, 8],
      [new Uint8Array(8), -1, 8],
    ] as const) {
      expect(() => radixOrder(keys, n, w)).toThrow(expect.objectContaining({ code: 'Usage.OutOfBounds' }));
    }
  });
});
