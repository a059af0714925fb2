import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeIndexPayload, encodeIndexPayload, validateIndexPayload } from '../../src/format/index-payload.ts';
import type { IndexEntry } from '../../src/format/index-payload.ts';

const entry: fc.Arbitrary<IndexEntry> = fc.record({
  collectionId: fc.nat(5),
  kind: fc.constantFrom('unique' as const, 'non_unique' as const),
  op: fc.constantFrom('insert' as const, 'delete' as const),
  name: fc.constantFrom('by_a', 'by_b', 'ünï'),
  key: fc.uint8Array({ maxLength: 6 }),
  pk: fc.uint8Array({ maxLength: 6 }),
});

function outcome(f: () => unknown): string {
  try {
    const r = f();
    return `ok ${Array.isArray(r) ? r.length : String(r)}`;
  } catch (e) {
    return `${(e as { code: string }).code}: ${(e as Error).message}`;
  }
}

describe('validateIndexPayload', () => {
  it('accepts and rejects exactly what decodeIndexPayload does, with the same error', () => {
    fc.assert(
      fc.property(
        fc.array(entry, { maxLength: 6 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
        fc.integer({ min: -3, max: 2 }),
        (entries, flips, cut) => {
          const p = encodeIndexPayload(entries).slice();
          for (const [at, v] of flips) if (p.length > 0) p[at % p.length] = v;
          const bytes = cut < 0 ? p.subarray(0, Math.max(0, p.length + cut)) : new Uint8Array([...p, ...new Uint8Array(cut)]);
          expect(outcome(() => validateIndexPayload(bytes))).toBe(outcome(() => decodeIndexPayload(bytes)));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
