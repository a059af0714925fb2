/**
 * Property: for generated schemas (every type, nesting, optional members, multi-segment
 * paths) and rows, what we write reopens — strictly — to exactly what we wrote: the
 * catalog, every row as `validateRow` normalised it, and the secondary index contents.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Database } from '../../src/engine/database.ts';
import { canonicalKeyString } from '../../src/format/canonical-key.ts';
import { validateRow } from '../../src/schema/validate.ts';
import type { FieldDef, IndexDef, ScalarType, Type } from '../../src/schema/types.ts';
import type { ScalarValue, Value } from '../../src/schema/values.ts';

const SCALARS: ScalarType[] = ['bool', 'int64', 'uint64', 'float64', 'string', 'bytes', 'uuid', 'timestamp'];
const NAMES = ['a', 'b', 'c', 'd', 'é', 'k'];

function typeArb(depth: number): fc.Arbitrary<Type> {
  const scalar = fc.constantFrom(...SCALARS) as fc.Arbitrary<Type>;
  if (depth === 0) return scalar;
  const inner = typeArb(depth - 1);
  return fc.oneof(
    { weight: 4, arbitrary: scalar },
    { weight: 1, arbitrary: inner.map((t) => ({ optional: t }) as Type) },
    { weight: 1, arbitrary: inner.map((t) => ({ list: t }) as Type) },
    {
      weight: 1,
      arbitrary: fc.uniqueArray(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 3 }).chain((names) =>
        fc.tuple(...names.map(() => inner)).map(
          (types) => ({ object: names.map((n, i) => ({ path: [n], type: types[i]!, constraints: [] })) }) as Type,
        ),
      ),
    },
    {
      weight: 1,
      arbitrary: fc
        .uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 3 })
        .map((vs) => ({ enum: vs }) as Type),
    },
  );
}

function scalarArb(t: ScalarType): fc.Arbitrary<Value> {
  switch (t) {
    case 'bool':
      return fc.boolean();
    case 'int64':
    case 'timestamp':
      return fc.bigInt(-(1n << 63n), (1n << 63n) - 1n);
    case 'uint64':
      return fc.bigInt(0n, (1n << 64n) - 1n);
    case 'float64':
      return fc.double();
    case 'string':
      return fc.string({ unit: 'grapheme', maxLength: 6 });
    case 'bytes':
      return fc.uint8Array({ maxLength: 6 });
    case 'uuid':
      return fc.uint8Array({ minLength: 16, maxLength: 16 });
  }
}

/** A value of `t`; `undefined` stands for "leave it out" (only where Optional allows it). */
function valueArb(t: Type): fc.Arbitrary<Value | undefined> {
  if (typeof t === 'string') return scalarArb(t);
  if ('optional' in t) return fc.oneof(fc.constant(null), fc.constant(undefined), valueArb(t.optional));
  if ('list' in t) return fc.array(valueArb(t.list), { maxLength: 3 }).map((xs) => xs.map((x) => x ?? null));
  if ('enum' in t) return fc.constantFrom(...t.enum);
  const members = t.object;
  return fc.tuple(...members.map((m) => valueArb(m.type))).map((vs) => {
    const o: { [k: string]: Value } = {};
    members.forEach((m, i) => {
      if (vs[i] !== undefined) o[m.path[0]!] = vs[i]!;
    });
    return o;
  });
}

interface Case {
  fields: FieldDef[];
  indexes: IndexDef[];
  rows: Array<{ [k: string]: Value }>;
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    pkType: fc.constantFrom<ScalarType>('int64', 'string', 'uuid', 'float64', 'bytes'),
    multi: fc.boolean(),
    types: fc.array(typeArb(2), { minLength: 1, maxLength: 4 }),
  })
  .chain(({ pkType, multi, types }) => {
    // Multi-segment schemas nest every other field under `g` (record payload v3).
    const fields: FieldDef[] = [
      { path: ['id'], type: pkType, constraints: [] },
      ...types.map((type, i) => ({ path: multi && i % 2 === 0 ? ['g', `f${i}`] : [`f${i}`], type, constraints: [] })),
    ];
    const indexes: IndexDef[] = fields
      .filter((f) => f.path[0] !== 'id')
      .slice(0, 2)
      .map((f, i) => ({ name: `ix${i}`, path: f.path, kind: 'non_unique' as const }));
    const rowArb = fc.tuple(scalarArb(pkType), ...fields.slice(1).map((f) => valueArb(f.type))).map(([pk, ...vs]) => {
      const row: { [k: string]: Value } = { id: pk! };
      fields.slice(1).forEach((f, i) => {
        const v = vs[i];
        if (v === undefined) return;
        if (f.path.length === 1) row[f.path[0]!] = v;
        else ((row.g ??= {}) as { [k: string]: Value })[f.path[1]!] = v;
      });
      return row;
    });
    return fc.array(rowArb, { minLength: 1, maxLength: 6 }).map((rows) => ({ fields, indexes, rows }));
  });

describe('round trip (property)', () => {
  it('generated schemas and rows reopen strictly to what was written', () => {
    fc.assert(
      fc.property(caseArb, ({ fields, indexes, rows }) => {
        const db = Database.openInMemory();
        db.registerCollection('c', fields, 'id', indexes);
        const def = db.collection('c')!;
        const pkType = fields[0]!.type as ScalarType;
        // Keyed like the engine keys rows (bytes by content, -0.0 apart from +0.0).
        const keyOf = (pk: Value) => canonicalKeyString(pkType, pk as ScalarValue);
        const expected = new Map<string, { pk: Value; row: unknown }>();
        for (const row of rows) {
          db.insert('c', row);
          expected.set(keyOf(row.id!), { pk: row.id!, row: validateRow(def, row) });
        }
        // Delete one row, so op 3 is covered too.
        const gone = rows[0]!.id!;
        expect(db.delete('c', gone)).toBe(true);
        expected.delete(keyOf(gone));
        const again = Database.openImage(db.snapshotBytes(), { recovery: 'strict', readOnly: true });
        expect(again.collection('c')).toEqual(def);
        for (const { pk, row } of expected.values()) {
          expect(db.get('c', pk)).toEqual(row);
          expect(again.get('c', pk)).toEqual(row);
        }
        expect(again.get('c', gone)).toBeNull();
        expect(again.rowCount('c')).toBe(db.rowCount('c'));
        for (const ix of indexes) expect(again.indexContents('c', ix.name)).toEqual(db.indexContents('c', ix.name));
      }),
      { numRuns: 150, seed: 20261124 },
    );
  });
});
