import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../src/format/bytes.ts';
import {
  bodyFields,
  decodeRecord,
  encodeRecord,
  peekRecordHeader,
  recordVersionFor,
  writeRecord,
  type RecordLayout,
} from '../../src/format/record.ts';
import type { FieldDef, Type } from '../../src/schema/types.ts';
import type { Row } from '../../src/schema/values.ts';
import { expectCode, hex, unhex } from './payload-helpers.ts';

const f = (path: string[], type: Type): FieldDef => ({ path, type, constraints: [] });

const users: RecordLayout = {
  collectionId: 1,
  primaryField: 'id',
  pkType: 'int64',
  fields: [f(['id'], 'int64'), f(['name'], 'string')],
};

const things: RecordLayout = {
  collectionId: 1,
  primaryField: 'id',
  pkType: 'int64',
  fields: [
    f(['id'], 'int64'),
    f(['tags'], { list: 'string' }),
    f(['note'], { optional: 'string' }),
    f(['color'], { enum: ['red', 'blue'] }),
    f(['dims'], { object: [f(['w'], 'int64'), f(['h'], { optional: 'int64' })] }),
  ],
};

const people: RecordLayout = {
  collectionId: 2,
  primaryField: 'id',
  pkType: 'string',
  fields: [f(['id'], 'string'), f(['profile', 'tz'], 'string'), f(['profile', 'age'], { optional: 'int64' })],
};

const INSERT_ANN = '0200010000000100000001010100000000000000010000000403000000416e6e';
const REPLACE_BOB = '0200010000000100000002010100000000000000010000000403000000426f62';
const DELETE_1 = '020001000000010000000301010000000000000000000000';
const THINGS = `
02 00 01 00 00 00 01 00 00 00 01
01 07 00 00 00 00 00 00 00
04 00 00 00
02 00 00 00 04 01 00 00 00 61 04 02 00 00 00 62 63
00
04 04 00 00 00 62 6c 75 65
01 02 00 00 00 00 00 00 00 00`;
const PEOPLE = `
03 00 02 00 00 00 01 00 00 00 01
04 02 00 00 00 70 31
02 00 00 00
02 07 00 70 72 6f 66 69 6c 65 02 00 74 7a
04 03 00 00 00 55 54 43
02 07 00 70 72 6f 66 69 6c 65 03 00 61 67 65
01 01 1e 00 00 00 00 00 00 00`;

describe('record worked examples (FORMAT.md §18.2/§18.3)', () => {
  it('insert {id: 1, name: "Ann"}', () => {
    const bytes = encodeRecord(users, 1, 1, 1n, { id: 1n, name: 'Ann' });
    expect(hex(bytes)).toBe(INSERT_ANN);
    expect(decodeRecord(bytes, users)).toEqual({
      version: 2,
      collectionId: 1,
      schemaVersion: 1,
      op: 1,
      pk: 1n,
      row: { id: 1n, name: 'Ann' },
    });
  });

  it('replace with Bob (op 2)', () => {
    expect(hex(encodeRecord(users, 2, 1, 1n, { id: 1n, name: 'Bob' }))).toBe(REPLACE_BOB);
    expect(decodeRecord(unhex(REPLACE_BOB), users)).toMatchObject({ op: 2, row: { id: 1n, name: 'Bob' } });
  });

  it('delete key 1 (op 3, 24 bytes)', () => {
    const bytes = encodeRecord(users, 3, 1, 1n, null);
    expect(hex(bytes)).toBe(DELETE_1);
    expect(bytes.length).toBe(24);
    expect(decodeRecord(bytes, users)).toEqual({ version: 2, collectionId: 1, schemaVersion: 1, op: 3, pk: 1n, row: null });
  });

  it('composite v2 record (note omitted)', () => {
    const row: Row = { id: 7n, tags: ['a', 'bc'], color: 'blue', dims: { w: 2n, h: null } };
    expect(hex(encodeRecord(things, 1, 1, 7n, row))).toBe(hex(unhex(THINGS)));
    // Absent top-level Optional decodes as explicit null.
    expect(decodeRecord(unhex(THINGS), things).row).toEqual({ ...row, note: null });
    // An absent Optional object member encodes as 0x00 too.
    expect(hex(encodeRecord(things, 1, 1, 7n, { ...row, dims: { w: 2n } }))).toBe(hex(unhex(THINGS)));
  });

  it('v3 record with multi-segment paths', () => {
    const row: Row = { id: 'p1', profile: { tz: 'UTC', age: 30n } };
    expect(hex(encodeRecord(people, 1, 1, 'p1', row))).toBe(hex(unhex(PEOPLE)));
    expect(decodeRecord(unhex(PEOPLE), people)).toEqual({
      version: 3,
      collectionId: 2,
      schemaVersion: 1,
      op: 1,
      pk: 'p1',
      row,
    });
  });

  it('v3 delete uses version 3', () => {
    expect(hex(encodeRecord(people, 3, 1, 'p1', null))).toBe('030002000000010000000304020000007031' + '00000000');
  });
});

