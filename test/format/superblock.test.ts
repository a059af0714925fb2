import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { crc32c } from '../../src/wasm/crc32c.ts';
import { SUPERBLOCK_A_OFFSET, SUPERBLOCK_B_OFFSET, SUPERBLOCK_SIZE } from '../../src/format/constants.ts';
import {
  EMPTY_SUPERBLOCK,
  decodeSuperblock,
  encodeSuperblock,
  nextSuperblock,
  selectSuperblock,
} from '../../src/format/superblock.ts';
import type { Superblock } from '../../src/format/superblock.ts';
import { emptyDatabaseImage, errorOf, thrownBy, withBytes } from './framing-fixtures.ts';

const slotA = (f: Uint8Array) => f.subarray(SUPERBLOCK_A_OFFSET, SUPERBLOCK_A_OFFSET + SUPERBLOCK_SIZE);
const slotB = (f: Uint8Array) => f.subarray(SUPERBLOCK_B_OFFSET, SUPERBLOCK_B_OFFSET + SUPERBLOCK_SIZE);

const sb = (generation: bigint, manifestOffset = 0n, manifestLen = 0): Omit<Superblock, 'version'> => ({
  generation,
  manifestOffset,
  manifestLen,
  checksumKind: 0,
  checkpointOffset: 0n,
  checkpointLen: 0,
});

/** A version-0 slot (§3.2), which current writers never produce. */
function encodeV0(fields: { generation: bigint; manifestOffset: bigint; manifestLen: number }): Uint8Array {
  const out = new Uint8Array(SUPERBLOCK_SIZE);
  const v = new DataView(out.buffer);
  out.set([0x54, 0x53, 0x42, 0x30]);
  v.setBigUint64(8, fields.generation, true);
  v.setBigUint64(16, fields.manifestOffset, true);
  v.setUint32(24, fields.manifestLen, true);
  // Bytes +36.. would be a v1 checkpoint pointer; a v0 reader must not look at them.
  v.setBigUint64(36, 12345n, true);
  v.setUint32(44, 99, true);
  v.setUint32(32, crc32c(out.subarray(0, 32)), true);
  return out;
}

/** Re-seals a v1 slot after editing bytes under its CRC. */
function resealV1(slot: Uint8Array): Uint8Array {
  const out = slot.slice();
  new DataView(out.buffer).setUint32(48, crc32c(out.subarray(0, 48)), true);
  return out;
}

