import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { crc32c } from '../../src/wasm/crc32c.ts';
import { decodeTxnMarker, encodeTxnMarker } from '../../src/format/txn-marker.ts';
import { TXN2_PAYLOAD, errorOf, hex, thrownBy, withBytes } from './framing-fixtures.ts';

describe('transaction marker payload (FORMAT.md §10.1)', () => {
  test('§18.2 TxnBegin/TxnCommit payload for id 2 byte for byte', () => {
    expect(encodeTxnMarker(2n)).toEqual(TXN2_PAYLOAD);
    expect(encodeTxnMarker(2n)).toEqual(
      hex('00 00 02 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 29 a0 d1 28 00 00'),
    );
    expect(decodeTxnMarker(TXN2_PAYLOAD)).toBe(2n);
  });

  test('length ≠ 24 → InvalidTxnPayload "expected 24 bytes, got N"', () => {
    for (const n of [0, 23, 25]) {
      const b = new Uint8Array(n);
      b.set(encodeTxnMarker(1n).subarray(0, Math.min(n, 24)));
      const e = errorOf(() => decodeTxnMarker(b));
      expect([e.code, e.details]).toEqual(['Format.InvalidTxnPayload', { message: `expected 24 bytes, got ${n}` }]);
    }
  });

  test('version ≠ 0 → InvalidTxnPayload "unsupported txn payload version N" (before the CRC)', () => {
    const e = errorOf(() => decodeTxnMarker(withBytes(encodeTxnMarker(1n), 0, [3, 0])));
    expect([e.code, e.details]).toEqual(['Format.InvalidTxnPayload', { message: 'unsupported txn payload version 3' }]);
  });

  test('inner CRC covers +0..+17 (id and reserved); the pad +22..+23 is not covered', () => {
    const m = encodeTxnMarker(7n);
    for (const at of [2, 9, 10, 17, 18, 21]) {
      const e = errorOf(() => decodeTxnMarker(withBytes(m, at, [m[at]! ^ 1])));
      expect([e.code, e.details]).toEqual(['Format.InvalidTxnPayload', { message: 'txn payload crc mismatch' }]);
    }
    expect(decodeTxnMarker(withBytes(m, 22, [0xff, 0xff]))).toBe(7n);
    // Reserved bytes are accepted once the inner CRC matches.
    const reserved = withBytes(m, 10, [1, 2, 3]);
    new DataView(reserved.buffer).setUint32(18, crc32c(reserved.subarray(0, 18)), true);
    expect(decodeTxnMarker(reserved)).toBe(7n);
  });

  test('encoder refuses ids outside u64', () => {
    expect(errorOf(() => encodeTxnMarker(-1n)).code).toBe('Usage.InvalidArgument');
    expect(errorOf(() => encodeTxnMarker(2n ** 64n)).code).toBe('Usage.InvalidArgument');
  });

  test('property: decode ∘ encode over all u64 ids', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 0xffff_ffff_ffff_ffffn }), (id) => {
        const p = encodeTxnMarker(id);
        expect(p.length).toBe(24);
        expect(decodeTxnMarker(p)).toBe(id);
      }),
    );
  });

  test('property: random and bit-flipped payloads throw only ModelVaultError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 30 }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.nat({ max: 175 }), (junk, id, bit) => {
        thrownBy(() => decodeTxnMarker(junk));
        const m = encodeTxnMarker(id);
        m[bit >> 3]! ^= 1 << (bit & 7);
        const e = thrownBy(() => decodeTxnMarker(m));
        expect(e).not.toBeNull();
      }),
    );
  });
});