describe('body fields (§8.3) and version choice (§8.9)', () => {
  const mixed: RecordLayout = {
    collectionId: 1,
    primaryField: 'k',
    pkType: 'uuid',
    fields: [f(['a'], 'bool'), f(['x', 'y'], 'int64'), f(['k'], 'uuid'), f(['b'], 'string')],
  };
  it('v1/v2 exclude multi-segment fields and the PK; v3 only the PK', () => {
    expect(bodyFields(mixed, 2).map((x) => x.path)).toEqual([['a'], ['b']]);
    expect(bodyFields(mixed, 1)).toBe(bodyFields(mixed, 2));
    expect(bodyFields(mixed, 3).map((x) => x.path)).toEqual([['a'], ['x', 'y'], ['b']]);
    expect(recordVersionFor(mixed.fields)).toBe(3);
    expect(recordVersionFor(users.fields)).toBe(2);
  });
  it('the body-field list is computed once per field-list array', () => {
    expect(bodyFields(mixed, 3)).toBe(bodyFields({ ...mixed }, 3));
  });
  it('missing parents are materialised on v3 decode', () => {
    const bytes = encodeRecord(people, 1, 1, 'u1', { id: 'u1', profile: { tz: 'X' } });
    expect(decodeRecord(bytes, people).row).toEqual({ id: 'u1', profile: { tz: 'X', age: null } });
  });
});

/** Record payload builder for hand-made (legacy or hostile) payloads. */
const rec = (version: number, op: number, pk: string, count: number, body = ''): Uint8Array => {
  const w = new ByteWriter();
  w.u16(version).u32(1).u32(1).u8(op);
  return unhex(hex(w.finish()) + pk + hex(new ByteWriter().u32(count).finish()) + body);
};
const PK1 = '010100000000000000';

