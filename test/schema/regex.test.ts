import { describe, expect, it } from 'vitest';
import { compileRegex, translateRustRegex, UnsupportedRegexError } from '../../src/schema/regex.ts';
import { validateRow } from '../../src/schema/validate.ts';
import { collection, errorOf, field } from './helpers.ts';

function finds(pattern: string, s: string): boolean {
  const c = compileRegex(pattern);
  if (!c.ok) throw new Error(`pattern failed: ${c.error}`);
  return c.re.test(s);
}

describe('regex constraint semantics', () => {
  it('searches anywhere (unanchored) unless the pattern anchors', () => {
    expect(finds('b', 'abc')).toBe(true);
    expect(finds('^b', 'abc')).toBe(false);
    expect(finds('c$', 'abc')).toBe(true);
    expect(finds('^[A-Z]{3}-?[0-9]*$', 'ABC-676')).toBe(true);
    expect(finds('^[A-Z]{3}-?[0-9]*$', 'abc')).toBe(false);
    expect(finds('', 'anything')).toBe(true);
  });

  it('$ is end of text only; (?m) makes it end of line', () => {
    expect(finds('a$', 'a\n')).toBe(false);
    expect(finds('(?m)a$', 'a\n')).toBe(true);
  });

  it('. matches a whole code point and not \\n', () => {
    expect(finds('^.$', '\u{1F600}')).toBe(true);
    expect(finds('^.$', '\n')).toBe(false);
    expect(finds('(?s)^.$', '\n')).toBe(true);
  });

  it('Perl classes are Unicode-aware, as in Rust', () => {
    expect(finds('^\\d$', '\u0663')).toBe(true); // ARABIC-INDIC DIGIT THREE
    expect(finds('^\\D$', '\u0663')).toBe(false);
    expect(finds('^\\w+$', 'h\u00e9llo_\u4e16')).toBe(true);
    expect(finds('^\\W$', '\u00e9')).toBe(false);
    expect(finds('^\\W$', '-')).toBe(true);
    expect(finds('^\\s$', '\u00a0')).toBe(true);
    expect(finds('^\\s$', '\u0085')).toBe(true);
    expect(finds('^\\S$', '\u3000')).toBe(false);
    expect(finds('^[\\d_]+$', '\u0663_1')).toBe(true);
    expect(finds('^[^\\s]+$', 'a\u2003b')).toBe(false);
    expect(finds('^[\\w-]+$', '\u00e9-x')).toBe(true);
  });

  it('Unicode escapes and properties', () => {
    expect(finds('\\u{1F600}', 'x\u{1F600}')).toBe(true);
    expect(finds('\\u00e9', '\u00e9')).toBe(true);
    expect(finds('\\U0001F600', '\u{1F600}')).toBe(true);
    expect(finds('\\p{Greek}', '\u03b1')).toBe(true);
    expect(finds('\\pL', '\u00e9')).toBe(true);
    expect(finds('(?i)\u00c9', '\u00e9')).toBe(true);
    expect(finds('(?u)^\\w$', '\u00e9')).toBe(true);
    expect(finds('(?iu:AB)', 'ab')).toBe(true);
    expect(finds('[[:alpha:]]', 'q')).toBe(true);
    expect(finds('[]a]', ']')).toBe(true);
    expect(finds('[^]a]', 'b')).toBe(true);
    expect(finds('\\[x]', '[x]')).toBe(true);
  });

  it('constructs whose Rust meaning cannot be carried over are refused, not misread', () => {
    for (const p of ['[a-z&&[^aeiou]]', '[a--b]', '[a~~b]', '[a[b]]', '(?-u)\\w', '[\\W]']) {
      expect(() => translateRustRegex(p), p).toThrow(UnsupportedRegexError);
      expect(compileRegex(p).ok, p).toBe(false);
    }
  });

  it('catastrophic-backtracking patterns run in linear time', () => {
    const input = 'a'.repeat(200_000) + 'b';
    const t0 = performance.now();
    expect(finds('(a+)+$', input)).toBe(false);
    expect(finds('^(a|aa)*c', input)).toBe(false);
    expect(finds('(.*a){20}x', input)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it('compiles once per pattern', () => {
    expect(compileRegex('x+y')).toBe(compileRegex('x+y'));
  });
});

describe('regex constraint in validateRow', () => {
  it('mismatch and invalid patterns (reported at write time)', () => {
    const c = collection([field('id', 'int64'), field('s', 'string', [{ kind: 'regex', value: '^[a-z]+$' }])]);
    expect(validateRow(c, { id: 1, s: 'abc' }).s).toBe('abc');
    expect(errorOf(() => validateRow(c, { id: 1, s: 'aBc' }))).toMatchObject({ path: ['s'], message: 'string does not match regex' });
    const bad = collection([field('id', 'int64'), field('s', 'string', [{ kind: 'regex', value: '(' }])]);
    const e = errorOf(() => validateRow(bad, { id: 1, s: 'x' }));
    expect(e.code).toBe('Validation.Invalid');
    expect(e.path).toEqual(['s']);
    expect(e.message).toMatch(/^invalid regex in schema: /);
    const nested = collection([field('id', 'int64'), field('s', 'string', [{ kind: 'regex', value: '[a[b]]' }])]);
    expect(errorOf(() => validateRow(nested, { id: 1, s: 'x' })).message).toBe('invalid regex in schema: nested character classes are not supported');
  });
  it('type check and kind check come first', () => {
    const c = collection([field('id', 'int64'), field('n', 'int64', [{ kind: 'regex', value: '(' }])]);
    expect(errorOf(() => validateRow(c, { id: 1, n: 'x' })).message).toBe('expected int64');
    expect(errorOf(() => validateRow(c, { id: 1, n: 1 })).message).toBe('Regex constraint requires string');
  });
});
