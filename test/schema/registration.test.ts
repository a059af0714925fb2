import { describe, expect, it } from 'vitest';
import { checkCollectionDef, checkCollectionRegistration, checkSchemaVersion } from '../../src/schema/registration.ts';
import type { Type } from '../../src/schema/types.ts';
import { collection, errorOf, field, index } from './helpers.ts';

const none = () => false;
const fields = [field('id', 'int64'), field('name', 'string')];

describe('checkCollectionRegistration: reference order (§3.1)', () => {
  it('normalises name and primary field', () => {
    expect(checkCollectionRegistration({ name: ' books\u0085', fields, primaryField: '\tid ' }, none)).toEqual({
      name: 'books',
      primaryField: 'id',
      fields,
      indexes: [],
    });
  });
  it('1. name', () => {
    expect(errorOf(() => checkCollectionRegistration({ name: ' ', fields: [], primaryField: '' }, none)).code).toBe('Schema.InvalidCollectionName');
  });
  it('2. blank primary field → InvalidCollectionName', () => {
    expect(errorOf(() => checkCollectionRegistration({ name: 'b', fields, primaryField: ' ' }, none)).code).toBe('Schema.InvalidCollectionName');
  });
  it('3. primary field must be a one-segment field', () => {
    let e = errorOf(() => checkCollectionRegistration({ name: 'b', fields, primaryField: 'nope' }, () => true));
    expect(e).toMatchObject({ code: 'Schema.PrimaryFieldNotFound', message: 'primary field "nope" not found as a top-level field' });
    e = errorOf(() => checkCollectionRegistration({ name: 'b', fields: [field(['id', 'x'], 'int64')], primaryField: 'id' }, none));
    expect(e.code).toBe('Schema.PrimaryFieldNotFound');
  });
  it('4. duplicate name (exact, after trimming)', () => {
    const e = errorOf(() => checkCollectionRegistration({ name: ' b ', fields, primaryField: 'id' }, (n) => n === 'b'));
    expect(e).toMatchObject({ code: 'Schema.DuplicateCollectionName', message: 'duplicate collection name: "b"' });
  });
  it('5. field-path rules', () => {
    for (const bad of [
      [field('id', 'int64'), field('id', 'string')],
      [field('id', 'int64'), field('a', 'int64'), field(['a', 'b'], 'int64')],
      [field('id', 'int64'), field(['a', ''], 'int64')],
    ]) {
      expect(errorOf(() => checkCollectionRegistration({ name: 'b', fields: bad, primaryField: 'id' }, none)).code).toBe('Schema.InvalidFieldPath');
    }
  });
  it('permissive like the reference: non-primitive PK and unfitting constraints register', () => {
    const odd = [field('id', { optional: 'string' }), field('n', 'bool', [{ kind: 'min_i64', value: 1n }]), field('r', 'string', [{ kind: 'regex', value: '(' }])];
    expect(() => checkCollectionRegistration({ name: 'b', fields: odd, primaryField: 'id' }, none)).not.toThrow();
  });
  it('strict mode refuses them', () => {
    const reg = (f: ReturnType<typeof field>[]) => () => checkCollectionRegistration({ name: 'b', fields: f, primaryField: 'id' }, none, { strict: true });
    expect(errorOf(reg([field('id', { optional: 'string' })])).code).toBe('Schema.InvalidPrimaryKeyType');
    expect(errorOf(reg([field('id', 'int64'), field('n', 'bool', [{ kind: 'min_i64', value: 1n }])])).code).toBe('Schema.InvalidConstraint');
    expect(() => reg([field('id', 'int64'), field('n', { optional: { list: 'bool' } }, [{ kind: 'non_empty' }])])()).not.toThrow();
    expect(errorOf(reg([field('id', 'int64'), field('r', 'string', [{ kind: 'regex', value: '(' }])])).message).toMatch(/^invalid regex in schema/);
    expect(() => reg([field('id', 'int64'), field('e', { enum: ['a'] }, [{ kind: 'regex', value: 'a' }])])()).not.toThrow();
  });
});

