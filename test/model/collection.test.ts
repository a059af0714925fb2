import { describe, expect, test } from 'vitest';
import { Database, ModelVaultError, createMemFs, model, t } from '../../src/index.ts';

const P = '/data/app.typra';

function caught(f: () => unknown): ModelVaultError {
  try {
    f();
  } catch (e) {
    if (e instanceof ModelVaultError) return e;
    throw e;
  }
  throw new Error('expected a ModelVaultError, nothing was thrown');
}

const Product = model(
  'products',
  {
    sku: t.string({ nonEmpty: true, maxLength: 16 }),
    name: t.string(),
    qty: t.int64({ min: 0 }),
    price: t.float64({ min: 0 }),
    tags: t.list(t.string()),
    status: t.enum(['draft', 'live']),
    note: t.optional(t.string()),
    dims: t.optional(t.object({ w: t.float64(), unit: t.optional(t.enum(['cm', 'in'])) })),
  },
  { primaryKey: 'sku', indexes: [{ path: 'name', unique: true }, 'status', 'dims.unit'] },
);

const row = (sku: string, over: Partial<Parameters<ReturnType<typeof open>['insert']>[0]> = {}) => ({
  sku,
  name: `name-${sku}`,
  qty: 1n,
  price: 2.5,
  tags: [] as string[],
  status: 'live' as const,
  ...over,
});

function open() {
  return Database.openInMemory().collection(Product);
}

describe('model() → catalog', () => {
  test('fields, constraints and indexes match the lower-level definitions', () => {
    expect(Product.fields[0]).toEqual({ path: ['sku'], type: 'string', constraints: [{ kind: 'max_length', value: 16n }, { kind: 'non_empty' }] });
    expect(Product.fields[6]).toEqual({ path: ['note'], type: { optional: 'string' }, constraints: [] });
    expect(Product.fields[7]!.type).toEqual({
      optional: { object: [{ path: ['w'], type: 'float64', constraints: [] }, { path: ['unit'], type: { optional: { enum: ['cm', 'in'] } }, constraints: [] }] },
    });
    expect(Product.indexes).toEqual([
      { name: 'name_unique', path: ['name'], kind: 'unique' },
      { name: 'status_idx', path: ['status'], kind: 'non_unique' },
      { name: 'dims_unit_idx', path: ['dims', 'unit'], kind: 'non_unique' },
    ]);
    expect(JSON.parse(JSON.stringify(Product))).toMatchObject({ name: 'products', primaryKey: 'sku', fields: expect.any(Array) });
  });

  test('bad declarations are refused when declared (JS callers have no compiler)', () => {
    const bad = (f: () => unknown) => caught(f).code;
    expect(bad(() => model('x', { a: t.string() }, { primaryKey: 'b' as never }))).toBe('Usage.InvalidModel');
    expect(bad(() => model('x', { a: t.optional(t.string()) }, { primaryKey: 'a' as never }))).toBe('Usage.InvalidModel');
    expect(bad(() => model('x', { a: t.string(), l: t.list(t.string()) }, { primaryKey: 'a', indexes: ['l' as never] }))).toBe('Usage.InvalidModel');
    expect(bad(() => t.list(t.string({ maxLength: 2 })))).toBe('Usage.InvalidModel');
    expect(bad(() => t.object({ a: t.string({ email: true }) }))).toBe('Usage.InvalidModel');
    expect(bad(() => t.int64({ min: 1.5 }))).toBe('Usage.InvalidModel');
    expect(bad(() => t.uint64({ min: -1 }))).toBe('Usage.InvalidModel');
    expect(bad(() => model('', { a: t.string() }, { primaryKey: 'a' }))).toBe('Usage.InvalidModel');
  });
});

