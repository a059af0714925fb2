// Type-level tests (vitest typecheck, run by `npm test`): Infer is exact, and wrong field
// names, wrong value types and missing required fields do not compile. Every
// `@ts-expect-error` line fails the suite if it ever compiles.
import { describe, expectTypeOf, test } from 'vitest';
import { Database, model, t } from '../../src/index.ts';
import type { Infer, InferRow, PrimaryKeyType, ScalarPath, Where } from '../../src/index.ts';
import type { CollectionDef } from '../../src/schema/types.ts';

const Item = model(
  'items',
  {
    sku: t.string({ maxLength: 32 }),
    qty: t.int64({ min: 0 }),
    price: t.float64(),
    small: t.int64({ mode: 'number' }),
    big: t.uint64(),
    active: t.bool(),
    blob: t.bytes(),
    id: t.uuid(),
    rawId: t.uuid({ mode: 'bytes' }),
    at: t.timestamp(),
    atMs: t.timestamp({ mode: 'number' }),
    atRaw: t.timestamp({ mode: 'bigint' }),
    status: t.enum(['draft', 'live', 'gone']),
    note: t.optional(t.string()),
    tags: t.list(t.string()),
    dims: t.object({ w: t.float64(), h: t.float64(), unit: t.optional(t.enum(['cm', 'in'])) }),
    origin: t.string().optional(),
  },
  { primaryKey: 'sku', indexes: [{ path: 'status' }, { path: 'dims.unit', unique: false }, 'qty'] },
);

type ItemIn = Infer<typeof Item>;
type ItemRow = InferRow<typeof Item>;

describe('Infer', () => {
  test('is exact: required keys, optional keys, value types', () => {
    expectTypeOf<ItemIn>().toEqualTypeOf<{
      sku: string;
      qty: bigint;
      price: number;
      small: number;
      big: bigint;
      active: boolean;
      blob: Uint8Array;
      id: string;
      rawId: Uint8Array;
      at: Date;
      atMs: number;
      atRaw: bigint;
      status: 'draft' | 'live' | 'gone';
      tags: string[];
      dims: { w: number; h: number; unit?: 'cm' | 'in' | null };
      note?: string | null;
      origin?: string | null;
    }>();
  });

  test('rows read back have every key, optionals as null', () => {
    expectTypeOf<ItemRow['note']>().toEqualTypeOf<string | null>();
    expectTypeOf<ItemRow['dims']>().toEqualTypeOf<{ w: number; h: number; unit: 'cm' | 'in' | null }>();
    expectTypeOf<ItemRow>().toExtend<ItemIn>();
    expectTypeOf<PrimaryKeyType<typeof Item>>().toEqualTypeOf<string>();
  });

  test('index/order paths are the comparable leaves only', () => {
    expectTypeOf<ScalarPath<(typeof Item)['shape']>>().toEqualTypeOf<
      | 'sku' | 'qty' | 'price' | 'small' | 'big' | 'active' | 'blob' | 'id' | 'rawId' | 'at' | 'atMs' | 'atRaw'
      | 'status' | 'note' | 'origin' | 'dims.w' | 'dims.h' | 'dims.unit'
    >();
  });
});