describe('checkCollectionRegistration: what would poison the file', () => {
  const reg = (f: ReturnType<typeof field>[], indexes = [] as ReturnType<typeof index>[]) => () =>
    checkCollectionRegistration({ name: 'b', fields: [field('id', 'int64'), ...f], primaryField: 'id', indexes }, none);

  it('index names: 1..=1023 bytes, unique', () => {
    expect(errorOf(reg([], [index('', 'id')])).code).toBe('Schema.InvalidIndexName');
    expect(errorOf(reg([], [index('x'.repeat(1024), 'id')])).code).toBe('Schema.InvalidIndexName');
    expect(errorOf(reg([], [index('a', 'id'), index('a', 'id', 'unique')])).code).toBe('Schema.InvalidIndexName');
    expect(() => reg([], [index('a', 'id'), index('b', ['nowhere', 'x'])])()).not.toThrow();
  });
  it('index paths must be valid paths', () => {
    expect(errorOf(reg([], [index('a', [])])).code).toBe('Schema.InvalidFieldPath');
    expect(errorOf(reg([], [index('a', ['x', ''])])).code).toBe('Schema.InvalidFieldPath');
  });
  it('type nesting: 32 wrappers accepted, 33 refused', () => {
    const wrap = (n: number): Type => {
      let t: Type = 'int64';
      for (let i = 0; i < n; i++) t = i % 2 ? { optional: t } : { list: t };
      return t;
    };
    expect(() => reg([field('deep', wrap(32))])()).not.toThrow();
    expect(errorOf(reg([field('deep', wrap(33))]))).toMatchObject({ code: 'Schema.TypeNestingTooDeep', details: { max: 32 } });
    let obj: Type = 'bool';
    for (let i = 0; i < 33; i++) obj = { object: [field('m', obj)] };
    expect(errorOf(reg([field('o', obj)])).code).toBe('Schema.TypeNestingTooDeep');
  });
  it('record v3 path limits', () => {
    const segs = Array.from({ length: 255 }, (_, i) => `s${i}`);
    expect(() => reg([field(segs, 'int64')])()).not.toThrow();
    expect(errorOf(reg([field([...segs, 'more'], 'int64')])).code).toBe('Schema.InvalidFieldPath');
    expect(() => reg([field(['a', 'x'.repeat(65535)], 'int64')])()).not.toThrow();
    expect(errorOf(reg([field(['a', 'x'.repeat(65536)], 'int64')])).code).toBe('Schema.InvalidFieldPath');
    expect(errorOf(reg([field(['a', '\u00e9'.repeat(32768)], 'int64')])).code).toBe('Schema.InvalidFieldPath');
    expect(errorOf(reg([field(['a\udc00'], 'int64')])).code).toBe('Schema.InvalidFieldPath');
  });
  it('object members: one non-empty segment, unique, no constraints', () => {
    expect(errorOf(reg([field('o', { object: [field(['a', 'b'], 'int64')] })])).code).toBe('Schema.InvalidFieldPath');
    expect(errorOf(reg([field('o', { object: [field('', 'int64')] })])).code).toBe('Schema.InvalidFieldPath');
    expect(errorOf(reg([field('o', { object: [field('a', 'int64'), field('a', 'bool')] })])).code).toBe('Schema.InvalidFieldPath');
    expect(errorOf(reg([field('o', { object: [field('a', 'int64', [{ kind: 'min_i64', value: 0n }])] })])).code).toBe('Schema.InvalidConstraint');
    expect(() => reg([field('o', { object: [] }), field('e', { enum: [] }), field('d', { enum: ['x', 'x'] })])()).not.toThrow();
  });
  it('constraint arguments must fit their encoding', () => {
    expect(errorOf(reg([field('n', 'int64', [{ kind: 'min_i64', value: 1n << 63n }])])).code).toBe('Schema.InvalidConstraint');
    expect(errorOf(reg([field('n', 'uint64', [{ kind: 'max_u64', value: -1n }])])).code).toBe('Schema.InvalidConstraint');
    expect(errorOf(reg([field('s', 'string', [{ kind: 'max_length', value: 1n << 64n }])])).code).toBe('Schema.InvalidConstraint');
    expect(errorOf(reg([field('s', 'string', [{ kind: 'max_length', value: 3 } as never])])).code).toBe('Schema.InvalidConstraint');
    expect(errorOf(reg([field('s', 'string', [{ kind: 'nope' } as never])])).code).toBe('Usage.InvalidArgument');
  });
  it('malformed shapes from untyped callers are usage errors', () => {
    expect(errorOf(reg([field('x', 'int32' as never)])).code).toBe('Usage.InvalidArgument');
    expect(errorOf(reg([field('x', { set: 'int64' } as never)])).code).toBe('Usage.InvalidArgument');
    expect(errorOf(reg([], [{ name: 'i', path: ['id'], kind: 'primary' } as never])).code).toBe('Usage.InvalidArgument');
  });
});

