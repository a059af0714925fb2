/**
 * Property tests for the payload codecs: generated schemas with conforming rows round-trip
 * through encodeRecord/decodeRecord, generated catalog records round-trip, and every decoder
 * fed random or mutated bytes either succeeds or throws a ModelVaultError — nothing else.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ModelVaultError } from '../../src/errors.ts';
import { decodeCatalogRecord, decodeType, encodeCatalogRecord, type CatalogRecord } from '../../src/format/catalog.ts';
import { decodeIndexPayload, encodeIndexPayload, type IndexEntry } from '../../src/format/index-payload.ts';
import { decodeRecord, encodeRecord, peekRecordHeader, type RecordLayout } from '../../src/format/record.ts';
import type { Constraint, FieldDef, IndexDef, ScalarType, Type } from '../../src/schema/types.ts';
import type { Row, Value } from '../../src/schema/values.ts';

const SCALARS: ScalarType[] = ['bool', 'int64', 'uint64', 'float64', 'string', 'bytes', 'uuid', 'timestamp'];
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
const U64_MAX = (1n << 64n) - 1n;

const text = (min = 0, max = 8) => fc.string({ unit: 'binary', minLength: min, maxLength: max });
const name = text(1, 6);
const field = (n: string, type: Type, constraints: Constraint[] = []): FieldDef => ({ path: [n], type, constraints });

/** Types up to `depth` levels of nesting below the root. */
function typeArb(depth: number): fc.Arbitrary<Type> {
  const scalar = fc.constantFrom(...SCALARS) as fc.Arbitrary<Type>;
  if (depth <= 0) return scalar;
  const inner = typeArb(depth - 1);
  return fc.oneof(
    { weight: 4, arbitrary: scalar },
    { weight: 1, arbitrary: inner.map((t): Type => ({ optional: t })) },
    { weight: 1, arbitrary: inner.map((t): Type => ({ list: t })) },
    {
      weight: 1,
      arbitrary: fc
        .uniqueArray(fc.tuple(name, inner), { maxLength: 3, selector: ([n]) => n })
        .map((ms): Type => ({ object: ms.map(([n, t]) => field(n, t)) })),
    },
    { weight: 1, arbitrary: fc.array(text(), { maxLength: 3 }).map((vs): Type => ({ enum: vs })) },
  );
}

function scalarArb(t: ScalarType): fc.Arbitrary<Value> {
  switch (t) {
    case 'bool':
      return fc.boolean();
    case 'int64':
    case 'timestamp':
      return fc.oneof(fc.constantFrom(I64_MIN, I64_MAX, 0n, -1n), fc.bigInt(I64_MIN, I64_MAX));
    case 'uint64':
      return fc.oneof(fc.constantFrom(0n, U64_MAX), fc.bigInt(0n, U64_MAX));
    case 'float64':
      return fc.oneof(fc.constantFrom(NaN, -0, 0, Infinity, -Infinity), fc.double());
    case 'string':
      return text(0, 12);
    case 'bytes':
      return fc.uint8Array({ maxLength: 12 });
    case 'uuid':
      return fc.uint8Array({ minLength: 16, maxLength: 16 });
  }
}

function valueArb(t: Type): fc.Arbitrary<Value> {
  if (typeof t === 'string') return scalarArb(t);
  if ('optional' in t) return fc.option(valueArb(t.optional), { nil: null });
  if ('list' in t) return fc.array(valueArb(t.list), { maxLength: 3 });
  if ('enum' in t) return t.enum.length > 0 ? fc.constantFrom(...t.enum) : text();
  const entries = t.object.map((m) => valueArb(m.type).map((v) => [m.path[0]!, v] as const));
  return fc.tuple(...entries).map((kvs) => {
    const o: { [k: string]: Value } = {};
    for (const [k, v] of kvs) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
    return o;
  });
}

interface Case {
  layout: RecordLayout;
  pk: Value;
  row: Row;
}