describe('the compiler refuses', () => {
  const db = Database.openInMemory();
  const items = db.collection(Item);
  const ok: ItemIn = {
    sku: 'A', qty: 1n, price: 1.5, small: 3, big: 2n, active: true, blob: new Uint8Array(), id: '00000000-0000-0000-0000-000000000000',
    rawId: new Uint8Array(16), at: new Date(), atMs: 0, atRaw: 0n, status: 'live', tags: [], dims: { w: 1, h: 2 },
  };

  test('typed handle methods', () => {
    expectTypeOf(items.get).parameter(0).toEqualTypeOf<string>();
    expectTypeOf(items.get('A')).toEqualTypeOf<ItemRow | null>();
    expectTypeOf(items.query()).toEqualTypeOf<ItemRow[]>();
    items.insert(ok);
  });

  test('missing required fields', () => {
    // @ts-expect-error qty is required
    items.insert({ ...ok, qty: undefined });
    const { price: _p, ...noPrice } = ok;
    // @ts-expect-error price is required
    items.insert(noPrice);
    // @ts-expect-error nested required member h
    items.insert({ ...ok, dims: { w: 1 } });
  });

  test('wrong value types', () => {
    // @ts-expect-error int64 is bigint by default
    items.insert({ ...ok, qty: 1 });
    // @ts-expect-error mode: 'number' takes numbers
    items.insert({ ...ok, small: 1n });
    // @ts-expect-error not an enum variant
    items.insert({ ...ok, status: 'deleted' });
    // @ts-expect-error timestamps are Dates by default
    items.insert({ ...ok, at: 5n });
    // @ts-expect-error list of strings
    items.insert({ ...ok, tags: [1] });
    // @ts-expect-error required fields cannot be null
    items.insert({ ...ok, price: null });
    // @ts-expect-error the primary key is a string
    items.get(1n);
  });

  test('wrong field names', () => {
    // @ts-expect-error unknown field
    items.insert({ ...ok, colour: 'red' });
    // @ts-expect-error unknown field in where
    items.query({ where: { colour: 'red' } });
    // @ts-expect-error unknown nested field in where
    items.query({ where: { dims: { depth: 1 } } });
    // @ts-expect-error unknown order path
    items.query({ orderBy: 'dims.depth' });
    // @ts-expect-error lists cannot be compared
    items.query({ where: { tags: 'x' } });
  });

  test('where values are checked against the field type', () => {
    items.query({ where: { qty: { gte: 1n, lt: 10n }, status: { in: ['draft', 'live'] }, note: null, dims: { unit: 'cm' } } });
    items.query({ where: { $or: [{ sku: 'A' }, { price: { between: [1, 2] } }] }, orderBy: [{ path: 'price', direction: 'desc' }, 'sku'], limit: 5 });
    // @ts-expect-error qty takes bigint
    items.query({ where: { qty: { gte: 1 } } });
    // @ts-expect-error not a variant
    items.count({ status: 'nope' });
    // @ts-expect-error unknown operator
    items.count({ qty: { greater: 1n } });
    // @ts-expect-error required fields are never null
    const w: Where<(typeof Item)['shape']> = { sku: null };
    void w;
  });

  test('model declarations', () => {
    // @ts-expect-error the primary key must be a field
    model('x', { a: t.string() }, { primaryKey: 'b' });
    // @ts-expect-error the primary key cannot be optional
    model('x', { a: t.optional(t.string()) }, { primaryKey: 'a' });
    // @ts-expect-error index paths must exist
    model('x', { a: t.string() }, { primaryKey: 'a', indexes: ['b'] });
    // @ts-expect-error lists cannot be indexed
    model('x', { a: t.string(), l: t.list(t.string()) }, { primaryKey: 'a', indexes: ['l'] });
  });

  test('migrations: typed old rows with from, the new model row as the result', () => {
    const ItemV2 = model('items', { ...Item.shape, weight: t.float64() }, { primaryKey: 'sku' });
    db.migrate(ItemV2, {
      from: Item,
      backfill: (old) => {
        expectTypeOf(old).toEqualTypeOf<ItemRow>();
        return { ...old, weight: 1 };
      },
      dryRun: true,
    });
    // @ts-expect-error the backfill must produce the new required field
    db.migrate(ItemV2, { from: Item, backfill: (old) => ({ ...old }) });
    expectTypeOf(db.migrate(ItemV2).rowsChanged).toEqualTypeOf<number>();
  });

  test('name/id lookups keep their catalog type', () => {
    expectTypeOf(db.collection('items')).toEqualTypeOf<CollectionDef | undefined>();
    expectTypeOf(db.collection(1)).toEqualTypeOf<CollectionDef | undefined>();
    expectTypeOf(db.collection(Item).name).toEqualTypeOf<string>();
  });
});
