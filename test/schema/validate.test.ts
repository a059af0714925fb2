import { describe, expect, it } from 'vitest';
import { validateRow } from '../../src/schema/validate.ts';
import { collection, errorOf, field } from './helpers.ts';

const V = 'Validation.Invalid';

describe('validateRow: step order', () => {
  const c = collection([field('id', 'string', [{ kind: 'min_length', value: 2n }]), field('n', 'int64'), field('o', { optional: 'string' })]);

  it('no primary field (legacy) → Schema.NoPrimaryKey', () => {
    const e = errorOf(() => validateRow(collection([field('id', 'string')], null), { id: 'x' }));
    expect(e.code).toBe('Schema.NoPrimaryKey');
    expect(e.message).toBe('collection 7 has no primary key (upgrade catalog or re-register)');
    expect(e.details.collection_id).toBe(7);
  });

  it('non-primitive PK type beats a missing PK value', () => {
    for (const t of [{ optional: 'string' }, { list: 'int64' }, { object: [] }, { enum: ['a'] }] as const) {
      const e = errorOf(() => validateRow(collection([field('id', t)]), {}));
      expect(e).toMatchObject({ code: V, path: [], message: 'primary key field must use a primitive type (not optional/list/object/enum)' });
    }
  });

  it('missing PK → Schema.RowMissingPrimary (before unknown fields)', () => {
    const e = errorOf(() => validateRow(c, { zzz: 1 }));
    expect(e.code).toBe('Schema.RowMissingPrimary');
    expect(e.message).toBe('insert row missing primary key field "id"');
    expect(e.details.name).toBe('id');
  });

  it('PK value errors come before unknown fields; null PK reports expected <type>', () => {
    expect(errorOf(() => validateRow(c, { id: 5, zzz: 1 }))).toMatchObject({ code: V, path: ['id'], message: 'expected string' });
    expect(errorOf(() => validateRow(c, { id: null }))).toMatchObject({ code: V, path: ['id'], message: 'expected string' });
    expect(errorOf(() => validateRow(c, { id: 'x', zzz: 1 }))).toMatchObject({ path: ['id'], message: 'string length 1 is below minimum 2' });
  });

  it('unknown fields are reported in UTF-8 byte order, before missing fields', () => {
    const e = errorOf(() => validateRow(c, { id: 'ab', '\u{1F600}': 1, '\uFFFF': 2, b: 3 }));
    expect(e).toMatchObject({ code: V, path: ['b'], message: 'unknown field' });
    const e2 = errorOf(() => validateRow(c, { id: 'ab', '\u{1F600}': 1, '\uFFFF': 2 }));
    expect(e2.path).toEqual(['\uFFFF']);
  });

  it('missing / null required fields in schema order', () => {
    expect(errorOf(() => validateRow(c, { id: 'ab' }))).toMatchObject({ code: V, path: ['n'], message: 'missing field' });
    expect(errorOf(() => validateRow(c, { id: 'ab', n: null }))).toMatchObject({ code: V, path: ['n'], message: 'unexpected null for required field' });
    expect(errorOf(() => validateRow(c, { id: 'ab', n: 'x' }))).toMatchObject({ code: V, path: ['n'], message: 'expected int64' });
  });

  it('returns the normalised row: absent optional → null, undefined = absent', () => {
    expect(validateRow(c, { id: 'ab', n: 3n })).toEqual({ id: 'ab', n: 3n, o: null });
    expect(validateRow(c, { id: 'ab', n: 3, o: undefined, extra: undefined })).toEqual({ id: 'ab', n: 3n, o: null });
    expect(validateRow(c, { id: 'ab', n: 3n, o: 'x' })).toEqual({ id: 'ab', n: 3n, o: 'x' });
  });

  it('refuses a non-object row with a usage error', () => {
    expect(errorOf(() => validateRow(c, null as never)).code).toBe('Usage.InvalidArgument');
    expect(errorOf(() => validateRow(c, [] as never)).code).toBe('Usage.InvalidArgument');
  });
});

