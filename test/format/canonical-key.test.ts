import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bytesEqual,
  canonicalKey,
  canonicalKeyString,
  compareBytes,
  compareScalars,
  compareStringsUtf8,
  keyFromString,
  keyToString,
  scalarFromCanonicalKey,
} from '../../src/format/canonical-key.ts';
import type { ScalarType } from '../../src/schema/types.ts';
import type { ScalarValue } from '../../src/schema/values.ts';
import { expectCode, hex } from './payload-helpers.ts';

const UUID = Uint8Array.from({ length: 16 }, (_, i) => 255 - i);

describe('canonical key bytes (§7.3)', () => {
  const cases: [ScalarType, ScalarValue, string][] = [
    ['bool', false, '0000'],
    ['bool', true, '0001'],
    ['int64', 1n, '0100000000000000'],
    ['int64', -(1n << 63n), '0000000000000080'],
    ['uint64', (1n << 64n) - 1n, 'ffffffffffffffff'],
    ['float64', 0, '0000000000000000'],
    ['float64', -0, '0000000000000080'],
    ['float64', -Infinity, '000000000000f0ff'],
    ['string', 'Ann', '416e6e'],
    ['string', '', ''],
    ['bytes', Uint8Array.of(9, 8), '0908'],
    ['uuid', UUID, hex(UUID)],
    ['timestamp', -1n, 'ffffffffffffffff'],
  ];
  for (const [t, v, h] of cases) {
    it(`${t} ${String(v instanceof Uint8Array ? hex(v) : v)}`, () => {
      const key = canonicalKey(t, v);
      expect(hex(key)).toBe(h);
      const back = scalarFromCanonicalKey(t, key);
      if (typeof v === 'number') expect(Object.is(back, v)).toBe(true);
      else expect(back).toEqual(v);
    });
  }

  it('the §18.3 index example keys', () => {
    expect(hex(canonicalKey('string', 'Ann'))).toBe('416e6e');
    expect(hex(canonicalKey('int64', 1n))).toBe('0100000000000000');
  });

  it('-0.0 and +0.0 are distinct keys; NaN payloads are preserved', () => {
    expect(bytesEqual(canonicalKey('float64', 0), canonicalKey('float64', -0))).toBe(false);
    expect(hex(canonicalKey('float64', NaN))).toBe('000000000000f87f');
  });

  it('Int64, Uint64 and Timestamp 5 produce the same bytes', () => {
    const a = canonicalKey('int64', 5n);
    expect(bytesEqual(a, canonicalKey('uint64', 5n))).toBe(true);
    expect(bytesEqual(a, canonicalKey('timestamp', 5n))).toBe(true);
  });

  it('bytes keys are copies', () => {
    const src = Uint8Array.of(1, 2);
    const key = canonicalKey('bytes', src);
    src[0] = 9;
    expect(hex(key)).toBe('0102');
  });

  it('rejects values of the wrong shape and malformed keys', () => {
    expectCode(() => canonicalKey('int64', 1), 'Format.RecordPayloadTypeMismatch');
    expectCode(() => canonicalKey('uint64', -1n), 'Format.RecordPayloadTypeMismatch');
    expectCode(() => canonicalKey('uuid', new Uint8Array(3)), 'Format.RecordPayloadTypeMismatch');
    expectCode(() => canonicalKey('bool', 'true'), 'Format.RecordPayloadTypeMismatch');
    expectCode(() => scalarFromCanonicalKey('int64', new Uint8Array(7)), 'Format.InvalidCanonicalKey');
    expectCode(() => scalarFromCanonicalKey('bool', Uint8Array.of(1, 0)), 'Format.InvalidCanonicalKey');
    expectCode(() => scalarFromCanonicalKey('bool', Uint8Array.of(0, 2)), 'Format.InvalidCanonicalKey');
    expectCode(() => scalarFromCanonicalKey('uuid', new Uint8Array(17)), 'Format.InvalidCanonicalKey');
    expectCode(() => scalarFromCanonicalKey('string', Uint8Array.of(0xff)), 'Format.InvalidCanonicalKey');
    expectCode(() => keyFromString('\u0100'), 'Format.InvalidCanonicalKey');
  });
});

