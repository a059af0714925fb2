import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { decodeManifest, encodeManifest } from '../../src/format/manifest.ts';
import { MANIFEST_8711_PAYLOAD, emptyDatabaseImage, errorOf, thrownBy, withBytes } from './framing-fixtures.ts';

describe('manifest payload (FORMAT.md §5)', () => {
  test('§18.1 and §18.2 payloads byte for byte', () => {
    expect(encodeManifest(8224)).toEqual(emptyDatabaseImage().subarray(8256, 8274));
    expect(encodeManifest(8711)).toEqual(MANIFEST_8711_PAYLOAD);
    expect(decodeManifest(MANIFEST_8711_PAYLOAD)).toEqual({ version: 0, lastSegmentOffset: 8711n, lastSegmentLen: 50n });
  });

  test('shorter than 18 bytes → TruncatedHeader{got, expected: 18}', () => {
    for (const n of [0, 1, 17]) {
      const e = errorOf(() => decodeManifest(encodeManifest(8224).subarray(0, n)));
      expect([e.code, e.details]).toEqual(['Format.TruncatedHeader', { got: n, expected: 18 }]);
    }
  });

  test('version ≠ 0 → UnsupportedVersion{0, version}', () => {
    const e = errorOf(() => decodeManifest(withBytes(encodeManifest(8224), 0, [1, 1])));
    expect([e.code, e.details]).toEqual(['Format.UnsupportedVersion', { major: 0, minor: 257 }]);
  });

  test('bytes beyond the first 18 are ignored; the offsets are not checked', () => {
    const longer = new Uint8Array(30).fill(0xee);
    longer.set(new Uint8Array(18));
    expect(decodeManifest(longer)).toEqual({ version: 0, lastSegmentOffset: 0n, lastSegmentLen: 0n });
    const odd = withBytes(encodeManifest(8224), 2, new Uint8Array(16).fill(0xff));
    expect(decodeManifest(odd.subarray(0, 18))).toEqual({
      version: 0,
      lastSegmentOffset: 0xffff_ffff_ffff_ffffn,
      lastSegmentLen: 0xffff_ffff_ffff_ffffn,
    });
  });

  test('decoding a view at a non-zero byte offset reads the right bytes', () => {
    const buf = new Uint8Array(25);
    buf.set(encodeManifest(123456), 7);
    expect(decodeManifest(buf.subarray(7)).lastSegmentOffset).toBe(123456n);
  });

  test('encoder refuses a negative or unsafe offset', () => {
    expect(errorOf(() => encodeManifest(-1)).code).toBe('Usage.InvalidArgument');
    expect(errorOf(() => encodeManifest(2 ** 53)).code).toBe('Usage.InvalidArgument');
  });

  test('property: decode ∘ encode', () => {
    fc.assert(
      fc.property(fc.nat({ max: Number.MAX_SAFE_INTEGER }), (off) => {
        const p = encodeManifest(off);
        expect(p.length).toBe(18);
        expect(decodeManifest(p)).toEqual({ version: 0, lastSegmentOffset: BigInt(off), lastSegmentLen: 50n });
      }),
    );
  });

  test('property: arbitrary bytes decode or throw a ModelVaultError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (b) => {
        const e = thrownBy(() => decodeManifest(b));
        if (e === null) expect(b.length >= 18 && b[0] === 0 && b[1] === 0).toBe(true);
      }),
    );
  });
});