describe('validateRow: scalar types', () => {
  const one = (t: Parameters<typeof field>[1]) => collection([field('id', 'int64'), field('v', t)]);
  const ok = (t: Parameters<typeof field>[1], v: unknown) => validateRow(one(t), { id: 1n, v }).v;
  const bad = (t: Parameters<typeof field>[1], v: unknown) => errorOf(() => validateRow(one(t), { id: 1n, v })).message;

  it('bool', () => {
    expect(ok('bool', true)).toBe(true);
    expect(bad('bool', 1)).toBe('expected bool');
  });
  it('int64: bigint in range, safe-integer numbers converted', () => {
    expect(ok('int64', -(1n << 63n))).toBe(-(1n << 63n));
    expect(ok('int64', (1n << 63n) - 1n)).toBe((1n << 63n) - 1n);
    expect(ok('int64', 42)).toBe(42n);
    expect(ok('int64', -0)).toBe(0n);
    expect(bad('int64', 1n << 63n)).toBe('expected int64');
    expect(bad('int64', 1.5)).toBe('expected int64');
    expect(bad('int64', 2 ** 53)).toBe('expected int64');
    expect(bad('int64', NaN)).toBe('expected int64');
    expect(bad('int64', '5')).toBe('expected int64');
  });
  it('uint64', () => {
    expect(ok('uint64', (1n << 64n) - 1n)).toBe((1n << 64n) - 1n);
    expect(ok('uint64', 7)).toBe(7n);
    expect(bad('uint64', -1n)).toBe('expected uint64');
    expect(bad('uint64', -1)).toBe('expected uint64');
    expect(bad('uint64', 1n << 64n)).toBe('expected uint64');
  });
  it('timestamp behaves like int64; Date refused', () => {
    expect(ok('timestamp', 1700000000000000n)).toBe(1700000000000000n);
    expect(ok('timestamp', 17)).toBe(17n);
    expect(bad('timestamp', new Date(0))).toBe('expected timestamp');
  });
  it('float64: any number, no bigint coercion', () => {
    expect(ok('float64', 1.5)).toBe(1.5);
    expect(Number.isNaN(ok('float64', NaN))).toBe(true);
    expect(Object.is(ok('float64', -0), -0)).toBe(true);
    expect(ok('float64', -Infinity)).toBe(-Infinity);
    expect(bad('float64', 1n)).toBe('expected float64');
  });
  it('string must be well-formed Unicode', () => {
    expect(ok('string', 'h\u00e9 \u{1F600}')).toBe('h\u00e9 \u{1F600}');
    expect(bad('string', 5)).toBe('expected string');
    expect(bad('string', 'a\ud800b')).toBe('string is not valid Unicode (lone surrogate)');
  });
  it('bytes are copied', () => {
    const input = Buffer.from([1, 2, 3]);
    const out = ok('bytes', input) as Uint8Array;
    expect(out).toEqual(new Uint8Array([1, 2, 3]));
    input[0] = 9;
    expect(out[0]).toBe(1);
    expect(Buffer.isBuffer(out)).toBe(false);
    expect(bad('bytes', [1, 2])).toBe('expected bytes');
    expect(bad('bytes', 'ab')).toBe('expected bytes');
  });
  it('uuid: 16 bytes or canonical text', () => {
    const text = '10FD4A20-7cce-42ed-8371-537a9385c2ae';
    const out = ok('uuid', text) as Uint8Array;
    expect(Array.from(out.slice(0, 4))).toEqual([0x10, 0xfd, 0x4a, 0x20]);
    expect(out.length).toBe(16);
    expect(ok('uuid', new Uint8Array(16))).toEqual(new Uint8Array(16));
    expect(bad('uuid', new Uint8Array(15))).toBe('expected uuid');
    expect(bad('uuid', '10fd4a207cce42ed8371537a9385c2ae')).toBe('expected uuid');
    expect(bad('uuid', '10fd4a20-7cce-42ed-8371-537a9385c2ag')).toBe('expected uuid');
  });
});

