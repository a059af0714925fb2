import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DerivedIndex } from '../../src/engine/index-state.ts';
import { orderedView, rangeBuckets } from '../../src/query/ordered-index.ts';
import { comparatorFor } from '../../src/query/predicate.ts';
import type { ScalarType } from '../../src/schema/types.ts';
import type { ScalarValue } from '../../src/schema/values.ts';

const arbs: [ScalarType, fc.Arbitrary<ScalarValue>][] = [
  ['int64', fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n })],
  ['uint64', fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })],
  ['timestamp', fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n })],
  ['float64', fc.double()],
  ['string', fc.string({ unit: 'binary', maxLength: 4 })],
  ['string', fc.string({ unit: 'grapheme-ascii', maxLength: 4 })],
  ['bytes', fc.uint8Array({ maxLength: 4 })],
  ['bool', fc.boolean()],
];

describe('ordered index view', () => {
  for (const [type, arb] of arbs) {
    it(`orders ${type} keys by value and answers ranges like a filter`, () => {
      fc.assert(
        fc.property(fc.array(arb, { maxLength: 60 }), arb, arb, fc.boolean(), fc.boolean(), (values, lo, hi, li, hi2) => {
          const ix = new DerivedIndex(1, { name: 'ix', path: ['v'], kind: 'non_unique' }, type);
          values.forEach((v, i) => ix.add({ pk: BigInt(i), pkKey: new Uint8Array(0), row: { v }, version: 1 }, `pk${i}`));
          const low = { value: lo, inclusive: li };
          const high = { value: hi, inclusive: hi2 };
          const cmp = comparatorFor(type);
          const names = (bs: readonly { key: Uint8Array }[]) => bs.map((b) => b.key.join(',')).sort();
          const want = [...ix.buckets.values()].filter((b) => {
            const a = cmp(b.value, lo);
            const z = cmp(b.value, hi);
            return (a > 0 || (a === 0 && li)) && (z < 0 || (z === 0 && hi2));
          });
          // First call: bucket filter; second call: the ordered view.
          expect(names(rangeBuckets(ix, low, high))).toEqual(names(want));
          expect(names(rangeBuckets(ix, low, high))).toEqual(names(want));
          const view = orderedView(ix)!;
          for (let i = 1; i < view.values.length; i++) {
            const c = cmp(view.values[i - 1]!, view.values[i]!);
            // Strictly increasing, except −0 before +0 (equal under IEEE).
            expect(c < 0 || (c === 0 && Object.is(view.values[i - 1]!, -0))).toBe(true);
          }
          for (let i = 0; i < view.values.length; i++) expect(Object.is(view.bucketAt(i)!.value, view.values[i]) || cmp(view.bucketAt(i)!.value, view.values[i]!) === 0).toBe(true);
          expect(view.values.length).toBe([...ix.buckets.values()].filter((b) => !(typeof b.value === 'number' && Number.isNaN(b.value))).length);
        }),
        { numRuns: 150 },
      );
    });
  }
});
