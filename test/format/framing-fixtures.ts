/**
 * Byte images of FORMAT.md §18.1–§18.3 (the worked examples) and small helpers shared by
 * the framing tests. Hex strings are copied from the spec; whitespace and `|` are ignored.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { ModelVaultError } from '../../src/errors.ts';
import type { ByteSource } from '../../src/format/segment.ts';

export function hex(s: string): Uint8Array {
  const clean = s.replace(/[\s|]/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new Error(`bad hex fixture: ${s}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function toHex(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');
}

/** §18.1: 8274 bytes, only the non-zero rows are listed in the spec. */
export function emptyDatabaseImage(): Uint8Array {
  const f = new Uint8Array(8274);
  const rows: [number, string][] = [
    [0x0000, '54 44 42 30 00 00 06 00 20 00 00 00 00 00 00 00'],
    [0x0020, '54 53 42 30 01 00 00 00 01 00 00 00 00 00 00 00'],
    [0x0050, 'df 7a 73 55'],
    [0x1020, '54 53 42 30 01 00 00 00 02 00 00 00 00 00 00 00'],
    [0x1030, '20 20 00 00 00 00 00 00 12 00 00 00 00 00 00 00'],
    [0x1050, '8d 7b 52 4d'],
    [0x2020, '54 53 47 30 00 00 03 00 20 00 00 00 12 00 00 00'],
    [0x2030, '00 00 00 00 55 c6 6a 37 00 00 00 00 8b f5 c0 ec'],
    [0x2040, '00 00 20 20 00 00 00 00 00 00 32 00 00 00 00 00'],
    [0x2050, '00 00'],
  ];
  for (const [at, h] of rows) f.set(hex(h), at);
  return f;
}

/** §18.2: the Schema segment at 8330 (header + 67-byte CreateCollection payload). */
export const SCHEMA_SEGMENT_8330 = hex(`
  54 53 47 30 00 00 01 00 20 00 00 00 43 00 00 00
  00 00 00 00 17 7a 82 3d 00 00 00 00 29 e7 39 9d
  04 00 01 00 01 00 00 00 05 00 00 00 75 73 65 72
  73 01 00 00 00 02 00 00 00 01 00 00 00 02 00 00
  00 69 64 01 00 00 00 00 01 00 00 00 04 00 00 00
  6e 61 6d 65 04 00 00 00 00 00 00 00 00 02 00 00
  00 69 64`);
export const SCHEMA_PAYLOAD = SCHEMA_SEGMENT_8330.subarray(32);

/** §18.2: TxnBegin(2), Record, TxnCommit(2) at 8535..8711. */
export const TXN_GROUP_8535 = hex(`
  54 53 47 30 00 00 06 00 20 00 00 00 18 00 00 00
  00 00 00 00 8a 7c 2a 57 00 00 00 00 36 97 d2 57
  00 00 02 00 00 00 00 00 00 00 00 00 00 00 00 00
  00 00 29 a0 d1 28 00 00
  54 53 47 30 00 00 02 00 20 00 00 00 20 00 00 00
  00 00 00 00 b5 9c 21 dc 00 00 00 00 cd 57 3c a5
  02 00 01 00 00 00 01 00 00 00 01 01 01 00 00 00
  00 00 00 00 01 00 00 00 04 03 00 00 00 41 6e 6e
  54 53 47 30 00 00 07 00 20 00 00 00 18 00 00 00
  00 00 00 00 8a 7c 2a 57 00 00 00 00 82 79 c7 0b
  00 00 02 00 00 00 00 00 00 00 00 00 00 00 00 00
  00 00 29 a0 d1 28 00 00`);
export const TXN2_PAYLOAD = TXN_GROUP_8535.subarray(32, 56);
export const RECORD_PAYLOAD = TXN_GROUP_8535.subarray(56 + 32, 56 + 32 + 32);

/** §18.2: the final Manifest payload (segment at 8711). */
export const MANIFEST_8711_PAYLOAD = hex('00 00 | 07 22 00 00 00 00 00 00 | 32 00 00 00 00 00 00 00');

/** The segments of the §18.2 log: [offset, type name, payload length]. */
export const LOG_18_2: readonly [number, string, number][] = [
  [8224, 'Manifest', 18],
  [8274, 'TxnBegin', 24],
  [8330, 'Schema', 67],
  [8429, 'TxnCommit', 24],
  [8485, 'Manifest', 18],
  [8535, 'TxnBegin', 24],
  [8591, 'Record', 32],
  [8655, 'TxnCommit', 24],
  [8711, 'Manifest', 18],
];

/** §18.3: the 135-byte checkpoint payload taken right after §18.2. */
export function checkpointPayload18_3(): Uint8Array {
  const parts = [
    hex('00 00  e0 22 00 00 00 00 00 00  01 00 00 00  43 00 00 00'),
    SCHEMA_PAYLOAD,
    hex('01 00 00 00  20 00 00 00'),
    RECORD_PAYLOAD,
    hex('06 00 00 00  02 00 00 00 00 00'),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A ByteSource over memory that fails the test on any read outside the data. */
export function memorySource(bytes: Uint8Array, reads?: [number, number][]): ByteSource {
  return {
    length: () => bytes.length,
    readAt(position: number, length: number): Uint8Array {
      reads?.push([position, length]);
      if (!Number.isSafeInteger(position) || !Number.isSafeInteger(length) || position < 0 || length < 0 || length > bytes.length - position) {
        throw new Error(`out-of-bounds read ${position}+${length} of ${bytes.length}`);
      }
      return bytes.slice(position, position + length);
    },
  };
}

export function readGolden(name: string): Uint8Array {
  const b = readFileSync(`/work/shared/golden/${name}`);
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/** Runs `f`; anything it throws must be a ModelVaultError (returned, or null if nothing was thrown). */
export function thrownBy(f: () => unknown): ModelVaultError | null {
  try {
    f();
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(ModelVaultError);
    return e as ModelVaultError;
  }
}

/** The error `f` throws; fails the test if it returns normally or throws a foreign error. */
export function errorOf(f: () => unknown): ModelVaultError {
  const e = thrownBy(f);
  if (e === null) throw new Error('expected a ModelVaultError, nothing was thrown');
  return e;
}

export function withBytes(base: Uint8Array, at: number, bytes: ArrayLike<number>): Uint8Array {
  const out = base.slice();
  out.set(bytes, at);
  return out;
}
