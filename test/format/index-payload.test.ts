import { describe, expect, it } from 'vitest';
import { decodeIndexPayload, encodeIndexPayload, type IndexEntry } from '../../src/format/index-payload.ts';
import { expectCode, hex, unhex } from './payload-helpers.ts';

const PK1 = unhex('0100000000000000');
const enc = new TextEncoder();
const entry = (op: 'insert' | 'delete', key: string, kind: IndexEntry['kind'] = 'unique'): IndexEntry => ({
  collectionId: 1,
  kind,
  op,
  name: 'name_u',
  key: enc.encode(key),
  pk: PK1,
});

const INSERT_ANN = unhex(
  '0200 01000000 01000000 01 01 06000000 6e616d655f75 03000000 416e6e 08000000 0100000000000000',
);
const REPLACE = unhex(`
02 00 02 00 00 00
01 00 00 00 01 02 06 00 00 00 6e 61 6d 65 5f 75 03 00 00 00 41 6e 6e 08 00 00 00 01 00 00 00 00 00 00 00
01 00 00 00 01 01 06 00 00 00 6e 61 6d 65 5f 75 03 00 00 00 42 6f 62 08 00 00 00 01 00 00 00 00 00 00 00`);

describe('index payload worked examples (§18.3)', () => {
  it('insert Ann (41 bytes)', () => {
    expect(INSERT_ANN.length).toBe(41);
    expect(hex(encodeIndexPayload([entry('insert', 'Ann')]))).toBe(hex(INSERT_ANN));
    expect(decodeIndexPayload(INSERT_ANN)).toEqual([entry('insert', 'Ann')]);
  });

  it('replace: delete Ann then insert Bob', () => {
    const entries = [entry('delete', 'Ann'), entry('insert', 'Bob')];
    expect(hex(encodeIndexPayload(entries))).toBe(hex(REPLACE));
    expect(decodeIndexPayload(REPLACE)).toEqual(entries);
  });

  it('empty payload (checkpoint index blob)', () => {
    expect(hex(encodeIndexPayload([]))).toBe('020000000000');
    expect(decodeIndexPayload(unhex('020000000000'))).toEqual([]);
  });

  it('version 1 has no op byte and means insert', () => {
    const v1 = unhex('0100 01000000 05000000 02 01000000 78 00000000 02000000 0a0b');
    expect(decodeIndexPayload(v1)).toEqual([
      { collectionId: 5, kind: 'non_unique', op: 'insert', name: 'x', key: new Uint8Array(0), pk: unhex('0a0b') },
    ]);
  });

  it('names without a maximum length; empty keys allowed', () => {
    const e: IndexEntry = { ...entry('insert', ''), name: 'n'.repeat(5000), kind: 'non_unique' };
    expect(decodeIndexPayload(encodeIndexPayload([e]))).toEqual([e]);
  });
});

describe('index payload errors (§9.2)', () => {
  const inv = (bytes: Uint8Array, message: string): void => {
    expectCode(() => decodeIndexPayload(bytes), 'Format.InvalidCatalogPayload', { message });
  };

  it('unsupported version', () => {
    expectCode(() => decodeIndexPayload(unhex('0300')), 'Format.UnsupportedVersion', { major: 0, minor: 3 });
    expectCode(() => decodeIndexPayload(unhex('00000000000000')), 'Format.UnsupportedVersion', { major: 0, minor: 0 });
  });

  it('every truncation → unexpected eof', () => {
    for (let n = 0; n < REPLACE.length; n++) {
      inv(REPLACE.subarray(0, n), 'unexpected eof');
    }
    inv(unhex('0200 01000000 01000000 01 01 ffffffff'), 'unexpected eof');
    inv(unhex('0200 ffffffff'), 'unexpected eof');
  });

  it('kind, op, name, trailing', () => {
    const e = (kind: number, op: number, name: string): Uint8Array =>
      unhex(`0200 01000000 01000000 ${kind.toString(16).padStart(2, '0')} ${op.toString(16).padStart(2, '0')} ${name} 00000000 00000000`);
    inv(e(3, 1, '01000000 61'), 'unknown index kind tag 3');
    inv(e(0, 1, '01000000 61'), 'unknown index kind tag 0');
    inv(e(1, 3, '01000000 61'), 'unknown index op tag 3');
    inv(e(1, 0, '01000000 61'), 'unknown index op tag 0');
    inv(e(1, 1, '00000000'), 'empty index name');
    inv(e(1, 1, '01000000 ff'), 'invalid utf-8 in index name');
    inv(unhex(hex(INSERT_ANN) + '00'), 'trailing bytes in index payload');
  });

  it('encoder refuses what the decoder rejects', () => {
    expectCode(() => encodeIndexPayload([{ ...entry('insert', 'a'), name: '' }]), 'Format.InvalidCatalogPayload');
    expectCode(() => encodeIndexPayload([{ ...entry('insert', 'a'), kind: 'x' as 'unique' }]), 'Format.InvalidCatalogPayload');
    expectCode(() => encodeIndexPayload([{ ...entry('insert', 'a'), op: 'x' as 'insert' }]), 'Format.InvalidCatalogPayload');
    expectCode(() => encodeIndexPayload([{ ...entry('insert', 'a'), collectionId: -1 }]), 'Format.InvalidCatalogPayload');
  });
});

describe('writeIndexPayload and unrepresentable names', () => {
  it('appends into a caller writer', async () => {
    const { ByteWriter } = await import('../../src/format/bytes.ts');
    const { writeIndexPayload } = await import('../../src/format/index-payload.ts');
    const w = new ByteWriter(2);
    w.u8(0xaa);
    writeIndexPayload(w, [entry('insert', 'Ann')]);
    expect(hex(w.finish())).toBe(`aa${hex(INSERT_ANN)}`);
  });
  it('a name with an unpaired surrogate is refused, not silently replaced', () => {
    expectCode(() => encodeIndexPayload([{ ...entry('insert', 'a'), name: 'x\ud800' }]), 'Format.InvalidCatalogPayload');
  });
});
