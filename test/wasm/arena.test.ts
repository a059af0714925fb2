import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  arenaAlloc, arenaCommitted, arenaReset, arenaUsed, arenaView, crc32cArena, crc32cScratch, wasmScratch,
} from '../../src/wasm/arena.ts';
import { crc32c } from '../../src/wasm/crc32c.ts';
import { isModelVaultError } from '../../src/errors.ts';
import { crc32cTable, pseudoRandomBytes } from './reference.ts';

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return isModelVaultError(e) ? e.code : `not a ModelVaultError: ${String(e)}`;
  }
  return undefined;
}

describe('scratch (zero-copy) path', () => {
  it('equals the copy-in path for every length 0..300 at every offset 0..15', () => {
    const src = pseudoRandomBytes(316, 77);
    const scratch = wasmScratch(316);
    scratch.set(src);
    for (let off = 0; off < 16; off++) {
      for (let len = 0; len <= 300; len++) {
        const expected = crc32c(src.subarray(off, off + len));
        const got = crc32cScratch(off, len);
        if (got !== expected) expect({ off, len, got }).toEqual({ off, len, got: expected });
      }
    }
  });

  it('random large contents and seeds (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 200_000 }), fc.nat(0xffffffff), (bytes, seed) => {
        const view = wasmScratch(bytes.length);
        view.set(bytes);
        expect(crc32cScratch(0, bytes.length, seed)).toBe(crc32cTable(bytes, seed));
        // A view into WebAssembly memory passed to crc32c() is checksummed in place.
        expect(crc32c(view, seed)).toBe(crc32cTable(bytes, seed));
      }),
      { numRuns: 25 },
    );
  });

  it('views of wasm memory larger than the copy window work through crc32c()', () => {
    const bytes = pseudoRandomBytes(300_000, 3);
    const view = wasmScratch(bytes.length);
    view.set(bytes);
    expect(crc32c(view)).toBe(crc32cTable(bytes));
    expect(crc32c(view.subarray(5, 299_999))).toBe(crc32cTable(bytes.subarray(5, 299_999)));
  });

  it('rejects ranges outside the last scratch view', () => {
    wasmScratch(100);
    expect(codeOf(() => crc32cScratch(0, 101))).toBe('Usage.OutOfBounds');
    expect(codeOf(() => crc32cScratch(101, 0))).toBe('Usage.OutOfBounds');
    expect(codeOf(() => crc32cScratch(-1, 1))).toBe('Usage.OutOfBounds');
    expect(codeOf(() => crc32cScratch(0.5, 1))).toBe('Usage.OutOfBounds');
    expect(codeOf(() => wasmScratch(-1))).toBe('Usage.OutOfBounds');
    expect(codeOf(() => wasmScratch(2 ** 33))).toBe('Usage.OutOfBounds');
    expect(crc32cScratch(100, 0)).toBe(0);
  });
});

describe('arena allocations', () => {
  it('allocations are 16-byte aligned, disjoint, and checksum in place', () => {
    const mark = arenaUsed();
    const a = arenaAlloc(13);
    const b = arenaAlloc(1000);
    const c = arenaAlloc(0);
    expect([a % 16, b % 16, c % 16]).toEqual([0, 0, 0]);
    expect(b).toBeGreaterThanOrEqual(a + 13);
    expect(c).toBeGreaterThanOrEqual(b + 1000);
    const da = pseudoRandomBytes(13, 1);
    const db = pseudoRandomBytes(1000, 2);
    arenaView(a, 13).set(da);
    arenaView(b, 1000).set(db);
    expect(crc32cArena(a, 13)).toBe(crc32c(da));
    expect(crc32cArena(b, 1000)).toBe(crc32c(db));
    expect(crc32cArena(b + 10, 500, 7)).toBe(crc32c(db.subarray(10, 510), 7));
    // Scratch lives above the allocations, so using it leaves them intact.
    wasmScratch(5000).fill(0xee);
    expect(crc32cArena(a, 13)).toBe(crc32c(da));
    arenaReset(mark);
    expect(arenaUsed()).toBe(mark);
  });

  it('rejects ranges outside the allocated part and bad marks', () => {
    const mark = arenaUsed();
    const off = arenaAlloc(64);
    expect(codeOf(() => arenaView(off, 65))).toBe('Usage.OutOfBounds');
    expect(codeOf(() => crc32cArena(off + 64, 1))).toBe('Usage.OutOfBounds');
    expect(codeOf(() => arenaReset(arenaUsed() + 1))).toBe('Usage.OutOfBounds');
    expect(codeOf(() => arenaAlloc(Number.NaN))).toBe('Usage.OutOfBounds');
    expect(codeOf(() => arenaAlloc(2 ** 32))).toBe('Usage.OutOfBounds');
    arenaReset(mark);
    expect(codeOf(() => arenaView(off, 64))).toBe('Usage.OutOfBounds');
  });

  it('memory growth detaches old views but keeps contents and results correct', () => {
    const mark = arenaUsed();
    const keepData = pseudoRandomBytes(4096, 42);
    const keep = arenaAlloc(keepData.length);
    const oldView = arenaView(keep, keepData.length);
    oldView.set(keepData);
    const before = arenaCommitted();
    const big = arenaAlloc(before + 3 * 1024 * 1024);
    expect(arenaCommitted()).toBeGreaterThan(before);
    // The documented lifetime rule: growth detaches views handed out earlier.
    expect(oldView.length).toBe(0);
    expect(arenaView(keep, keepData.length)).toEqual(keepData);
    expect(crc32cArena(keep, keepData.length)).toBe(crc32cTable(keepData));
    const bigData = pseudoRandomBytes(before + 3 * 1024 * 1024, 43);
    arenaView(big, bigData.length).set(bigData);
    expect(crc32cArena(big, bigData.length)).toBe(crc32cTable(bigData));
    // The copy-in path is unaffected by growth.
    expect(crc32c(keepData)).toBe(crc32cTable(keepData));
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    arenaReset(mark);
  });

  it('crc32c() on plain arrays never grows memory, so arena views stay valid', () => {
    const mark = arenaUsed();
    const off = arenaAlloc(256);
    const view = arenaView(off, 256);
    view.fill(1);
    crc32c(pseudoRandomBytes(5 * 1024 * 1024, 9));
    expect(view.length).toBe(256);
    expect(view[255]).toBe(1);
    arenaReset(mark);
  });
});
