import { describe, expect, it } from 'vitest';
import { checkConstraint } from '../../src/schema/constraints.ts';
import { formatF64 } from '../../src/schema/rust-display.ts';
import type { Constraint } from '../../src/schema/types.ts';
import { validateRow } from '../../src/schema/validate.ts';
import { collection, errorOf, field } from './helpers.ts';

describe('formatF64 (Rust Display)', () => {
  it.each([
    [1.5, '1.5'],
    [3, '3'],
    [-2, '-2'],
    [0, '0'],
    [-0, '-0'],
    [NaN, 'NaN'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
    [1.5000001, '1.5000001'],
    [1e21, '1000000000000000000000'],
    [1.25e22, '12500000000000000000000'],
    [1e-7, '0.0000001'],
    [-1.5e-10, '-0.00000000015'],
    [5e-324, '0.' + '0'.repeat(323) + '5'],
    [0.1, '0.1'],
    [123456789.125, '123456789.125'],
  ])('%s → %s', (x, s) => {
    expect(formatF64(x)).toBe(s);
  });
});

describe('constraint checks', () => {
  const check = (kind: Parameters<typeof checkConstraint>[0], value: Parameters<typeof checkConstraint>[1], c: Constraint) =>
    checkConstraint(kind, value, c);

  it('min/max i64 and u64, inclusive', () => {
    expect(check('int64', 5n, { kind: 'min_i64', value: 5n })).toBeNull();
    expect(check('int64', 4n, { kind: 'min_i64', value: 5n })).toBe('value 4 is below minimum 5');
    expect(check('int64', 6n, { kind: 'max_i64', value: 5n })).toBe('value 6 is above maximum 5');
    expect(check('int64', -(1n << 63n), { kind: 'min_i64', value: -(1n << 63n) })).toBeNull();
    expect(check('uint64', (1n << 64n) - 1n, { kind: 'max_u64', value: (1n << 64n) - 2n })).toBe(
      'value 18446744073709551615 is above maximum 18446744073709551614',
    );
    expect(check('uint64', 9n, { kind: 'min_u64', value: 10n })).toBe('value 9 is below minimum 10');
  });

  it('min/max f64: NaN passes, Rust float text', () => {
    expect(check('float64', NaN, { kind: 'min_f64', value: 0 })).toBeNull();
    expect(check('float64', NaN, { kind: 'max_f64', value: 0 })).toBeNull();
    expect(check('float64', 1, { kind: 'min_f64', value: NaN })).toBeNull();
    expect(check('float64', -2, { kind: 'min_f64', value: -1.5 })).toBe('value -2 is below minimum -1.5');
    expect(check('float64', Infinity, { kind: 'max_f64', value: 3 })).toBe('value inf is above maximum 3');
    expect(check('float64', -0, { kind: 'min_f64', value: 0 })).toBeNull();
  });

  it('lengths in UTF-8 bytes / bytes / elements', () => {
    expect(check('string', '\u00e9\u00e9', { kind: 'max_length', value: 3n })).toBe('string length 4 is above maximum 3');
    expect(check('string', '\u{1F600}', { kind: 'min_length', value: 5n })).toBe('string length 4 is below minimum 5');
    expect(check('string', '\u{1F600}', { kind: 'min_length', value: 4n })).toBeNull();
    expect(check('bytes', new Uint8Array(17), { kind: 'max_length', value: 16n })).toBe('bytes length 17 is above maximum 16');
    expect(check('list', [], { kind: 'min_length', value: 1n })).toBe('list length 0 is below minimum 1');
    expect(check('list', [1n, 2n, 3n, 4n], { kind: 'max_length', value: 3n })).toBe('list length 4 is above maximum 3');
    expect(check('list', [1n], { kind: 'max_length', value: (1n << 64n) - 1n })).toBeNull();
  });

  it('non_empty', () => {
    expect(check('string', '', { kind: 'non_empty' })).toBe('string must be non-empty');
    expect(check('bytes', new Uint8Array(0), { kind: 'non_empty' })).toBe('bytes must be non-empty');
    expect(check('list', [], { kind: 'non_empty' })).toBe('list must be non-empty');
    expect(check('string', ' ', { kind: 'non_empty' })).toBeNull();
  });

  it('email: contains @ and . anywhere', () => {
    expect(check('string', 'a@b.c', { kind: 'email' })).toBeNull();
    expect(check('string', '.@', { kind: 'email' })).toBeNull();
    expect(check('string', 'a@b', { kind: 'email' })).toBe('string is not a valid email shape');
    expect(check('string', 'a.b', { kind: 'email' })).toBe('string is not a valid email shape');
  });

  it('url: http:// or https:// prefix, case-sensitive', () => {
    expect(check('string', 'http://x', { kind: 'url' })).toBeNull();
    expect(check('string', 'https://', { kind: 'url' })).toBeNull();
    expect(check('string', 'HTTP://x', { kind: 'url' })).toBe('string must be an http(s) URL');
    expect(check('string', 'ftp://x', { kind: 'url' })).toBe('string must be an http(s) URL');
    expect(check('string', ' http://x', { kind: 'url' })).toBe('string must be an http(s) URL');
  });

  it('kind mismatches fail every write with the reference texts', () => {
    expect(check('string', 'x', { kind: 'min_i64', value: 1n })).toBe('MinI64 constraint requires int64');
    expect(check('timestamp', 1n, { kind: 'max_i64', value: 1n })).toBe('MaxI64 constraint requires int64');
    expect(check('int64', 1n, { kind: 'min_u64', value: 1n })).toBe('MinU64 constraint requires uint64');
    expect(check('int64', 1n, { kind: 'max_u64', value: 1n })).toBe('MaxU64 constraint requires uint64');
    expect(check('int64', 1n, { kind: 'min_f64', value: 1 })).toBe('MinF64 constraint requires float64');
    expect(check('int64', 1n, { kind: 'max_f64', value: 1 })).toBe('MaxF64 constraint requires float64');
    expect(check('uuid', new Uint8Array(16), { kind: 'min_length', value: 1n })).toBe('MinLength applies to string, bytes, or list');
    expect(check('object', {}, { kind: 'max_length', value: 1n })).toBe('MaxLength applies to string, bytes, or list');
    expect(check('bytes', new Uint8Array(1), { kind: 'regex', value: 'a' })).toBe('Regex constraint requires string');
    expect(check('int64', 1n, { kind: 'email' })).toBe('Email constraint requires string');
    expect(check('bool', true, { kind: 'url' })).toBe('Url constraint requires string');
    expect(check('float64', 1, { kind: 'non_empty' })).toBe('NonEmpty applies to string, bytes, or list');
  });
});

describe('constraints inside validateRow', () => {
  it('declaration order: the first failing constraint wins', () => {
    const c = collection([field('id', 'int64'), field('s', 'string', [{ kind: 'max_length', value: 2n }, { kind: 'non_empty' }, { kind: 'email' }])]);
    expect(errorOf(() => validateRow(c, { id: 1, s: 'abc' })).message).toBe('string length 3 is above maximum 2');
    const c2 = collection([field('id', 'int64'), field('s', 'string', [{ kind: 'email' }, { kind: 'max_length', value: 2n }])]);
    expect(errorOf(() => validateRow(c2, { id: 1, s: 'abc' })).message).toBe('string is not a valid email shape');
  });
  it('optional: null skips constraints, a value gets them', () => {
    const c = collection([field('id', 'int64'), field('o', { optional: 'string' }, [{ kind: 'non_empty' }])]);
    expect(validateRow(c, { id: 1, o: null }).o).toBeNull();
    expect(validateRow(c, { id: 1 }).o).toBeNull();
    expect(errorOf(() => validateRow(c, { id: 1, o: '' }))).toMatchObject({ path: ['o'], message: 'string must be non-empty' });
  });
  it('list: constraints apply to the list, not the elements', () => {
    const c = collection([field('id', 'int64'), field('l', { list: 'string' }, [{ kind: 'non_empty' }])]);
    expect(validateRow(c, { id: 1, l: [''] }).l).toEqual(['']);
    expect(errorOf(() => validateRow(c, { id: 1, l: [] })).message).toBe('list must be non-empty');
  });
  it('enum: constraints apply to the string', () => {
    const c = collection([field('id', 'int64'), field('e', { enum: ['ab', 'abcd'] }, [{ kind: 'max_length', value: 3n }])]);
    expect(validateRow(c, { id: 1, e: 'ab' }).e).toBe('ab');
    expect(errorOf(() => validateRow(c, { id: 1, e: 'abcd' })).message).toBe('string length 4 is above maximum 3');
  });
  it('a constraint that cannot apply fails even a valid value', () => {
    const c = collection([field('id', 'int64'), field('b', 'bool', [{ kind: 'min_i64', value: 0n }])]);
    expect(errorOf(() => validateRow(c, { id: 1, b: true }))).toMatchObject({ path: ['b'], message: 'MinI64 constraint requires int64' });
  });
  it('PK constraints are checked', () => {
    const c = collection([field('id', 'int64', [{ kind: 'min_i64', value: 1n }])]);
    expect(errorOf(() => validateRow(c, { id: 0 }))).toMatchObject({ path: ['id'], message: 'value 0 is below minimum 1' });
  });
});