describe('typed collection', () => {
  test('insert, get, update, delete with typed rows', () => {
    const products = open();
    products.insert(row('A', { note: 'n', dims: { w: 3 } }));
    expect(products.get('A')).toEqual({ ...row('A'), note: 'n', dims: { w: 3, unit: null } });
    expect(products.get('Z')).toBeNull();
    const updated = products.update('A', { qty: 7n, note: null });
    expect(updated.qty).toBe(7n);
    expect(updated.note).toBeNull();
    expect(products.get('A')!.name).toBe('name-A');
    expect(caught(() => products.update('Z', { qty: 1n })).code).toBe('Usage.RowNotFound');
    expect(caught(() => products.update('A', { sku: 'B' })).code).toBe('Usage.PrimaryKeyChange');
    expect(products.delete('A')).toBe(true);
    expect(products.delete('A')).toBe(false);
    expect(products.count()).toBe(0);
  });

  test('rows handed out are copies: mutating them leaves the database alone', () => {
    const products = open();
    products.insert(row('A', { tags: ['x'] }));
    const r = products.get('A')!;
    r.tags.push('mutated');
    r.name = 'changed';
    expect(products.get('A')!.tags).toEqual(['x']);
    expect(products.get('A')!.name).toBe('name-A');
  });

  test('insertMany is one transaction: a bad row rolls back the others', () => {
    const products = open();
    const e = caught(() => products.insertMany([row('A'), row('B'), row('C', { qty: -1n })]));
    expect(e.code).toBe('Validation.Invalid');
    expect(products.count()).toBe(0);
    expect(products.insertMany([row('A'), row('B')])).toBe(2);
    expect(products.count()).toBe(2);
  });

  test('typed where: equality, operators, null, nested objects, $or/$not, order and limit', () => {
    const products = open();
    products.insertMany([
      row('A', { qty: 5n, price: 1, status: 'draft', dims: { w: 1, unit: 'cm' } }),
      row('B', { qty: 10n, price: 2, note: 'x', dims: { w: 2, unit: 'in' } }),
      row('C', { qty: 15n, price: 3 }),
      row('D', { qty: 20n, price: 4, status: 'draft', note: 'y' }),
    ]);
    const skus = (rows: { sku: string }[]) => rows.map((r) => r.sku);
    expect(skus(products.query({ where: { status: 'draft' } }))).toEqual(['A', 'D']);
    expect(skus(products.query({ where: { qty: { gte: 10n, lt: 20n } } }))).toEqual(['B', 'C']);
    expect(skus(products.query({ where: { note: null } }))).toEqual(['A', 'C']);
    expect(skus(products.query({ where: { note: { isNull: false } } }))).toEqual(['B', 'D']);
    expect(skus(products.query({ where: { dims: { unit: 'in' } } }))).toEqual(['B']);
    expect(skus(products.query({ where: { dims: null } }))).toEqual(['C', 'D']);
    expect(skus(products.query({ where: { $or: [{ sku: 'A' }, { price: { between: [3, 4] } }] } }))).toEqual(['A', 'C', 'D']);
    expect(skus(products.query({ where: { $not: { status: 'draft' } } }))).toEqual(['B', 'C']);
    expect(skus(products.query({ where: { sku: { in: ['D', 'B', 'Q'] } } }))).toEqual(['B', 'D']);
    expect(skus(products.query({ orderBy: { path: 'qty', direction: 'desc' }, limit: 2 }))).toEqual(['D', 'C']);
    expect(skus(products.query({ orderBy: 'price', offset: 1, limit: 2 }))).toEqual(['B', 'C']);
    expect(products.count({ status: 'live' })).toBe(2);
    expect(products.first({ where: { status: 'live' }, orderBy: { path: 'qty', direction: 'desc' } })!.sku).toBe('C');
    expect(skus([...products.iter({ where: { qty: { gt: 5n } } })])).toEqual(['B', 'C', 'D']);
    expect(products.explain({ where: { status: 'draft' } })).toContain('IndexLookup index="status_idx"');
    expect(products.explain({ where: { name: 'name-C' } })).toContain('IndexLookup index="name_unique" kind=Unique');
  });

  test('queries with unknown fields or operators are refused by name', () => {
    const products = open();
    const e = caught(() => products.query({ where: { colour: 'red' } as never }));
    expect(e.code).toBe('Usage.InvalidQuery');
    expect(e.message).toContain('no field "colour"');
    expect(caught(() => products.query({ where: { qty: { greater: 1n } } as never })).message).toContain('unknown operator "greater" on field "qty"');
    expect(caught(() => products.query({ where: { tags: 'x' } as never })).message).toContain('is a list');
    expect(caught(() => products.query({ where: { dims: { depth: 1 } } as never })).message).toContain('no field "dims.depth"');
  });
});

