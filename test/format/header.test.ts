import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { HEADER_SIZE, NEW_FILE_MINOR } from '../../src/format/constants.ts';
import { decodeHeader, encodeHeader } from '../../src/format/header.ts';
import { emptyDatabaseImage, errorOf, hex, thrownBy, withBytes } from './framing-fixtures.ts';

const NEW_HEADER = { major: 0, minor: NEW_FILE_MINOR, headerSize: 32, flags: 0n };

describe('file header (FORMAT.md §2)', () => {
  test('encodes the §18.1 header byte for byte', () => {
    expect(encodeHeader(NEW_HEADER)).toEqual(emptyDatabaseImage().subarray(0, HEADER_SIZE));
    expect(encodeHeader(NEW_HEADER)).toEqual(hex('54 44 42 30 00 00 06 00 20 00 00 00' + ' 00'.repeat(20)));
  });

  test('decodes the §18.1 header', () => {
    expect(decodeHeader(emptyDatabaseImage())).toEqual(NEW_HEADER);
  });

  test('accepts every minor 2..=6 and keeps header_size/flags unvalidated; ignores +20..+31', () => {
    for (let minor = 2; minor <= 6; minor++) {
      const h = { major: 0, minor, headerSize: 0xdeadbeef, flags: 0xffff_ffff_ffff_ffffn };
      const bytes = encodeHeader(h);
      bytes.fill(0xaa, 20);
      expect(decodeHeader(bytes)).toEqual(h);
    }
  });

  test('re-encoding for a minor bump keeps header_size and flags, zeroes +20..+31', () => {
    const original = withBytes(encodeHeader({ major: 0, minor: 3, headerSize: 40, flags: 7n }), 20, [1, 2, 3]);
    const bumped = encodeHeader({ ...decodeHeader(original), minor: 6 });
    expect(decodeHeader(bumped)).toEqual({ major: 0, minor: 6, headerSize: 40, flags: 7n });
    expect(bumped.subarray(20)).toEqual(new Uint8Array(12));
  });

  test('fewer than 32 bytes → TruncatedHeader{got, expected: 32}', () => {
    for (const n of [0, 1, 4, 31]) {
      const e = errorOf(() => decodeHeader(encodeHeader(NEW_HEADER).subarray(0, n)));
      expect(e.code).toBe('Format.TruncatedHeader');
      expect(e.details).toEqual({ got: n, expected: 32 });
    }
  });

  test('bad magic → BadMagic{got} (checked before the version)', () => {
    const bytes = withBytes(encodeHeader(NEW_HEADER), 0, [0x54, 0x44, 0x42, 0x31]);
    bytes[4] = 9; // a bad major too: magic wins
    const e = errorOf(() => decodeHeader(bytes));
    expect(e.code).toBe('Format.BadMagic');
    expect(e.details.got).toEqual(new Uint8Array([0x54, 0x44, 0x42, 0x31]));
  });

  test('major ≠ 0 or minor outside 2..=6 → UnsupportedVersion{major, minor}', () => {
    const cases: [number, number][] = [
      [1, 6],
      [0, 0],
      [0, 1],
      [0, 7],
      [0xffff, 0xffff],
    ];
    for (const [major, minor] of cases) {
      const bytes = withBytes(encodeHeader(NEW_HEADER), 4, [major & 0xff, major >> 8, minor & 0xff, minor >> 8]);
      const e = errorOf(() => decodeHeader(bytes));
      expect(e.code).toBe('Format.UnsupportedVersion');
      expect(e.details).toEqual({ major, minor });
    }
  });

  test('encoder refuses out-of-range fields with a typed error', () => {
    expect(errorOf(() => encodeHeader({ ...NEW_HEADER, minor: 70000 })).code).toBe('Usage.InvalidArgument');
    expect(errorOf(() => encodeHeader({ ...NEW_HEADER, flags: -1n })).code).toBe('Usage.InvalidArgument');
    expect(errorOf(() => encodeHeader({ ...NEW_HEADER, headerSize: 1.5 })).code).toBe('Usage.InvalidArgument');
  });

  test('property: decode ∘ encode is the identity on every accepted header', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }),
        fc.nat({ max: 0xffff_ffff }),
        fc.bigInt({ min: 0n, max: 0xffff_ffff_ffff_ffffn }),
        (minor, headerSize, flags) => {
          const h = { major: 0, minor, headerSize, flags };
          const bytes = encodeHeader(h);
          expect(bytes.length).toBe(32);
          expect(decodeHeader(bytes)).toEqual(h);
        },
      ),
    );
  });

  test('property: arbitrary bytes decode or throw a ModelVaultError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.boolean(), (junk, withMagic) => {
        const bytes = withMagic && junk.length >= 4 ? withBytes(junk, 0, [0x54, 0x44, 0x42, 0x30]) : junk;
        const e = thrownBy(() => decodeHeader(bytes));
        if (e === null) expect(bytes.length).toBeGreaterThanOrEqual(32);
      }),
      { numRuns: 300 },
    );
  });
});