describe('record versions', () => {
  it('v1: tagged scalar bodies, every scalar type', () => {
    const all: RecordLayout = {
      collectionId: 1,
      primaryField: 'id',
      pkType: 'int64',
      fields: [
        f(['id'], 'int64'),
        f(['b'], 'bool'),
        f(['i'], 'int64'),
        f(['u'], 'uint64'),
        f(['f'], 'float64'),
        f(['s'], 'string'),
        f(['y'], 'bytes'),
        f(['g'], 'uuid'),
        f(['t'], 'timestamp'),
      ],
    };
    const row: Row = {
      id: 1n,
      b: true,
      i: -(1n << 63n),
      u: (1n << 64n) - 1n,
      f: -0,
      s: '',
      y: new Uint8Array(0),
      g: new Uint8Array(16).fill(0xab),
      t: (1n << 63n) - 1n,
    };
    const v2 = encodeRecord(all, 1, 1, 1n, row);
    // v1 body is identical to v2 for primitive fields: only the version differs.
    const v1 = v2.slice();
    v1[0] = 1;
    const d1 = decodeRecord(v1, all);
    expect(d1.version).toBe(1);
    expect(d1.row).toEqual(row);
    expect(Object.is(d1.row!.f, -0)).toBe(true);
    expect(decodeRecord(v2, all)).toMatchObject({ version: 2, row });
  });

  it('v1 with a composite body field → RecordPayloadUnsupportedType', () => {
    const opt: RecordLayout = { ...users, fields: [f(['id'], 'int64'), f(['n'], { optional: 'string' })] };
    expectCode(() => decodeRecord(rec(1, 1, PK1, 1, '0401000000'), opt), 'Format.RecordPayloadUnsupportedType');
  });

  it('float specials survive v2', () => {
    const fl: RecordLayout = { collectionId: 3, primaryField: 'k', pkType: 'float64', fields: [f(['k'], 'float64'), f(['v'], { list: 'float64' })] };
    const vals = [NaN, Infinity, -Infinity, -0, 0, 5e-324, Number.MAX_VALUE];
    const back = decodeRecord(encodeRecord(fl, 1, 9, -0, { v: vals }), fl);
    expect(Object.is(back.pk, -0)).toBe(true);
    const list = back.row!.v as number[];
    vals.forEach((v, i) => expect(Object.is(list[i], v)).toBe(true));
    expect(back.schemaVersion).toBe(9);
  });

  it('v3 paths in shuffled order decode to the same row', () => {
    const body = PEOPLE.replace(/\s+/g, '');
    const prefix = body.slice(0, (11 + 7 + 4) * 2);
    const e1 = '02070070726f66696c650200747a' + '0403000000555443';
    const e2 = '02070070726f66696c65030061' + '6765' + '01011e00000000000000';
    expect(prefix + e1 + e2).toBe(body);
    const shuffled = unhex(prefix + e2 + e1);
    expect(decodeRecord(shuffled, people).row).toEqual({ id: 'p1', profile: { tz: 'UTC', age: 30n } });
  });

  it('v3 duplicate path / unknown path → RecordPayloadTypeMismatch', () => {
    const e1 = '02070070726f66696c650200747a' + '0403000000555443';
    const pk = '04020000007031';
    const v3 = (body: string, count = 2): Uint8Array => {
      const w = new ByteWriter();
      w.u16(3).u32(2).u32(1).u8(1);
      return unhex(hex(w.finish()) + pk + hex(new ByteWriter().u32(count).finish()) + body);
    };
    expectCode(() => decodeRecord(v3(e1 + e1), people), 'Format.RecordPayloadTypeMismatch');
    const unknown = '02070070726f66696c650200' + '747b' + '0403000000555443';
    expectCode(() => decodeRecord(v3(unknown + e1), people), 'Format.RecordPayloadTypeMismatch');
    // The PK's own path is not a body field either.
    expectCode(() => decodeRecord(v3('0102006964' + '0402000000' + '7031' + e1), people), 'Format.RecordPayloadTypeMismatch');
    // Prefix of a real path.
    expectCode(() => decodeRecord(v3('010700' + '70726f66696c65' + '0403000000555443' + e1), people), 'Format.RecordPayloadTypeMismatch');
    // Wrong field count.
    expectCode(() => decodeRecord(v3(e1, 1), people), 'Format.RecordPayloadTypeMismatch');
  });

  it('v3 path errors → Schema.InvalidFieldPath', () => {
    const pk = '04020000007031';
    const v3 = (body: string): Uint8Array => {
      const w = new ByteWriter();
      w.u16(3).u32(2).u32(1).u8(1);
      return unhex(hex(w.finish()) + pk + '02000000' + body);
    };
    expectCode(() => decodeRecord(v3('00'), people), 'Schema.InvalidFieldPath');
    expectCode(() => decodeRecord(v3('020000'), people), 'Schema.InvalidFieldPath');
    expectCode(() => decodeRecord(v3('010100ff'), people), 'Schema.InvalidFieldPath');
    expectCode(() => decodeRecord(v3('0102'), people), 'Format.TruncatedRecordPayload');
  });

  it('v3 writer refuses paths it cannot encode', () => {
    const long: RecordLayout = { ...people, fields: [f(['id'], 'string'), f(['a', 'x'.repeat(65536)], 'int64')] };
    expectCode(() => encodeRecord(long, 1, 1, 'p', { a: { ['x'.repeat(65536)]: 1n } }), 'Schema.InvalidFieldPath');
    const many: RecordLayout = {
      ...people,
      fields: [f(['id'], 'string'), f(Array.from({ length: 256 }, (_, i) => `s${i}`), 'int64')],
    };
    expectCode(() => encodeRecord(many, 1, 1, 'p', {}), 'Schema.InvalidFieldPath');
    // A delete carries no paths, so it stays encodable.
    expect(decodeRecord(encodeRecord(many, 3, 1, 'p', null), many)).toMatchObject({ version: 3, op: 3 });
  });
});

