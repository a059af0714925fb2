/**
 * The scans recognise valid segment headers on a fast path; every header they do not
 * accept must fail exactly as decodeSegmentHeader does (same code), and every header they
 * accept must decode to the same fields — checked for every single-byte change of a header.
 */
import { describe, expect, it } from 'vitest';
import { SegmentType } from '../../src/format/constants.ts';
import { decodeSegmentHeader, encodeSegment, scanTolerant } from '../../src/format/segment.ts';
import type { ByteSource } from '../../src/format/segment.ts';
import { ModelVaultError } from '../../src/errors.ts';
import { crc32c } from '../../src/wasm/crc32c.ts';

const source = (b: Uint8Array): ByteSource => ({ length: () => b.length, readAt: (p, n) => b.subarray(p, p + n) });

function outcome(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (e instanceof ModelVaultError) return e.code;
    throw e;
  }
}

describe('scan header fast path', () => {
  it('agrees with decodeSegmentHeader on every single-byte change of a header', () => {
    const first = encodeSegment(SegmentType.Record, Uint8Array.of(1, 2, 3, 4, 5));
    const second = encodeSegment(SegmentType.Index, Uint8Array.of(9, 9));
    const log = new Uint8Array(first.length + second.length);
    log.set(first);
    log.set(second, first.length);
    let accepted = 0;
    const codes = new Set<string>();
    for (const reseal of [false, true])
    for (let i = 0; i < 32; i++) {
      for (const v of [0, 1, 2, 0x20, 0x54, 0x80, 0xff]) {
        const b = log.slice();
        if (b[i] === v) continue;
        b[i] = v;
        // Resealed, the header CRC holds and the other §4.4 checks decide.
        if (reseal && i < 28) new DataView(b.buffer).setUint32(28, crc32c(b.subarray(0, 28)), true);
        const header = outcome(() => decodeSegmentHeader(b, 0));
        let scan: string;
        let segs: ReturnType<typeof scanTolerant> | null = null;
        try {
          segs = scanTolerant(source(b), 0);
          scan = 'ok';
        } catch (e) {
          if (!(e instanceof ModelVaultError)) throw e;
          scan = e.code;
        }
        codes.add(scan);
        if (header !== 'ok') {
          expect(scan).toBe(header);
          continue;
        }
        // A header that decodes: the scan then judges length and payload CRC.
        const h = decodeSegmentHeader(b, 0);
        if (scan === 'ok' && segs!.segments.length > 0) {
          accepted++;
          expect(segs!.segments[0]).toEqual({
            offset: 0,
            type: h.type,
            payloadLen: Number(h.payloadLen),
            payloadCrc: h.payloadCrc,
            end: 32 + Number(h.payloadLen),
          });
        }
      }
    }
    // Changes to reserved bytes or the length (resealed) are still valid headers.
    expect(accepted).toBeGreaterThan(0);
    for (const code of ['Format.BadSegmentMagic', 'Format.UnsupportedVersion', 'Format.BadSegmentHeaderChecksum', 'Format.BadSegmentPayloadChecksum']) {
      expect(codes).toContain(code);
    }
  });

  it('a payload length beyond the file (including ≥ 2^53) is a torn tail, not an error', () => {
    for (const len of [4n, 1n << 32n, 1n << 53n, (1n << 64n) - 1n]) {
      const b = encodeSegment(SegmentType.Record, Uint8Array.of(1, 2, 3));
      const dv = new DataView(b.buffer, b.byteOffset);
      dv.setBigUint64(12, len, true);
      // writeSegmentHeader refuses such lengths, so the header CRC is resealed by hand.
      dv.setUint32(28, crc32c(b.subarray(0, 28)), true);
      expect(decodeSegmentHeader(b, 0).payloadLen).toBe(len);
      const r = scanTolerant(source(b), 0);
      expect(r.torn).toBe(true);
      expect(r.segments).toEqual([]);
    }
  });
});