/** A collection schema (single- and optionally multi-segment fields) and a conforming row. */
const caseArb: fc.Arbitrary<Case> = fc
  .record({
    pkType: fc.constantFrom(...SCALARS),
    pkFirst: fc.boolean(),
    singles: fc.uniqueArray(fc.tuple(name, typeArb(3)), { maxLength: 5, selector: ([n]) => n }),
    groups: fc.uniqueArray(
      fc.tuple(name, fc.uniqueArray(fc.tuple(name, typeArb(2)), { minLength: 1, maxLength: 3, selector: ([n]) => n })),
      { maxLength: 2, selector: ([n]) => n },
    ),
  })
  .chain(({ pkType, pkFirst, singles, groups }) => {
    const taken = new Set(singles.map(([n]) => n));
    const pkName = ['pk', 'pk_', 'pk__', 'pk___', 'pk____', 'pk_____', 'pk______'].find((n) => !taken.has(n))!;
    taken.add(pkName);
    const grps = groups.filter(([g]) => !taken.has(g));
    const fields: FieldDef[] = singles.map(([n, t]) => field(n, t));
    for (const [g, leaves] of grps) for (const [l, t] of leaves) fields.push({ path: [g, l], type: t, constraints: [] });
    const pkDef = field(pkName, pkType);
    if (pkFirst) fields.unshift(pkDef);
    else fields.push(pkDef);
    const layout: RecordLayout = { collectionId: 7, primaryField: pkName, pkType, fields };
    const leafArbs = fields
      .filter((fd) => fd !== pkDef)
      .map((fd) => valueArb(fd.type).map((v) => [fd.path, v] as const));
    return fc.tuple(scalarArb(pkType), fc.tuple(...leafArbs)).map(([pk, leaves]): Case => {
      const row: Row = {};
      Object.defineProperty(row, pkName, { value: pk, enumerable: true, writable: true, configurable: true });
      for (const [path, v] of leaves) {
        let parent: { [k: string]: Value } = row;
        for (let i = 0; i < path.length - 1; i++) {
          const seg = path[i]!;
          if (!Object.prototype.hasOwnProperty.call(parent, seg)) {
            Object.defineProperty(parent, seg, { value: {}, enumerable: true, writable: true, configurable: true });
          }
          parent = parent[seg] as { [k: string]: Value };
        }
        Object.defineProperty(parent, path[path.length - 1]!, { value: v, enumerable: true, writable: true, configurable: true });
      }
      return { layout, pk, row };
    });
  });

describe('record round trip (fast-check)', () => {
  it('decodeRecord(encodeRecord(row)) == row, for ops 1 and 2', () => {
    fc.assert(
      fc.property(caseArb, fc.constantFrom(1 as const, 2 as const), fc.nat(0xffffffff), (c, op, sv) => {
        const bytes = encodeRecord(c.layout, op, sv, c.pk as never, c.row);
        const back = decodeRecord(bytes, c.layout);
        const multi = c.layout.fields.some((x) => x.path.length > 1);
        expect(back.version).toBe(multi ? 3 : 2);
        expect(back.op).toBe(op);
        expect(back.schemaVersion).toBe(sv);
        expect(back.collectionId).toBe(7);
        expect(back.pk).toEqual(c.pk);
        expect(back.row).toEqual(c.row);
        // Encoding is a function of the decoded value: re-encoding is byte-identical.
        expect(encodeRecord(c.layout, op, sv, back.pk, back.row)).toEqual(bytes);
        // Deletes carry only the key.
        const del = decodeRecord(encodeRecord(c.layout, 3, sv, c.pk as never, null), c.layout);
        expect(del.row).toBeNull();
        expect(del.pk).toEqual(c.pk);
      }),
      { numRuns: 300 },
    );
  });
});

// --- catalog -------------------------------------------------------------------------

const constraintArb: fc.Arbitrary<Constraint> = fc.oneof(
  fc.record({ kind: fc.constantFrom('min_i64' as const, 'max_i64' as const), value: fc.bigInt(I64_MIN, I64_MAX) }),
  fc.record({
    kind: fc.constantFrom('min_u64' as const, 'max_u64' as const, 'min_length' as const, 'max_length' as const),
    value: fc.bigInt(0n, U64_MAX),
  }),
  fc.record({ kind: fc.constantFrom('min_f64' as const, 'max_f64' as const), value: fc.double() }),
  fc.record({ kind: fc.constant('regex' as const), value: text() }),
  fc.record({ kind: fc.constantFrom('email' as const, 'url' as const, 'non_empty' as const) }),
);

const pathArb = fc.array(name, { minLength: 1, maxLength: 3 });
const fieldsArb = fc.array(
  fc.record({ path: pathArb, type: typeArb(4), constraints: fc.array(constraintArb, { maxLength: 3 }) }),
  { maxLength: 4 },
);
const indexesArb = fc.array(
  fc.record({
    name: fc.string({ unit: 'binary', minLength: 1, maxLength: 10 }),
    path: pathArb,
    kind: fc.constantFrom('unique' as const, 'non_unique' as const),
  }),
  { maxLength: 3 },
);
const u32 = fc.nat(0xffffffff);

const catalogArb: fc.Arbitrary<CatalogRecord> = fc.oneof(
  fc.record({
    kind: fc.constant('create' as const),
    catalogVersion: fc.constant(4),
    collectionId: u32,
    name: fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
    schemaVersion: u32,
    fields: fieldsArb,
    indexes: indexesArb as fc.Arbitrary<IndexDef[]>,
    primaryField: fc.option(fc.string({ unit: 'binary', minLength: 1, maxLength: 10 }), { nil: null }),
  }),
  fc.record({
    kind: fc.constant('new_version' as const),
    catalogVersion: fc.constant(4),
    collectionId: u32,
    schemaVersion: u32,
    fields: fieldsArb,
    indexes: indexesArb as fc.Arbitrary<IndexDef[]>,
  }),
);

