import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isModelVaultError } from '../../src/errors.ts';
import type { CollectionDef, FieldDef, Type } from '../../src/schema/types.ts';
import { isEnum, isList, isObject, isOptional } from '../../src/schema/types.ts';
import { validateRow } from '../../src/schema/validate.ts';

const name = fc.string({ minLength: 1, maxLength: 6, unit: fc.constantFrom('a', 'b', 'é', '𝔸', '_', '.', ' ') });

const scalarType = fc.constantFrom<Type>('bool', 'int64', 'uint64', 'float64', 'string', 'bytes', 'uuid', 'timestamp');

const typeArb: fc.Arbitrary<Type> = fc.letrec<{ t: Type }>((tie) => ({
  t: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'type' },
    scalarType,
    fc.record({ optional: tie('t') }),
    fc.record({ list: tie('t') }),
    fc.record({ enum: fc.uniqueArray(name, { minLength: 1, maxLength: 3 }) }),
    fc.uniqueArray(fc.tuple(name, tie('t')), { maxLength: 3, selector: ([n]) => n }).map(
      (members): Type => ({ object: members.map(([n, t]): FieldDef => ({ path: [n], type: t, constraints: [] })) }),
    ),
  ),
})).t;

/** A value conforming to `t`, sometimes in an accepted non-canonical input form. */
function valueOf(t: Type): fc.Arbitrary<unknown> {
  if (typeof t === 'string') {
    switch (t) {
      case 'bool':
        return fc.boolean();
      case 'int64':
      case 'timestamp':
        return fc.oneof(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), fc.maxSafeInteger());
      case 'uint64':
        return fc.oneof(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.maxSafeNat());
      case 'float64':
        return fc.double();
      case 'string':
        return fc.string({ unit: 'grapheme', maxLength: 5 });
      case 'bytes':
        return fc.uint8Array({ maxLength: 6 });
      case 'uuid':
        return fc.oneof(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uuid());
    }
  }
  if (isOptional(t)) return fc.oneof(fc.constant(null), fc.constant(undefined), valueOf(t.optional));
  if (isList(t)) return fc.array(valueOf(t.list), { maxLength: 3 });
  if (isEnum(t)) return fc.constantFrom(...t.enum);
  if (isObject(t)) {
    const entries = t.object.map((m) => fc.tuple(fc.constant(m.path[0]!), valueOf(m.type), fc.boolean()));
    return fc.tuple(...entries).map((es) => {
      const o: Record<string, unknown> = {};
      for (const [k, v, omit] of es) {
        // absent optional members are allowed
        if (omit && (v === null || v === undefined)) continue;
        Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
      }
      return o;
    });
  }
  throw new Error('unreachable');
}

const pkType = fc.constantFrom<Type>('bool', 'int64', 'uint64', 'float64', 'string', 'bytes', 'uuid', 'timestamp');

/** Single-segment or multi-segment collections; multi-segment paths are prefix-free by construction. */
const collectionArb: fc.Arbitrary<CollectionDef> = fc
  .tuple(
    pkType,
    fc.uniqueArray(fc.tuple(name, fc.option(fc.uniqueArray(name, { minLength: 1, maxLength: 3 }), { nil: null })), {
      maxLength: 4,
      selector: ([n]) => n,
    }),
    fc.array(typeArb, { minLength: 16, maxLength: 16 }),
  )
  .map(([pk, tops, types]) => {
    const fields: FieldDef[] = [{ path: ['pk'], type: pk, constraints: [] }];
    let i = 0;
    for (const [top, children] of tops) {
      if (top === 'pk') continue;
      if (children === null) fields.push({ path: [top], type: types[i++ % types.length]!, constraints: [] });
      else for (const c of children) fields.push({ path: [top, c], type: types[i++ % types.length]!, constraints: [] });
    }
    return { id: 1, name: 'c', schemaVersion: 1, fields, indexes: [], primaryField: 'pk' };
  });

function rowFor(c: CollectionDef): fc.Arbitrary<Record<string, unknown>> {
  return fc.tuple(...c.fields.map((f) => fc.tuple(fc.constant(f.path), valueOf(f.type)))).map((pairs) => {
    const row: Record<string, unknown> = {};
    for (const [path, v] of pairs) {
      let cur = row;
      for (const seg of path.slice(0, -1)) {
        if (!Object.prototype.hasOwnProperty.call(cur, seg)) Object.defineProperty(cur, seg, { value: {}, enumerable: true, writable: true });
        cur = cur[seg] as Record<string, unknown>;
      }
      const leaf = path[path.length - 1]!;
      if (v === undefined) continue;
      Object.defineProperty(cur, leaf, { value: v, enumerable: true, writable: true, configurable: true });
    }
    return row;
  });
}

describe('validateRow properties', () => {
  it('accepts conforming rows, and its output is a fixed point', () => {
    fc.assert(
      fc.property(
        collectionArb.chain((c) => fc.tuple(fc.constant(c), rowFor(c))),
        ([c, row]) => {
          const out = validateRow(c, row);
          expect(validateRow(c, out)).toEqual(out);
          // every schema field is materialised
          for (const f of c.fields) {
            let cur: unknown = out;
            for (const seg of f.path) {
              expect(Object.prototype.hasOwnProperty.call(cur, seg)).toBe(true);
              cur = (cur as Record<string, unknown>)[seg];
            }
            expect(cur).not.toBeUndefined();
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws anything but a ModelVaultError on arbitrary input', () => {
    fc.assert(
      fc.property(collectionArb, fc.dictionary(name, fc.anything({ withBigInt: true, withTypedArray: true, withDate: true, withNullPrototype: true })), (c, junk) => {
        try {
          validateRow(c, { ...junk, pk: (junk as Record<string, unknown>).pk ?? 1 });
        } catch (e) {
          expect(isModelVaultError(e)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
