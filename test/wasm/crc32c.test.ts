import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { crc32c as awsCrc32c } from '@aws-crypto/crc32c';
import { crc32c, crc32cUpdate } from '../../src/wasm/crc32c.ts';
import { isModelVaultError } from '../../src/errors.ts';
import { crc32cBitwise, crc32cTable, pseudoRandomBytes } from './reference.ts';

const ascii = (s: string) => new TextEncoder().encode(s);
const range = (from: number, to: number) => Uint8Array.from({ length: to - from }, (_, i) => from + i);

describe('crc32c check values', () => {
  it('FORMAT.md §15', () => {
    expect(crc32c(ascii('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(0))).toBe(0);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(range(0, 32))).toBe(0x46dd794e);
  });

  it('RFC 3720 B.4', () => {
    expect(crc32c(range(0, 32).reverse())).toBe(0x113fdb5c);
    const readPdu = Uint8Array.from([
      0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
      0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ]);
    expect(crc32c(readPdu)).toBe(0xd9963a56);
  });

  it('the test reference agrees with the table values in §15', () => {
    // t[1], t[128], t[255] of the reflected table = CRC register after one byte from 0.
    const t = (i: number) => (crc32cBitwise(Uint8Array.of(i), 0xffffffff) ^ 0xffffffff) >>> 0;
    expect([t(1), t(128), t(255)]).toEqual([0xf26b8303, 0x82f63b78, 0xad7d5351]);
  });

  it('returns an unsigned 32-bit integer', () => {
    for (const n of [1, 7, 64, 5000]) {
      const v = crc32c(pseudoRandomBytes(n, n));
      expect(Number.isInteger(v) && v >= 0 && v <= 0xffffffff).toBe(true);
    }
  });
});

describe('crc32c against the bitwise reference', () => {
  it('every length 0..300 at every source alignment 0..15', () => {
    const base = pseudoRandomBytes(300 + 16, 1234);
    for (let align = 0; align < 16; align++) {
      for (let len = 0; len <= 300; len++) {
        const view = base.subarray(align, align + len);
        const got = crc32c(view);
        if (got !== crc32cBitwise(view)) {
          expect({ align, len, got }).toEqual({ align, len, got: crc32cBitwise(view) });
        }
      }
    }
  });

  it('lengths around every kernel path boundary (16-byte slices, 1, 4 and 16 KiB SIMD blocks)', () => {
    const data = pseudoRandomBytes(70_000, 99);
    for (const block of [16, 1024, 4096, 16384, 65536]) {
      for (const k of [1, 2, 3, 5, 16]) {
        for (const d of [-17, -16, -1, 0, 1, 15, 16, 17]) {
          const len = block * k + d;
          if (len < 0 || len > data.length) continue;
          const view = data.subarray(3, 3 + len);
          expect(crc32c(view), `len ${len}`).toBe(crc32cTable(view));
        }
      }
    }
  });

  it('inputs whose lanes differ in a single byte give different CRCs', () => {
    // A fault in the lane transpose/fold would often still be self-consistent; flipping
    // each byte of a 4 KiB block (one per lane position) must match the reference.
    const data = pseudoRandomBytes(4096 + 1024 + 40, 5);
    for (let i = 0; i < data.length; i += 97) {
      data[i] ^= 0x5a;
      expect(crc32c(data)).toBe(crc32cTable(data));
      data[i] ^= 0x5a;
    }
  });
});

describe('continuation', () => {
  it('seed continues a finished CRC: chunked equals one-shot at random split points', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 20_000 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (bytes, cuts) => {
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          let crc = 0;
          let prev = 0;
          for (const p of [...points, bytes.length]) {
            crc = crc32c(bytes.subarray(prev, p), crc);
            prev = p;
          }
          expect(crc).toBe(crc32c(bytes));
          let upd = 0;
          prev = 0;
          for (const p of [...points, bytes.length]) {
            upd = crc32cUpdate(upd, bytes.subarray(prev, p));
            prev = p;
          }
          expect(upd).toBe(crc);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a signed seed (crc | 0) continues the same as the unsigned one', () => {
    const a = pseudoRandomBytes(100, 1);
    const b = pseudoRandomBytes(5000, 2);
    const first = crc32c(a);
    expect(crc32c(b, first | 0)).toBe(crc32c(b, first));
    expect(crc32c(b, first)).toBe(crc32cTable(b, first));
  });
});

describe('random buffers', () => {
  it('matches the table reference and @aws-crypto/crc32c (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 70_000 }), (bytes) => {
        const got = crc32c(bytes);
        expect(got).toBe(crc32cTable(bytes));
        expect(got).toBe(awsCrc32c(bytes) >>> 0);
      }),
      { numRuns: 60 },
    );
  });

  it('large buffers crossing the copy window and many SIMD blocks', () => {
    for (const len of [65_535, 65_536, 65_537, 131_072 + 4096 + 1024 + 17, (1 << 20) + 3, 3 * (1 << 20) + 4097]) {
      const data = pseudoRandomBytes(len, len);
      const got = crc32c(data);
      expect(got, `len ${len}`).toBe(crc32cTable(data));
      expect(got, `len ${len}`).toBe(awsCrc32c(data) >>> 0);
    }
  });

  it('Node Buffers and views at odd offsets are accepted', () => {
    const data = pseudoRandomBytes(10_000, 8);
    const buf = Buffer.from(data);
    expect(crc32c(buf)).toBe(crc32cTable(data));
    expect(crc32c(buf.subarray(1, 9_999))).toBe(crc32cTable(data.subarray(1, 9_999)));
  });
});

describe('argument errors', () => {
  it('a non-Uint8Array is a Usage.InvalidArgument error, not a TypeError', () => {
    let err: unknown;
    try {
      crc32c('abc' as unknown as Uint8Array);
    } catch (e) {
      err = e;
    }
    expect(isModelVaultError(err, 'Usage.InvalidArgument')).toBe(true);
  });
});