describe('catalog round trip (fast-check)', () => {
  it('decode(encode(rec)) == rec and re-encoding is byte-identical', () => {
    fc.assert(
      fc.property(catalogArb, (rec) => {
        const bytes = encodeCatalogRecord(rec);
        const back = decodeCatalogRecord(bytes);
        expect(back).toEqual(rec);
        expect(encodeCatalogRecord(back)).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });
});

describe('index payload round trip (fast-check)', () => {
  it('decode(encode(entries)) == entries', () => {
    const entryArb: fc.Arbitrary<IndexEntry> = fc.record({
      collectionId: u32,
      kind: fc.constantFrom('unique' as const, 'non_unique' as const),
      op: fc.constantFrom('insert' as const, 'delete' as const),
      name: fc.string({ unit: 'binary', minLength: 1, maxLength: 10 }),
      key: fc.uint8Array({ maxLength: 20 }),
      pk: fc.uint8Array({ maxLength: 20 }),
    });
    fc.assert(
      fc.property(fc.array(entryArb, { maxLength: 5 }), (entries) => {
        expect(decodeIndexPayload(encodeIndexPayload(entries))).toEqual(entries);
      }),
      { numRuns: 200 },
    );
  });
});

// --- hostile bytes ---------------------------------------------------------------------

/** Runs `fn` and fails unless it returns or throws a ModelVaultError. */
function onlyTypedErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof ModelVaultError)) throw new Error(`untyped failure: ${String(e)}`, { cause: e });
    expect(typeof e.code).toBe('string');
  }
}

/** Valid bytes with a few byte overwrites, a truncation or an insertion. */
function mutated(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(
      valid,
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
      fc.constantFrom('overwrite', 'truncate', 'insert'),
    )
    .map(([bytes, edits, how]) => {
      if (bytes.length === 0) return bytes;
      if (how === 'truncate') return bytes.slice(0, edits[0]![0] % bytes.length);
      if (how === 'insert') {
        const at = edits[0]![0] % (bytes.length + 1);
        const ins = Uint8Array.from(edits.map(([, b]) => b));
        const out = new Uint8Array(bytes.length + ins.length);
        out.set(bytes.subarray(0, at));
        out.set(ins, at);
        out.set(bytes.subarray(at), at + ins.length);
        return out;
      }
      const out = bytes.slice();
      for (const [at, b] of edits) out[at % out.length] = b;
      return out;
    });
}

describe('decoders on hostile bytes throw only ModelVaultError (fast-check)', () => {
  const randomBytes = fc.uint8Array({ maxLength: 64 });

  it('catalog records and types', () => {
    const valid = catalogArb.map(encodeCatalogRecord);
    fc.assert(
      fc.property(fc.oneof(randomBytes, mutated(valid)), (bytes) => {
        onlyTypedErrors(() => decodeCatalogRecord(bytes));
        onlyTypedErrors(() => decodeType(bytes));
      }),
      { numRuns: 1000 },
    );
  });

  it('records (v1/v2/v3 headers on random and mutated bodies)', () => {
    const valid = caseArb.map((c) => ({ c, bytes: encodeRecord(c.layout, 1, 1, c.pk as never, c.row) }));
    fc.assert(
      fc.property(
        valid.chain(({ c, bytes }) =>
          fc.tuple(
            fc.constant(c),
            fc.oneof(mutated(fc.constant(bytes)), randomBytes, fc.tuple(fc.integer({ min: 1, max: 3 }), randomBytes).map(([v, b]) => {
              const out = bytes.slice();
              out[0] = v;
              return Uint8Array.from([...out.subarray(0, 11), ...b]);
            })),
          ),
        ),
        ([c, bytes]) => {
          onlyTypedErrors(() => decodeRecord(bytes, c.layout));
          onlyTypedErrors(() => peekRecordHeader(bytes).schemaVersion);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('index payloads', () => {
    const valid = fc
      .array(
        fc.record({
          collectionId: u32,
          kind: fc.constantFrom('unique' as const, 'non_unique' as const),
          op: fc.constantFrom('insert' as const, 'delete' as const),
          name: text(1, 6),
          key: fc.uint8Array({ maxLength: 8 }),
          pk: fc.uint8Array({ maxLength: 8 }),
        }),
        { maxLength: 3 },
      )
      .map(encodeIndexPayload);
    fc.assert(
      fc.property(fc.oneof(randomBytes, mutated(valid)), (bytes) => {
        onlyTypedErrors(() => decodeIndexPayload(bytes));
      }),
      { numRuns: 1000 },
    );
  });

  it('hostile List(Object{}) counts fail fast with a typed error', () => {
    const layout: RecordLayout = {
      collectionId: 1,
      primaryField: 'id',
      pkType: 'int64',
      fields: [field('id', 'int64'), field('l', { list: { list: { object: [field('e', { object: [] })] } } })],
    };
    // Outer list of 3 inner lists, each claiming 2^32−1 zero-width elements.
    const hdr = [2, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0];
    const bytes = Uint8Array.from([...hdr, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255]);
    const t0 = performance.now();
    let caught: unknown;
    try {
      decodeRecord(bytes, layout);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ModelVaultError);
    expect((caught as ModelVaultError).code).toBe('Format.DecodeLimitExceeded');
    expect(performance.now() - t0).toBeLessThan(500);
  });
});
