import { describe, expect, it } from 'vitest';
import {
  compareUtf8,
  debugPath,
  hasMultiSegmentFields,
  pathKey,
  resolvePath,
  validateFieldList,
} from '../../src/schema/field-paths.ts';
import { isModelVaultError } from '../../src/errors.ts';
import type { FieldDef } from '../../src/schema/types.ts';

const f = (...path: string[]): FieldDef => ({ path, type: 'string', constraints: [] });

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
  } catch (e) {
    return isModelVaultError(e) ? e.code : 'not a ModelVaultError';
  }
  return undefined;
}

describe('validateFieldList', () => {
  it('accepts disjoint single and multi-segment paths', () => {
    expect(() => validateFieldList([f('id'), f('profile', 'tz'), f('profile', 'lang'), f('a.b')])).not.toThrow();
    expect(() => validateFieldList([])).not.toThrow();
  });
  it.each([
    ['empty path', [f()]],
    ['empty segment', [f('a', '')]],
    ['empty first segment', [f('')]],
    ['duplicate', [f('a'), f('b'), f('a')]],
    ['duplicate nested', [f('a', 'b'), f('a', 'b')]],
    ['parent then child', [f('a'), f('a', 'b')]],
    ['child then parent', [f('a', 'b', 'c'), f('a')]],
    ['deep prefix', [f('a', 'b'), f('x'), f('a', 'b', 'c')]],
  ])('rejects %s with Schema.InvalidFieldPath', (_name, fields) => {
    expect(codeOf(() => validateFieldList(fields))).toBe('Schema.InvalidFieldPath');
  });
  it('does not treat a dotted segment as two segments', () => {
    expect(() => validateFieldList([f('a.b'), f('a', 'b'), f('a.b', 'c')].slice(0, 2))).not.toThrow();
  });
  it('does not confuse a string prefix with a path prefix', () => {
    expect(() => validateFieldList([f('ab'), f('a', 'b')])).not.toThrow();
  });
});

describe('helpers', () => {
  it('pathKey distinguishes dotted segments', () => {
    expect(pathKey(['a.b'])).not.toBe(pathKey(['a', 'b']));
  });
  it('debugPath uses Rust Debug form', () => {
    expect(debugPath(['profile', 'tz'])).toBe('["profile", "tz"]');
    expect(debugPath(['x"y'])).toBe('["x\\"y"]');
  });
  it('hasMultiSegmentFields', () => {
    expect(hasMultiSegmentFields([f('a'), f('b')])).toBe(false);
    expect(hasMultiSegmentFields([f('a'), f('b', 'c')])).toBe(true);
  });
  it('resolvePath walks own object members only', () => {
    const row = { id: 'u', profile: { tz: 'UTC', n: null }, list: ['x'] };
    expect(resolvePath(row, ['profile', 'tz'])).toBe('UTC');
    expect(resolvePath(row, ['profile', 'n'])).toBeNull();
    expect(resolvePath(row, ['profile', 'missing'])).toBeUndefined();
    expect(resolvePath(row, ['profile', 'n', 'deeper'])).toBeUndefined();
    expect(resolvePath(row, ['list', '0'])).toBeUndefined();
    expect(resolvePath(row, ['constructor'])).toBeUndefined();
    expect(resolvePath(row, [])).toBeUndefined();
  });
  it('compareUtf8 orders by code point (astral after U+FFFF)', () => {
    const astral = '\u{1F600}';
    expect(compareUtf8(astral, '\uffff')).toBeGreaterThan(0);
    expect(compareUtf8('\uffff', astral)).toBeLessThan(0);
    expect(compareUtf8('a', 'b')).toBeLessThan(0);
    expect(compareUtf8('ab', 'a')).toBeGreaterThan(0);
    expect(compareUtf8(astral, '\ud7ff')).toBeGreaterThan(0);
    const enc = new TextEncoder();
    const byteCmp = (x: string, y: string) => Buffer.compare(Buffer.from(enc.encode(x)), Buffer.from(enc.encode(y)));
    const samples = ['', 'a', '\u00e9', '\ud7ff', '\ue000', '\uffff', astral, '\u{10000}', 'z\u{1F600}', 'z\uffff'];
    for (const x of samples) for (const y of samples) expect(Math.sign(compareUtf8(x, y))).toBe(byteCmp(x, y));
  });
});