describe('orderings (§7.4)', () => {
  it('compareBytes: unsigned, lexicographic, prefix first', () => {
    expect(compareBytes(Uint8Array.of(1), Uint8Array.of(1, 0))).toBe(-1);
    expect(compareBytes(Uint8Array.of(0x80), Uint8Array.of(0x7f))).toBe(1);
    expect(compareBytes(Uint8Array.of(), Uint8Array.of())).toBe(0);
    expect(compareBytes(Uint8Array.of(2, 0), Uint8Array.of(1, 255))).toBe(1);
    // Little-endian integers are not in numeric order: 256 sorts before 1.
    expect(compareBytes(canonicalKey('int64', 256n), canonicalKey('int64', 1n))).toBe(-1);
  });

  it('keyToString/keyFromString are inverse and order-preserving (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.uint8Array({ maxLength: 80 }), (a, b) => {
        const sa = keyToString(a);
        const sb = keyToString(b);
        expect(keyFromString(sa)).toEqual(a);
        const byStr = sa < sb ? -1 : sa > sb ? 1 : 0;
        expect(byStr).toBe(compareBytes(a, b));
        expect(sa === sb).toBe(bytesEqual(a, b));
      }),
      { numRuns: 500 },
    );
  });

  it('keyToString handles long keys (chunked path)', () => {
    const big = Uint8Array.from({ length: 20000 }, (_, i) => (i * 31) & 0xff);
    const s = keyToString(big);
    expect(s.length).toBe(20000);
    expect(keyFromString(s)).toEqual(big);
  });

  it('compareStringsUtf8 equals UTF-8 byte order (fast-check, incl. astral vs U+E000..U+FFFF)', () => {
    const enc = new TextEncoder();
    const units = fc.constantFrom('a', 'z', '\u00e9', '\ue000', '\uffff', '\ud83e\udd80', '\u{10000}', '\u07ff', '');
    const str = fc.array(units, { maxLength: 6 }).map((xs) => xs.join(''));
    fc.assert(
      fc.property(fc.oneof(str, fc.string({ unit: 'grapheme' })), fc.oneof(str, fc.string({ unit: 'grapheme' })), (a, b) => {
        expect(Math.sign(compareStringsUtf8(a, b))).toBe(compareBytes(enc.encode(a), enc.encode(b)));
      }),
      { numRuns: 500 },
    );
    expect(compareStringsUtf8('\ud83e\udd80', '\uffff')).toBe(1); // JS `<` says the opposite
  });

  it('compareScalars: in-memory ORDER BY order', () => {
    expect(compareScalars('bool', false, true)).toBe(-1);
    expect(compareScalars('int64', -5n, 3n)).toBe(-1);
    expect(compareScalars('uint64', 1n << 63n, 1n)).toBe(1);
    expect(compareScalars('float64', -0, 0)).toBe(0);
    expect(compareScalars('float64', NaN, 1)).toBe(0);
    expect(compareScalars('float64', -Infinity, 1)).toBe(-1);
    expect(compareScalars('string', 'b', 'a')).toBe(1);
    expect(compareScalars('bytes', Uint8Array.of(1), Uint8Array.of(1, 0))).toBe(-1);
    expect(compareScalars('int64', 1n, 'x')).toBe(0);
  });
});

describe('canonicalKeyString', () => {
  it('equals keyToString(canonicalKey(...)) for every type', () => {
    const samples: [ScalarType, ScalarValue][] = [
      ['bool', true],
      ['int64', -2n],
      ['uint64', 1n << 63n],
      ['float64', -0],
      ['timestamp', 12345n],
      ['string', 'é🦀'],
      ['bytes', Uint8Array.of(0, 255)],
      ['uuid', UUID],
    ];
    for (const [t, v] of samples) expect(canonicalKeyString(t, v)).toBe(keyToString(canonicalKey(t, v)));
    expectCode(() => canonicalKeyString('int64', 1), 'Format.RecordPayloadTypeMismatch');
  });
});
