/**
 * The one Store conformance suite: FileStore over every adapter and MemoryStore run it.
 * Includes a model-based property test (random writes/truncates against a plain array).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Store } from '../../src/storage/store.ts';
import { expectCode } from './fsops-suite.ts';

export interface StoreFixture {
  store: Store;
  /** Closes the store and reopens the same bytes (undefined when not reopenable). */
  reopen?: () => Store;
  cleanup(): void;
}

type Op = { kind: 'write'; position: number; bytes: Uint8Array } | { kind: 'truncate'; length: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('write' as const),
    position: fc.integer({ min: 0, max: 9000 }),
    bytes: fc.uint8Array({ minLength: 0, maxLength: 700 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), length: fc.integer({ min: 0, max: 9000 }) }),
);

function applyToModel(model: number[], op: Op): void {
  if (op.kind === 'truncate') {
    if (op.length < model.length) model.length = op.length;
    else while (model.length < op.length) model.push(0);
    return;
  }
  if (op.bytes.length === 0) return; // pwrite of nothing does not extend
  while (model.length < op.position) model.push(0);
  op.bytes.forEach((b, i) => (model[op.position + i] = b));
}

export function runStoreConformance(name: string, makeStore: () => StoreFixture): void {
  describe(`Store conformance: ${name}`, () => {
    let fx: StoreFixture;
    let store: Store;

    beforeEach(() => {
      fx = makeStore();
      store = fx.store;
    });
    afterEach(() => fx.cleanup());

    it('starts empty', () => {
      expect(store.length()).toBe(0);
      expect(store.readAt(0, 0)).toEqual(new Uint8Array(0));
      expect(['file', 'memory']).toContain(store.kind);
    });

    it('reads exactly what was written', () => {
      store.writeAt(0, new Uint8Array([1, 2, 3, 4, 5]));
      expect(store.readAt(1, 3)).toEqual(new Uint8Array([2, 3, 4]));
      expect(store.readAt(5, 0)).toEqual(new Uint8Array(0));
      expect(store.length()).toBe(5);
    });

    it('a read past the end is Io.UnexpectedEof, however large', () => {
      store.writeAt(0, new Uint8Array(10));
      const e = expectCode(() => store.readAt(8, 3), 'Io.UnexpectedEof');
      expect(e.details.wanted).toBe(3);
      expect(e.details.got).toBe(2);
      expectCode(() => store.readAt(11, 1), 'Io.UnexpectedEof');
      // Must fail without trying to allocate 2^40 bytes.
      expectCode(() => store.readAt(0, 2 ** 40), 'Io.UnexpectedEof');
      expectCode(() => store.readAt(2 ** 40, 1), 'Io.UnexpectedEof');
    });

    it('returned bytes do not alias the store', () => {
      store.writeAt(0, new Uint8Array([7, 7]));
      const read = store.readAt(0, 2);
      read[0] = 99;
      expect(store.readAt(0, 2)).toEqual(new Uint8Array([7, 7]));
      const src = new Uint8Array([5]);
      store.writeAt(0, src);
      src[0] = 6;
      expect(store.readAt(0, 1)).toEqual(new Uint8Array([5]));
    });

    it('an empty write never extends', () => {
      store.writeAt(100, new Uint8Array(0));
      expect(store.length()).toBe(0);
    });

    it('a write past the end zero-fills the gap', () => {
      store.writeAt(0, new Uint8Array([9]));
      store.writeAt(6000, new Uint8Array([8]));
      expect(store.length()).toBe(6001);
      const all = store.readAt(0, 6001);
      expect(all[0]).toBe(9);
      expect(all[6000]).toBe(8);
      expect(all.subarray(1, 6000).every((b) => b === 0)).toBe(true);
    });

    it('truncate shrinks, and growing again reads zeros (no stale bytes)', () => {
      store.writeAt(0, new Uint8Array([1, 2, 3, 4, 5, 6]));
      store.truncate(2);
      expect(store.length()).toBe(2);
      store.truncate(6);
      expect(store.readAt(0, 6)).toEqual(new Uint8Array([1, 2, 0, 0, 0, 0]));
      store.truncate(2);
      store.writeAt(4, new Uint8Array([7]));
      expect(store.readAt(0, 5)).toEqual(new Uint8Array([1, 2, 0, 0, 7]));
    });

    it('sync keeps the content', () => {
      store.writeAt(0, new Uint8Array([4, 2]));
      store.sync();
      expect(store.readAt(0, 2)).toEqual(new Uint8Array([4, 2]));
    });

    it('rejects invalid positions and lengths', () => {
      expectCode(() => store.readAt(-1, 1), 'Io.InvalidArgument');
      expectCode(() => store.readAt(0, -1), 'Io.InvalidArgument');
      expectCode(() => store.readAt(0.5, 1), 'Io.InvalidArgument');
      expectCode(() => store.writeAt(-1, new Uint8Array(1)), 'Io.InvalidArgument');
      expectCode(() => store.truncate(-1), 'Io.InvalidArgument');
      expectCode(() => store.truncate(1.5), 'Io.InvalidArgument');
      expect(store.length()).toBe(0);
    });

    it('close is idempotent and every later call is Io.Closed', () => {
      store.close();
      store.close();
      expectCode(() => store.length(), 'Io.Closed');
      expectCode(() => store.readAt(0, 0), 'Io.Closed');
      expectCode(() => store.writeAt(0, new Uint8Array(1)), 'Io.Closed');
      expectCode(() => store.truncate(0), 'Io.Closed');
      expectCode(() => store.sync(), 'Io.Closed');
    });

    it('reopening shows the synced content', () => {
      if (fx.reopen === undefined) return;
      store.writeAt(0, new Uint8Array([1, 2, 3]));
      store.sync();
      store = fx.reopen();
      expect(store.readAt(0, 3)).toEqual(new Uint8Array([1, 2, 3]));
    });

    it('behaves like a plain byte array under random writes and truncates', () => {
      fc.assert(
        fc.property(fc.array(opArb, { maxLength: 25 }), (ops) => {
          store.truncate(0);
          const model: number[] = [];
          for (const op of ops) {
            if (op.kind === 'write') store.writeAt(op.position, op.bytes);
            else store.truncate(op.length);
            applyToModel(model, op);
            expect(store.length()).toBe(model.length);
          }
          expect([...store.readAt(0, model.length)]).toEqual(model);
        }),
        { numRuns: 40, seed: 42 },
      );
    });
  });
}