describe('checkSchemaVersion (§3.2)', () => {
  const cur = collection([field('id', 'int64'), field('name', 'string')], 'id', [index('by_name', 'name')]);

  it('safe change → next version', () => {
    expect(checkSchemaVersion(cur, [...cur.fields, field('o', { optional: 'int64' })], [])).toBe(2);
  });
  it('classification errors carry the reason', () => {
    let e = errorOf(() => checkSchemaVersion(cur, [field('id', 'int64')], []));
    expect(e).toMatchObject({ code: 'Schema.IncompatibleSchemaChange', message: 'incompatible schema change: field removed: ["name"]' });
    expect(e.details.message).toBe('field removed: ["name"]');
    e = errorOf(() => checkSchemaVersion(cur, [...cur.fields, field('r', 'int64')], []));
    expect(e).toMatchObject({ code: 'Schema.MigrationRequired', message: 'migration required: new required field ["r"] needs backfill' });
  });
  it('force skips classification but not the path and primary-field rules', () => {
    expect(checkSchemaVersion(cur, [field('id', 'int64'), field('r', 'int64')], [], { force: true })).toBe(2);
    expect(errorOf(() => checkSchemaVersion(cur, [field('id', 'int64'), field('id', 'int64')], [], { force: true })).code).toBe('Schema.InvalidFieldPath');
    expect(errorOf(() => checkSchemaVersion(cur, [field('name', 'string')], [], { force: true }))).toMatchObject({
      code: 'Schema.PrimaryFieldMissingInSchema',
      message: 'schema update must retain top-level primary field "id"',
    });
  });
  it('classification comes before path rules (a removed PK is breaking first)', () => {
    expect(errorOf(() => checkSchemaVersion(cur, [field('name', 'string')], [])).code).toBe('Schema.IncompatibleSchemaChange');
  });
  it('version counter exhaustion', () => {
    const last = { ...cur, schemaVersion: 0xffffffff };
    expect(errorOf(() => checkSchemaVersion(last, cur.fields, [])).code).toBe('Schema.SchemaVersionExhausted');
    expect(checkSchemaVersion({ ...cur, schemaVersion: 0xfffffffe }, cur.fields, [])).toBe(0xffffffff);
  });
  it('index rules apply to new versions too', () => {
    expect(errorOf(() => checkSchemaVersion(cur, cur.fields, [index('', 'name')])).code).toBe('Schema.InvalidIndexName');
  });
});

describe('checkCollectionDef', () => {
  it('accepts a catalog entry the decoder would accept', () => {
    expect(() => checkCollectionDef(collection(fields))).not.toThrow();
    expect(() => checkCollectionDef({ ...collection(fields), primaryField: null })).not.toThrow();
  });
  it('refuses what the decoder refuses', () => {
    expect(errorOf(() => checkCollectionDef({ ...collection(fields), name: 'x'.repeat(1024) })).code).toBe('Schema.InvalidCollectionName');
    expect(errorOf(() => checkCollectionDef({ ...collection(fields), name: '' })).code).toBe('Schema.InvalidCollectionName');
    expect(errorOf(() => checkCollectionDef(collection(fields, 'missing'))).code).toBe('Schema.PrimaryFieldNotFound');
    expect(errorOf(() => checkCollectionDef(collection(fields, 'id', [index('', 'id')]))).code).toBe('Schema.InvalidIndexName');
  });
});