describe('error messages name the collection, the field path and the value', () => {
  const products = open();
  products.insert(row('A'));

  test.each([
    [() => products.insert(row('B', { qty: -3n })), 'Validation.Invalid', 'cannot insert into "products": field "qty" has an invalid value: value -3 is below minimum 0 (got -3n)'],
    [() => products.insert(row('B', { tags: ['ok', 7 as never] })), 'Validation.Invalid', 'field "tags.1" must be a string (got 7)'],
    [() => products.insert(row('B', { status: 'gone' as never })), 'Validation.Invalid', 'field "status" has an invalid value: enum value must be one of ["draft", "live"] (got "gone")'],
    [() => products.insert({ ...row('B'), name: undefined as never }), 'Validation.Invalid', 'field "name" is required but missing (got nothing)'],
    [() => products.insert({ ...row('B'), price: null as never }), 'Validation.Invalid', 'field "price" is required and cannot be null (got null)'],
    [() => products.insert({ ...row('B'), colour: 'red' } as never), 'Validation.Invalid', 'field "colour" is not a field of this collection (got "red")'],
    [() => products.insert(row('B', { dims: { w: 'wide' as never } })), 'Validation.Invalid', 'field "dims.w" must be a number (got "wide")'],
    [() => products.insert(row('B', { qty: 1.5 as never })), 'Validation.Invalid', 'field "qty" must be a bigint (got 1.5)'],
    [() => products.insert(row('B', { name: 'name-A' })), 'Schema.UniqueIndexViolation', 'cannot insert into "products": another row already has name = "name-A" (unique index "name_unique")'],
    [() => products.insert({ name: 'x' } as never), 'Schema.RowMissingPrimary', 'the primary key "sku" is missing'],
  ] as const)('%#', (f, code, text) => {
    const e = caught(f);
    expect(e.code).toBe(code);
    expect(e.message).toContain(text);
    expect(e.details.collection).toBe('products');
    expect(e.cause).toBeInstanceOf(ModelVaultError);
  });

  test('queries and key lookups name the collection, the field and the value', () => {
    const q = caught(() => products.query({ where: { qty: 'many' as never } }));
    expect(q.code).toBe('Query.TypeMismatch');
    expect(q.message).toBe('query on "products": cannot compare field "qty" of type int64 with a string value');
    expect(q.details.collection).toBe('products');
    const k = caught(() => products.get(5 as never));
    expect(k.code).toBe('Format.RecordPayloadTypeMismatch');
    expect(k.message).toBe('cannot get from "products": the primary key "sku" must be a string (got 5)');
    expect(caught(() => products.delete(5 as never)).message).toContain('cannot delete from "products"');
    expect(caught(() => products.count({ sku: { lt: 1n as never } })).message).toContain('query on "products"');
  });

  test('nothing was written by the refused inserts', () => {
    expect(products.count()).toBe(1);
  });
});