describe('record decode errors (§8.8)', () => {
  it('truncation at every point → TruncatedRecordPayload', () => {
    for (const [h, layout] of [
      [INSERT_ANN, users],
      [THINGS, things],
      [PEOPLE, people],
      [DELETE_1, users],
    ] as const) {
      const full = unhex(h);
      for (let n = 0; n < full.length; n++) {
        expectCode(() => decodeRecord(full.subarray(0, n), layout), 'Format.TruncatedRecordPayload');
      }
    }
  });

  it('unknown version', () => {
    expectCode(() => decodeRecord(unhex('0400'), users), 'Format.UnknownRecordPayloadVersion', { got: 4 });
    expectCode(() => decodeRecord(unhex('0000010000000100000001'), users), 'Format.UnknownRecordPayloadVersion', { got: 0 });
  });

  it('trailing bytes', () => {
    expectCode(() => decodeRecord(unhex(`${INSERT_ANN}00`), users), 'Format.TrailingRecordPayload');
    expectCode(() => decodeRecord(unhex(`${DELETE_1}00`), users), 'Format.TrailingRecordPayload');
  });

  it('op 3 with non-zero count; wrong field count; wrong PK tag', () => {
    expectCode(() => decodeRecord(rec(2, 3, PK1, 1, '0403000000416e6e'), users), 'Format.RecordPayloadTypeMismatch');
    expectCode(() => decodeRecord(rec(2, 1, PK1, 2, '0403000000416e6e'), users), 'Format.RecordPayloadTypeMismatch');
    expectCode(() => decodeRecord(rec(2, 1, PK1, 0), users), 'Format.RecordPayloadTypeMismatch');
    expectCode(() => decodeRecord(rec(2, 1, '020100000000000000', 1, '0400000000'), users), 'Format.RecordPayloadTypeMismatch');
  });

  it('ops other than 3 are upserts', () => {
    expect(decodeRecord(rec(2, 0, PK1, 1, '0400000000'), users)).toMatchObject({ op: 0, row: { id: 1n, name: '' } });
    expect(decodeRecord(rec(2, 200, PK1, 1, '0400000000'), users)).toMatchObject({ op: 200 });
  });

  it('composite PK type → RecordPayloadUnsupportedType', () => {
    const bad: RecordLayout = { ...users, pkType: { optional: 'int64' } };
    expectCode(() => decodeRecord(unhex(INSERT_ANN), bad), 'Format.RecordPayloadUnsupportedType');
    expectCode(() => encodeRecord(bad, 1, 1, 1n, {}), 'Format.RecordPayloadUnsupportedType');
  });

  it('invalid UTF-8 in a string value / enum', () => {
    expectCode(() => decodeRecord(rec(2, 1, PK1, 1, '0401000000ff'), users), 'Format.InvalidRecordUtf8');
  });

  it('bad presence byte', () => {
    const opt: RecordLayout = { ...users, fields: [f(['id'], 'int64'), f(['n'], { optional: 'string' })] };
    expectCode(() => decodeRecord(rec(2, 1, PK1, 1, '02'), opt), 'Format.RecordPayloadTypeMismatch');
  });

  it('hostile List(Object{}) with count 0xFFFFFFFF fails fast', () => {
    const hostile: RecordLayout = { ...users, fields: [f(['id'], 'int64'), f(['l'], { list: { object: [] } })] };
    const t0 = performance.now();
    expectCode(() => decodeRecord(rec(2, 1, PK1, 1, 'ffffffff'), hostile), 'Format.DecodeLimitExceeded');
    expect(performance.now() - t0).toBeLessThan(500);
  });
});

describe('record encode errors', () => {
  it('missing required field / null required field', () => {
    expectCode(() => encodeRecord(users, 1, 1, 1n, { id: 1n }), 'Format.RecordPayloadTypeMismatch');
    expectCode(() => encodeRecord(users, 1, 1, 1n, { id: 1n, name: null }), 'Format.RecordPayloadTypeMismatch');
    expectCode(() => encodeRecord(users, 1, 1, 1n, null), 'Format.RecordPayloadTypeMismatch');
    expectCode(() => encodeRecord(users, 1, 1, 'x', { name: 'a' }), 'Format.RecordPayloadTypeMismatch');
  });
  it('missing Optional fields (top-level and nested) encode as None', () => {
    const opt: RecordLayout = { ...users, fields: [f(['id'], 'int64'), f(['n'], { optional: 'string' })] };
    expect(decodeRecord(encodeRecord(opt, 1, 1, 1n, { id: 1n }), opt).row).toEqual({ id: 1n, n: null });
    expect(decodeRecord(encodeRecord(people, 1, 1, 'a', { profile: { tz: '' } }), people).row).toEqual({
      id: 'a',
      profile: { tz: '', age: null },
    });
    // v3: a non-object intermediate means "missing".
    expectCode(() => encodeRecord(people, 1, 1, 'a', { profile: 'nope' }), 'Format.RecordPayloadTypeMismatch');
  });
});