describe('superblocks (FORMAT.md §3)', () => {
  test('§18.1: slot A {gen 1} and slot B {gen 2, manifest 8224/18} byte for byte', () => {
    const f = emptyDatabaseImage();
    expect(encodeSuperblock(sb(1n))).toEqual(slotA(f));
    expect(encodeSuperblock(sb(2n, 8224n, 18))).toEqual(slotB(f));
    expect(decodeSuperblock(slotB(f))).toEqual({ version: 1, ...sb(2n, 8224n, 18) });
  });

  test('§18.2: final slots carry the documented CRCs', () => {
    const a = encodeSuperblock(sb(3n, 0x2125n, 18));
    const b = encodeSuperblock(sb(4n, 0x2207n, 18));
    expect([...a.subarray(48, 52)]).toEqual([0xcc, 0x9d, 0x08, 0x23]);
    expect([...b.subarray(48, 52)]).toEqual([0x49, 0x42, 0x6b, 0x66]);
    expect(selectSuperblock(a, b)).toEqual({ slot: 'B', sb: decodeSuperblock(b) });
  });

  test('§18.1 creation publish: nextSuperblock(A{gen 1}, 8224) is slot B of the new file', () => {
    const f = emptyDatabaseImage();
    const current = selectSuperblock(encodeSuperblock(sb(1n)), encodeSuperblock(sb(0n)));
    expect(current?.slot).toBe('A');
    expect(encodeSuperblock(nextSuperblock(current!.sb, 8224))).toEqual(slotB(f));
  });

  test('§18.3 checkpoint publish: pointer supplied, later publishes copy it forward', () => {
    const b = decodeSuperblock(encodeSuperblock(sb(4n, 0x2207n, 18)));
    const withCkpt = nextSuperblock(b, 8928, { offset: 8761, len: 135 });
    expect(withCkpt).toEqual({ ...sb(5n, 8928n, 18), checkpointOffset: 8761n, checkpointLen: 135 });
    const bytes = encodeSuperblock(withCkpt);
    expect([...bytes.subarray(44, 48)]).toEqual([0x87, 0, 0, 0]);
    const later = nextSuperblock(decodeSuperblock(bytes), 9000);
    expect(later).toEqual({ ...sb(6n, 9000n, 18), checkpointOffset: 8761n, checkpointLen: 135 });
  });

  test('nextSuperblock saturates the generation and keeps checksum_kind; EMPTY is generation 0', () => {
    expect(EMPTY_SUPERBLOCK).toEqual({ version: 1, ...sb(0n) });
    expect(nextSuperblock(EMPTY_SUPERBLOCK, 8224).generation).toBe(1n);
    const max = { ...EMPTY_SUPERBLOCK, generation: 0xffff_ffff_ffff_ffffn };
    expect(nextSuperblock(max, 8224).generation).toBe(0xffff_ffff_ffff_ffffn);
  });

  test('version 0: decoded with its own CRC position and no checkpoint pointer', () => {
    const v0 = encodeV0({ generation: 9n, manifestOffset: 8224n, manifestLen: 18 });
    expect(decodeSuperblock(v0)).toEqual({ version: 0, ...sb(9n, 8224n, 18) });
    // A v0 current contributes 0/0 to the next superblock even if it held junk past +36.
    expect(nextSuperblock(decodeSuperblock(v0), 9000)).toEqual(sb(10n, 9000n, 18));
    // The v0 CRC covers only +0..+31.
    expect(decodeSuperblock(withBytes(v0, 40, [1, 2, 3])).generation).toBe(9n);
    expect(errorOf(() => decodeSuperblock(withBytes(v0, 31, [1]))).code).toBe('Format.BadSuperblockChecksum');
  });

  describe('§3.3 validity checks, in order', () => {
    const good = encodeSuperblock(sb(7n, 8224n, 18));

    test('1. fewer than 4096 bytes → TruncatedSuperblock{got, expected: 4096}', () => {
      const e = errorOf(() => decodeSuperblock(good.subarray(0, 4095)));
      expect(e.code).toBe('Format.TruncatedSuperblock');
      expect(e.details).toEqual({ got: 4095, expected: 4096 });
      expect(errorOf(() => decodeSuperblock(new Uint8Array(0))).details).toEqual({ got: 0, expected: 4096 });
    });

    test('2. magic ≠ TSB0 → BadSuperblockMagic{got} (before version/kind/CRC)', () => {
      const bad = withBytes(good, 0, [0x54, 0x53, 0x47, 0x30]);
      bad[4] = 7;
      bad[28] = 1;
      const e = errorOf(() => decodeSuperblock(bad));
      expect(e.code).toBe('Format.BadSuperblockMagic');
      expect(e.details.got).toEqual(new Uint8Array([0x54, 0x53, 0x47, 0x30]));
      expect(errorOf(() => decodeSuperblock(new Uint8Array(4096))).code).toBe('Format.BadSuperblockMagic');
    });

    test('3. version ∉ {0,1} → UnsupportedVersion{0, version} (before kind and CRC)', () => {
      const bad = withBytes(good, 4, [2, 1]);
      bad[28] = 5;
      const e = errorOf(() => decodeSuperblock(bad));
      expect(e.code).toBe('Format.UnsupportedVersion');
      expect(e.details).toEqual({ major: 0, minor: 258 });
    });

    test('4. checksum_kind ≠ 0 → UnsupportedVersion{0, kind} (before CRC)', () => {
      const e = errorOf(() => decodeSuperblock(withBytes(good, 28, [3])));
      expect(e.code).toBe('Format.UnsupportedVersion');
      expect(e.details).toEqual({ major: 0, minor: 3 });
      // Even with a matching CRC the kind is rejected.
      expect(errorOf(() => decodeSuperblock(resealV1(withBytes(good, 28, [3])))).code).toBe('Format.UnsupportedVersion');
    });

    test('5. CRC mismatch → BadSuperblockChecksum; reserved bytes under the CRC count, bytes ≥ +52 do not', () => {
      expect(errorOf(() => decodeSuperblock(withBytes(good, 16, [0xff]))).code).toBe('Format.BadSuperblockChecksum');
      expect(errorOf(() => decodeSuperblock(withBytes(good, 30, [1]))).code).toBe('Format.BadSuperblockChecksum');
      expect(errorOf(() => decodeSuperblock(withBytes(good, 49, [good[49]! ^ 0xff]))).code).toBe(
        'Format.BadSuperblockChecksum',
      );
      expect(decodeSuperblock(withBytes(good, 52, [1, 2, 3])).generation).toBe(7n);
      expect(decodeSuperblock(withBytes(good, 4095, [9])).generation).toBe(7n);
      // Reserved bytes are not checked once the CRC matches.
      expect(decodeSuperblock(resealV1(withBytes(good, 30, [1]))).generation).toBe(7n);
    });

    test('values are not sanity-checked', () => {
      const odd = { ...sb(0xffff_ffff_ffff_ffffn, 3n, 1), checkpointOffset: 1n, checkpointLen: 0xffff_ffff };
      expect(decodeSuperblock(encodeSuperblock(odd))).toEqual({ version: 1, ...odd });
    });
  });

  describe('§3.4 selection', () => {
    const g = (n: bigint) => encodeSuperblock(sb(n, 8224n, 18));
    const corrupt = (slot: Uint8Array) => withBytes(slot, 16, [0xee]);

    test('higher generation wins; a tie selects A', () => {
      expect(selectSuperblock(g(5n), g(4n))?.slot).toBe('A');
      expect(selectSuperblock(g(4n), g(5n))?.slot).toBe('B');
      expect(selectSuperblock(g(4n), g(4n))?.slot).toBe('A');
      expect(selectSuperblock(g(0xffff_ffff_ffff_ffffn), g(0xffff_ffff_ffff_fffen))?.slot).toBe('A');
    });

    test('invalid slots are ignored, whatever their generation', () => {
      expect(selectSuperblock(corrupt(g(9n)), g(1n))).toEqual({ slot: 'B', sb: decodeSuperblock(g(1n)) });
      expect(selectSuperblock(g(1n), corrupt(g(9n)))).toEqual({ slot: 'A', sb: decodeSuperblock(g(1n)) });
      expect(selectSuperblock(g(1n).subarray(0, 100), g(0n))?.slot).toBe('B');
    });

    test('neither valid → null', () => {
      expect(selectSuperblock(corrupt(g(1n)), new Uint8Array(4096))).toBeNull();
      expect(selectSuperblock(new Uint8Array(0), new Uint8Array(0))).toBeNull();
    });
  });

  test('encoder refuses out-of-range fields with a typed error', () => {
    expect(errorOf(() => encodeSuperblock({ ...sb(1n), manifestLen: 2 ** 32 })).code).toBe('Usage.InvalidArgument');
    expect(errorOf(() => encodeSuperblock({ ...sb(1n), generation: 2n ** 64n })).code).toBe('Usage.InvalidArgument');
    expect(errorOf(() => encodeSuperblock({ ...sb(1n), checksumKind: 256 })).code).toBe('Usage.InvalidArgument');
    expect(errorOf(() => nextSuperblock(EMPTY_SUPERBLOCK, 8224, { offset: 8224, len: -1 })).code).toBe(
      'Usage.InvalidArgument',
    );
  });

  const u64 = fc.bigInt({ min: 0n, max: 0xffff_ffff_ffff_ffffn });
  const u32 = fc.nat({ max: 0xffff_ffff });
  const arbSb = fc.record({
    generation: u64,
    manifestOffset: u64,
    manifestLen: u32,
    checksumKind: fc.constant(0),
    checkpointOffset: u64,
    checkpointLen: u32,
  });

  test('property: decode ∘ encode is the identity; 4096 bytes, zero past +52', () => {
    fc.assert(
      fc.property(arbSb, (s) => {
        const bytes = encodeSuperblock(s);
        expect(bytes.length).toBe(4096);
        expect(bytes.subarray(52).every((b) => b === 0)).toBe(true);
        expect(decodeSuperblock(bytes)).toEqual({ version: 1, ...s });
      }),
      { numRuns: 200 },
    );
  });

  test('property: any single bit flip in +0..+51 invalidates the slot with a ModelVaultError', () => {
    fc.assert(
      fc.property(arbSb, fc.nat({ max: 51 * 8 + 7 }), (s, bit) => {
        const bytes = encodeSuperblock(s);
        bytes[bit >> 3]! ^= 1 << (bit & 7);
        const e = thrownBy(() => decodeSuperblock(bytes));
        expect(e).not.toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  test('property: arbitrary slot bytes decode or throw only ModelVaultError; selection never throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 64 }), fc.nat({ max: 4200 }), (head, len) => {
        const bytes = new Uint8Array(len);
        bytes.set(head.subarray(0, len));
        if (len >= 4 && head.length > 8 && head[8]! < 128) bytes.set([0x54, 0x53, 0x42, 0x30]);
        thrownBy(() => decodeSuperblock(bytes));
        selectSuperblock(bytes, bytes);
      }),
      { numRuns: 200 },
    );
  });
});