describe('value conversions at the boundary', () => {
  const Ev = model(
    'events',
    {
      id: t.uuid(),
      raw: t.uuid({ mode: 'bytes' }),
      at: t.timestamp(),
      atMs: t.timestamp({ mode: 'number' }),
      n: t.int64({ mode: 'number' }),
      u: t.uint64(),
      blob: t.bytes(),
    },
    { primaryKey: 'id' },
  );
  const ID = '0123abcd-0000-4000-8000-00000000beef';

  test('uuid text, Dates, number-mode integers round-trip; the engine stores the canonical forms', () => {
    const db = Database.openInMemory();
    const ev = db.collection(Ev);
    const raw = new Uint8Array(16).fill(7);
    ev.insert({ id: ID.toUpperCase(), raw, at: new Date('2024-05-06T07:08:09.010Z'), atMs: 1700000000000, n: -42, u: 2n ** 64n - 1n, blob: new Uint8Array([1, 2]) });
    const back = ev.get(ID)!;
    expect(back).toEqual({ id: ID, raw, at: new Date('2024-05-06T07:08:09.010Z'), atMs: 1700000000000, n: -42, u: 2n ** 64n - 1n, blob: new Uint8Array([1, 2]) });
    const stored = db.get('events', ID)!;
    expect(stored.at).toBe(1714979289010n);
    expect(stored.n).toBe(-42n);
    expect(stored.id).toBeInstanceOf(Uint8Array);
    expect(ev.query({ where: { at: { gte: new Date('2024-01-01') } } })).toHaveLength(1);
    expect(ev.query({ where: { at: { lt: new Date('2024-01-01') } } })).toHaveLength(0);
    expect(ev.query({ where: { n: { between: [-50, -40] }, id: ID.toUpperCase() } })).toHaveLength(1);
    expect(ev.count({ n: { in: [1, 2] } })).toBe(0);
    expect(ev.count({ atMs: 1700000000000 })).toBe(1);
    expect(ev.delete(ID)).toBe(true);
  });

  test('a stored integer beyond 2^53 read through mode "number" is an error, not a rounded value', () => {
    const db = Database.openInMemory();
    const ev = db.collection(Ev);
    db.insert('events', { id: ID, raw: new Uint8Array(16), at: 0n, atMs: 0n, n: 2n ** 60n, u: 0n, blob: new Uint8Array() });
    const e = caught(() => ev.get(ID));
    expect(e.code).toBe('Usage.UnsafeInteger');
    expect(e.message).toContain('collection "events", field "n"');
    expect(e.message).toContain(String(2n ** 60n));
    const unsafe = caught(() => ev.insert({ id: ID, raw: new Uint8Array(16), at: new Date(0), atMs: 0, n: 2 ** 60, u: 0n, blob: new Uint8Array() }));
    expect(unsafe.code).toBe('Validation.Invalid');
    expect(unsafe.message).toContain('field "n" must be a safe integer (number) (got 1152921504606847000)');
    expect(caught(() => ev.insert({ id: ID, raw: new Uint8Array(16), at: 'yesterday' as never, atMs: 0, n: 0, u: 0n, blob: new Uint8Array() })).message).toContain(
      'field "at" must be a Date (got "yesterday")',
    );
    expect(caught(() => ev.insert({ id: ID, raw: new Uint8Array(16), at: new Date(NaN), atMs: 0, n: 0, u: 0n, blob: new Uint8Array() })).code).toBe('Usage.InvalidDate');
  });
});