describe('peekRecordHeader (§8.10 step 1)', () => {
  it('reads version and collection id from 6 bytes; schema version needs 10', () => {
    const h = peekRecordHeader(unhex(INSERT_ANN));
    expect([h.version, h.collectionId, h.schemaVersion]).toEqual([2, 1, 1]);
    const short = peekRecordHeader(unhex('090007000000'));
    expect([short.version, short.collectionId]).toEqual([9, 7]);
    expectCode(() => short.schemaVersion, 'Format.TruncatedRecordPayload');
    expectCode(() => peekRecordHeader(unhex('0200010000')), 'Format.TruncatedRecordPayload');
  });
});

describe('writeRecord and string paths', () => {
  it('appends into a caller writer exactly what encodeRecord returns', () => {
    const w = new ByteWriter(4);
    w.u8(0xee);
    writeRecord(w, users, 1, 1, 1n, { id: 1n, name: 'Ann' });
    expect(hex(w.finish())).toBe(`ee${INSERT_ANN}`);
  });

  it('refuses out-of-range header numbers and ops', () => {
    expectCode(() => encodeRecord({ ...users, collectionId: -1 }, 1, 1, 1n, { name: 'a' }), 'Format.RecordPayloadTypeMismatch');
    expectCode(() => encodeRecord(users, 1, 2 ** 32, 1n, { name: 'a' }), 'Format.RecordPayloadTypeMismatch');
    expectCode(() => encodeRecord(users, 4 as 1, 1, 1n, { name: 'a' }), 'Format.RecordPayloadTypeMismatch');
  });

  it('short/long, ASCII/non-ASCII strings round-trip; bad UTF-8 after an ASCII prefix is caught', () => {
    for (const s of ['', 'a', 'x'.repeat(64), 'x'.repeat(65), 'é', `${'x'.repeat(63)}é`, '🦀'.repeat(40), 'a\u0000b']) {
      const bytes = encodeRecord(users, 1, 1, 1n, { name: s });
      expect(decodeRecord(bytes, users).row!.name).toBe(s);
    }
    expectCode(() => decodeRecord(rec(2, 1, PK1, 1, '0403000000' + '6162ff'), users), 'Format.InvalidRecordUtf8');
    expectCode(() => decodeRecord(rec(2, 1, PK1, 1, '0441000000' + '61'.repeat(64) + 'ff'), users), 'Format.InvalidRecordUtf8');
  });

  it('encoding is not disturbed by a previous failed encode (shared scratch)', () => {
    expectCode(() => encodeRecord(users, 1, 1, 1n, { name: 5n }), 'Format.RecordPayloadTypeMismatch');
    expect(hex(encodeRecord(users, 1, 1, 1n, { name: 'Ann' }))).toBe(INSERT_ANN);
  });
});

describe('unpaired surrogates', () => {
  it('string and enum values with unpaired surrogates are refused', () => {
    expectCode(() => encodeRecord(users, 1, 1, 1n, { name: '\ud800' }), 'Format.RecordPayloadTypeMismatch');
    expectCode(() => encodeRecord({ ...users, pkType: 'string' }, 1, 1, 'k\udfff', { name: 'a' }), 'Format.RecordPayloadTypeMismatch');
    expectCode(() => encodeRecord(things, 1, 1, 7n, { tags: [], color: '\ud800x', dims: { w: 1n } }), 'Format.RecordPayloadTypeMismatch');
  });
  it('a v3 path segment with an unpaired surrogate cannot be encoded', () => {
    const bad: RecordLayout = { ...people, fields: [f(['id'], 'string'), f(['p', '\ud800'], 'int64')] };
    expectCode(() => encodeRecord(bad, 1, 1, 'a', {}), 'Schema.InvalidFieldPath');
  });
});
