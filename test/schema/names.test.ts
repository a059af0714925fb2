import { describe, expect, it } from 'vitest';
import {
  checkIndexName,
  normalizeCollectionLookupName,
  normalizeCollectionName,
  normalizePrimaryFieldName,
  rustTrim,
} from '../../src/schema/names.ts';
import { errorOf } from './helpers.ts';

describe('rustTrim (Unicode White_Space, like str::trim)', () => {
  it('trims U+0085 and the other White_Space characters', () => {
    const ws = ['\t', '\n', '\u000b', '\f', '\r', ' ', '\u0085', '\u00a0', '\u1680', '\u2000', '\u200a', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000'];
    for (const w of ws) expect(rustTrim(`${w}a b${w}`), JSON.stringify(w)).toBe('a b');
  });
  it('keeps U+FEFF, U+200B and U+180E (not White_Space), unlike String.prototype.trim for U+FEFF', () => {
    expect(rustTrim('\ufeffa\ufeff')).toBe('\ufeffa\ufeff');
    expect('\ufeffa'.trim()).toBe('a'); // the JS behaviour being avoided
    expect(rustTrim('\u200ba')).toBe('\u200ba');
    expect(rustTrim('\u180ea')).toBe('\u180ea');
  });
  it('all-whitespace becomes empty', () => {
    expect(rustTrim(' \u0085\u3000 ')).toBe('');
  });
});

describe('collection names', () => {
  it('trimmed, case preserved', () => {
    expect(normalizeCollectionName('\u0085 Books \t')).toBe('Books');
    expect(normalizeCollectionLookupName('  Books\u2029')).toBe('Books');
  });
  it('1..=1023 UTF-8 bytes after trimming', () => {
    expect(normalizeCollectionName('a'.repeat(1023))).toHaveLength(1023);
    expect(normalizeCollectionName(' ' + '\u00e9'.repeat(511) + 'a ')).toHaveLength(512); // 1023 bytes
    for (const bad of ['', '   ', '\u0085', 'a'.repeat(1024), '\u00e9'.repeat(512), '\u{1F600}'.repeat(256), 'a\ud800']) {
      expect(errorOf(() => normalizeCollectionName(bad)).code, bad.slice(0, 10)).toBe('Schema.InvalidCollectionName');
    }
  });
  it('U+FEFF alone is a valid (non-blank) name', () => {
    expect(normalizeCollectionName('\ufeff')).toBe('\ufeff');
  });
});

describe('primary field argument', () => {
  it('trimmed; blank → InvalidCollectionName (reference variant)', () => {
    expect(normalizePrimaryFieldName(' id\n')).toBe('id');
    expect(errorOf(() => normalizePrimaryFieldName(' \u0085')).code).toBe('Schema.InvalidCollectionName');
    expect(errorOf(() => normalizePrimaryFieldName('x'.repeat(1024))).code).toBe('Schema.InvalidCollectionName');
  });
});

describe('index names', () => {
  it('not trimmed; 1..=1023 bytes', () => {
    expect(() => checkIndexName(' by name ')).not.toThrow();
    expect(() => checkIndexName('i'.repeat(1023))).not.toThrow();
    expect(errorOf(() => checkIndexName('')).code).toBe('Schema.InvalidIndexName');
    expect(errorOf(() => checkIndexName('i'.repeat(1024))).code).toBe('Schema.InvalidIndexName');
    expect(errorOf(() => checkIndexName('\u00e9'.repeat(512))).code).toBe('Schema.InvalidIndexName');
  });
});