describe('db.collection(Model) against the stored catalog', () => {
  const V1 = model('notes', { id: t.int64(), title: t.string() }, { primaryKey: 'id' });
  const V2 = model('notes', { id: t.int64(), title: t.string(), pinned: t.optional(t.bool()) }, { primaryKey: 'id', indexes: ['pinned'] });
  const V3 = model('notes', { id: t.int64(), title: t.string(), body: t.string() }, { primaryKey: 'id' });
  const Retyped = model('notes', { id: t.int64(), title: t.int64() }, { primaryKey: 'id' });
  const Titles = model('notes', { id: t.int64() }, { primaryKey: 'id' });
  const OtherPk = model('notes', { id: t.int64(), title: t.string() }, { primaryKey: 'title' });

  test('registers when missing; identical on reopen writes nothing', () => {
    const fs = createMemFs({ directories: ['/data'] });
    let db = Database.open(P, { fs });
    db.collection(V1).insert({ id: 1n, title: 'a' });
    db.close();
    db = Database.open(P, { fs });
    const before = db.snapshotBytes();
    const notes = db.collection(V1);
    expect(db.snapshotBytes()).toEqual(before);
    expect(notes.def.schemaVersion).toBe(1);
    expect(notes.get(1n)).toEqual({ id: 1n, title: 'a' });
    db.close();
  });

  test('a safe change becomes a new schema version; old rows read the new optional field as null', () => {
    const fs = createMemFs({ directories: ['/data'] });
    let db = Database.open(P, { fs });
    db.collection(V1).insert({ id: 1n, title: 'a' });
    const notes = db.collection(V2);
    expect(notes.def.schemaVersion).toBe(2);
    expect(notes.get(1n)).toEqual({ id: 1n, title: 'a', pinned: null });
    notes.insert({ id: 2n, title: 'b', pinned: true });
    db.close();
    db = Database.open(P, { fs });
    const again = db.collection(V2);
    expect(again.def.schemaVersion).toBe(2);
    expect(again.query({ where: { pinned: true } }).map((r) => r.id)).toEqual([2n]);
    db.close();
  });

  test('read-only handles: a safely newer model reads as is; a missing collection is not created', () => {
    const fs = createMemFs({ directories: ['/data'] });
    const w = Database.open(P, { fs });
    w.collection(V1).insert({ id: 1n, title: 'a' });
    w.close();
    const r = Database.open(P, { fs, readOnly: true });
    const notes = r.collection(V2);
    expect(notes.def.schemaVersion).toBe(1);
    expect(notes.get(1n)).toEqual({ id: 1n, title: 'a', pinned: null });
    expect(caught(() => r.collection(model('other', { id: t.int64() }, { primaryKey: 'id' }))).code).toBe('Schema.UnknownCollectionName');
    r.close();
  });

  test('a needs-migration change is a typed error carrying the plan, and writes nothing', () => {
    const db = Database.openInMemory();
    db.collection(V1).insertMany([{ id: 1n, title: 'a' }, { id: 2n, title: 'b' }]);
    const before = db.snapshotBytes();
    const e = caught(() => db.collection(V3));
    expect(e.code).toBe('Schema.MigrationRequired');
    expect(e.message).toContain('model "notes" needs a migration');
    expect(e.message).toContain('new required field ["body"] needs backfill');
    expect(e.message).toContain('backfill field "body" in every existing row (2 existing row(s))');
    expect(e.message).toContain('db.migrate(');
    expect((e.details.plan as { change: { kind: string } }).change.kind).toBe('needs_migration');
    expect(db.snapshotBytes()).toEqual(before);
  });

  test('a breaking change and a changed primary key are refused', () => {
    const db = Database.openInMemory();
    db.collection(V1);
    const e = caught(() => db.collection(Retyped));
    expect(e.code).toBe('Schema.IncompatibleSchemaChange');
    expect(e.message).toContain('type changed for field ["title"]');
    const p = caught(() => db.collection(OtherPk));
    expect(p.code).toBe('Schema.PrimaryFieldNotFound');
    expect(p.message).toContain('a primary key cannot change');
  });

  test('a subset model reads projected rows and cannot write', () => {
    const db = Database.openInMemory();
    db.collection(V2).insert({ id: 1n, title: 'a', pinned: false });
    const ids = db.collection(Titles);
    expect(ids.subset).toBe(true);
    expect(ids.get(1n)).toEqual({ id: 1n });
    expect(ids.query()).toEqual([{ id: 1n }]);
    expect(caught(() => ids.insert({ id: 2n })).code).toBe('Usage.SubsetModelWrite');
    expect(ids.delete(1n)).toBe(true);
  });

  test('name/id lookups still return the catalog entry', () => {
    const db = Database.openInMemory();
    db.collection(V1);
    expect(db.collection('notes')).toMatchObject({ id: 1, name: 'notes', primaryField: 'id' });
    expect(db.collection(1)?.name).toBe('notes');
    expect(db.collection('missing')).toBeUndefined();
  });
});