describe('validateRow: composite types', () => {
  const obj = {
    object: [field('street', 'string'), field('zip', { optional: 'int64' }), field('geo', { object: [field('lat', 'float64')] })],
  } as const;
  const c = collection([
    field('id', 'string'),
    field('tags', { list: 'string' }, [{ kind: 'max_length', value: 2n }]),
    field('addr', obj),
    field('status', { enum: ['active', 'deleted'] }),
    field('mood', { optional: { enum: ['happy'] } }),
    field('grid', { list: { list: 'int64' } }),
  ]);
  const base = { id: 'p', tags: ['a'], addr: { street: 's', geo: { lat: 1 } }, status: 'active', grid: [] };

  it('normalises absent optional object members to null', () => {
    expect(validateRow(c, base)).toEqual({
      id: 'p',
      tags: ['a'],
      addr: { street: 's', zip: null, geo: { lat: 1 } },
      status: 'active',
      mood: null,
      grid: [],
    });
  });
  it('list elements carry their index in the path; list constraints after elements', () => {
    expect(errorOf(() => validateRow(c, { ...base, tags: ['a', 1] }))).toMatchObject({ path: ['tags', '1'], message: 'expected string' });
    expect(errorOf(() => validateRow(c, { ...base, tags: ['a', 'b', 'c'] }))).toMatchObject({ path: ['tags'], message: 'list length 3 is above maximum 2' });
    expect(errorOf(() => validateRow(c, { ...base, tags: 'a' }))).toMatchObject({ path: ['tags'], message: 'expected list' });
    expect(errorOf(() => validateRow(c, { ...base, grid: [[1], [2, 'x']] }))).toMatchObject({ path: ['grid', '1', '1'], message: 'expected int64' });
  });
  it('object members: declaration order, missing, null, unknown', () => {
    expect(errorOf(() => validateRow(c, { ...base, addr: { geo: { lat: 1 } } }))).toMatchObject({ path: ['addr', 'street'], message: 'missing object field' });
    expect(errorOf(() => validateRow(c, { ...base, addr: { street: null, geo: {} } }))).toMatchObject({ path: ['addr', 'street'], message: 'expected string' });
    expect(errorOf(() => validateRow(c, { ...base, addr: { street: 's', geo: {} } }))).toMatchObject({ path: ['addr', 'geo', 'lat'], message: 'missing object field' });
    expect(errorOf(() => validateRow(c, { ...base, addr: { street: 's', geo: { lat: 1 }, b: 1, a: 2 } }))).toMatchObject({
      path: ['addr', 'a'],
      message: 'unknown field in object',
    });
    // members are validated before unknown keys are looked at
    expect(errorOf(() => validateRow(c, { ...base, addr: { a: 1, geo: { lat: 1 } } }))).toMatchObject({ path: ['addr', 'street'], message: 'missing object field' });
    expect(errorOf(() => validateRow(c, { ...base, addr: 'x' }))).toMatchObject({ path: ['addr'], message: 'expected object' });
    expect(errorOf(() => validateRow(c, { ...base, addr: new Date() }))).toMatchObject({ path: ['addr'], message: 'expected object' });
    expect(errorOf(() => validateRow(c, { ...base, addr: [] }))).toMatchObject({ path: ['addr'], message: 'expected object' });
  });
  it('object keys named __proto__ stay own properties', () => {
    const c2 = collection([field('id', 'int64'), field('o', { object: [field('__proto__', 'string')] })]);
    const input = JSON.parse('{"id": 1, "o": {"__proto__": "x"}}') as Record<string, unknown>;
    const out = validateRow(c2, input);
    const o = out.o as Record<string, unknown>;
    expect(Object.prototype.hasOwnProperty.call(o, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
    expect(o['__proto__']).toBe('x');
  });
  it('enums', () => {
    expect(errorOf(() => validateRow(c, { ...base, status: 'gone' }))).toMatchObject({ path: ['status'], message: 'enum value must be one of ["active", "deleted"]' });
    expect(errorOf(() => validateRow(c, { ...base, status: 1 }))).toMatchObject({ path: ['status'], message: 'expected string (enum)' });
    expect(errorOf(() => validateRow(c, { ...base, mood: 'sad' }))).toMatchObject({ path: ['mood'], message: 'enum value must be one of ["happy"]' });
    const empty = collection([field('id', 'int64'), field('e', { enum: [] })]);
    expect(errorOf(() => validateRow(empty, { id: 1, e: '' }))).toMatchObject({ message: 'enum value must be one of []' });
  });
  it('optional of list of optional', () => {
    const c3 = collection([field('id', 'int64'), field('v', { optional: { list: { optional: 'int64' } } }, [{ kind: 'min_length', value: 1n }])]);
    expect(validateRow(c3, { id: 1, v: [null, 2] }).v).toEqual([null, 2n]);
    expect(validateRow(c3, { id: 1, v: null }).v).toBeNull();
    expect(errorOf(() => validateRow(c3, { id: 1, v: [] }))).toMatchObject({ path: ['v'], message: 'list length 0 is below minimum 1' });
  });
});

describe('validateRow: multi-segment schemas', () => {
  const c = collection([
    field('id', 'int64'),
    field(['profile', 'name'], 'string', [{ kind: 'non_empty' }]),
    field(['profile', 'tz'], { optional: 'string' }),
    field(['profile', 'addr', 'city'], 'string'),
    field(['stats', 'tags'], { list: 'string' }),
    field('plain', { optional: 'int64' }),
  ]);
  const base = { id: 1, profile: { name: 'n', addr: { city: 'c' } }, stats: { tags: [] } };

  it('materialises parents and optional leaves', () => {
    expect(validateRow(c, base)).toEqual({ id: 1n, profile: { name: 'n', tz: null, addr: { city: 'c' } }, stats: { tags: [] }, plain: null });
    const onlyOptional = collection([field('id', 'string'), field(['profile', 'tz'], { optional: 'string' })]);
    expect(validateRow(onlyOptional, { id: 'u1' })).toEqual({ id: 'u1', profile: { tz: null } });
  });
  it('unknown leaves → Schema.RowUnknownField with the dotted name, first in byte order', () => {
    let e = errorOf(() => validateRow(c, { ...base, profile: { ...base.profile, zz: 1, extra: { b: 1, a: 2 } } }));
    expect(e).toMatchObject({ code: 'Schema.RowUnknownField', message: 'insert row has unknown field "profile.extra.a"' });
    expect(e.details.name).toBe('profile.extra.a');
    e = errorOf(() => validateRow(c, { ...base, profile: 5 }));
    expect(e.details.name).toBe('profile');
    e = errorOf(() => validateRow(c, { ...base, other: {} }));
    expect(e.details.name).toBe('other');
    e = errorOf(() => validateRow(c, { ...base, profile: null }));
    expect(e.details.name).toBe('profile');
  });
  it('unknown leaves are checked before missing fields and before types', () => {
    const e = errorOf(() => validateRow(c, { id: 1, profile: { name: 5 }, z: 1 }));
    expect(e.code).toBe('Schema.RowUnknownField');
  });
  it('missing required leaf → Schema.RowMissingField; null → validation error with full path', () => {
    let e = errorOf(() => validateRow(c, { id: 1, profile: { name: 'n' }, stats: { tags: [] } }));
    expect(e).toMatchObject({ code: 'Schema.RowMissingField', message: 'insert row missing field "profile.addr.city"' });
    e = errorOf(() => validateRow(c, { ...base, profile: { name: null, addr: { city: 'c' } } }));
    expect(e).toMatchObject({ code: 'Validation.Invalid', path: ['profile', 'name'], message: 'unexpected null for required field' });
  });
  it('types and constraints are validated (unlike the reference)', () => {
    expect(errorOf(() => validateRow(c, { ...base, profile: { name: '', addr: { city: 'c' } } }))).toMatchObject({
      path: ['profile', 'name'],
      message: 'string must be non-empty',
    });
    expect(errorOf(() => validateRow(c, { ...base, stats: { tags: [1] } }))).toMatchObject({ path: ['stats', 'tags', '0'], message: 'expected string' });
    expect(errorOf(() => validateRow(c, { ...base, plain: 'x' }))).toMatchObject({ path: ['plain'], message: 'expected int64' });
  });
  it('a cyclic unknown subtree terminates', () => {
    const cyc: Record<string, unknown> = {};
    cyc.a = cyc;
    const e = errorOf(() => validateRow(c, { ...base, loop: cyc }));
    expect(e.code).toBe('Schema.RowUnknownField');
  });
  it('an object-typed field may appear in a multi-segment schema', () => {
    const c2 = collection([field('id', 'int64'), field(['a', 'b'], 'int64'), field('o', { object: [field('x', 'bool')] })]);
    expect(validateRow(c2, { id: 1, a: { b: 2 }, o: { x: true } })).toEqual({ id: 1n, a: { b: 2n }, o: { x: true } });
    expect(errorOf(() => validateRow(c2, { id: 1, a: { b: 2 }, o: { x: 1 } }))).toMatchObject({ path: ['o', 'x'], message: 'expected bool' });
  });
});
