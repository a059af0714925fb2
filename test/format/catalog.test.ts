import { describe, expect, it } from 'vitest';
import {
  decodeCatalogRecord,
  decodeType,
  encodeCatalogRecord,
  encodeType,
  type CatalogRecord,
} from '../../src/format/catalog.ts';
import { ByteWriter } from '../../src/format/bytes.ts';
import type { FieldDef, Type } from '../../src/schema/types.ts';
import { expectCode, hex, unhex } from './payload-helpers.ts';

const f = (path: string[], type: Type, constraints: FieldDef['constraints'] = []): FieldDef => ({ path, type, constraints });

const USERS_V4 = unhex(`
04 00 01 00 01 00 00 00 05 00 00 00 75 73 65 72 73 01 00 00 00 02 00 00 00
01 00 00 00 02 00 00 00 69 64 01 00 00 00 00
01 00 00 00 04 00 00 00 6e 61 6d 65 04 00 00 00 00
00 00 00 00
02 00 00 00 69 64`);

const USERS_WITH_INDEX = unhex(`
04 00 01 00 01 00 00 00 05 00 00 00 75 73 65 72 73 01 00 00 00 02 00 00 00
01 00 00 00 02 00 00 00 69 64 01 00 00 00 00
01 00 00 00 04 00 00 00 6e 61 6d 65 04 00 00 00 00
01 00 00 00
01
01 00 00 00 04 00 00 00 6e 61 6d 65
06 00 00 00 6e 61 6d 65 5f 75
02 00 00 00 69 64`);

const usersRecord: CatalogRecord = {
  kind: 'create',
  catalogVersion: 4,
  collectionId: 1,
  name: 'users',
  schemaVersion: 1,
  fields: [f(['id'], 'int64'), f(['name'], 'string')],
  indexes: [],
  primaryField: 'id',
};

/** Builds catalog payloads by hand for the legacy versions and error cases. */
class P {
  w = new ByteWriter();
  u8(v: number): this {
    this.w.u8(v);
    return this;
  }
  u16(v: number): this {
    this.w.u16(v);
    return this;
  }
  u32(v: number): this {
    this.w.u32(v);
    return this;
  }
  u64(v: bigint): this {
    this.w.u64(v);
    return this;
  }
  str(s: string): this {
    const b = new TextEncoder().encode(s);
    this.w.u32(b.length).bytes(b);
    return this;
  }
  raw(b: Uint8Array | number[]): this {
    this.w.bytes(b instanceof Uint8Array ? b : Uint8Array.from(b));
    return this;
  }
  path(...segs: string[]): this {
    this.u32(segs.length);
    for (const s of segs) this.str(s);
    return this;
  }
  done(): Uint8Array {
    return this.w.finish();
  }
}

describe('catalog worked examples (FORMAT.md §18.2, §18.3)', () => {
  it('CreateCollection users (no index) is byte-exact both ways', () => {
    expect(USERS_V4.length).toBe(67);
    expect(hex(encodeCatalogRecord(usersRecord))).toBe(hex(USERS_V4));
    expect(decodeCatalogRecord(USERS_V4)).toEqual(usersRecord);
  });

  it('CreateCollection users with unique index name_u', () => {
    const rec: CatalogRecord = { ...usersRecord, indexes: [{ name: 'name_u', path: ['name'], kind: 'unique' }] };
    expect(hex(encodeCatalogRecord(rec))).toBe(hex(USERS_WITH_INDEX));
    expect(decodeCatalogRecord(USERS_WITH_INDEX)).toEqual(rec);
  });

  it('always writes catalog version 4 regardless of rec.catalogVersion', () => {
    expect(hex(encodeCatalogRecord({ ...usersRecord, catalogVersion: 1 }))).toBe(hex(USERS_V4));
  });
});

describe('legacy catalog versions', () => {
  const fieldsNoConstraints = (p: P): P =>
    p.u32(2).path('id').u8(1).path('name').u8(4);

  it('version 1: no constraints, no indexes, no primary field', () => {
    const bytes = fieldsNoConstraints(new P().u16(1).u16(1).u32(1).str('users').u32(1)).done();
    expect(decodeCatalogRecord(bytes)).toEqual({ ...usersRecord, catalogVersion: 1, primaryField: null });
  });

  it('version 2: primary field, no constraints', () => {
    const bytes = fieldsNoConstraints(new P().u16(2).u16(1).u32(1).str('users').u32(1)).str('id').done();
    expect(decodeCatalogRecord(bytes)).toEqual({ ...usersRecord, catalogVersion: 2 });
  });

  it('version 2: primary field length 0 means none', () => {
    const bytes = fieldsNoConstraints(new P().u16(2).u16(1).u32(1).str('users').u32(1)).u32(0).done();
    expect(decodeCatalogRecord(bytes)).toMatchObject({ primaryField: null });
  });

  it('version 3: constraints but no index list', () => {
    const bytes = new P()
      .u16(3)
      .u16(1)
      .u32(1)
      .str('users')
      .u32(1)
      .u32(2)
      .path('id')
      .u8(1)
      .u32(1)
      .u8(1)
      .raw(new Uint8Array(new BigInt64Array([-5n]).buffer))
      .path('name')
      .u8(4)
      .u32(0)
      .str('id')
      .done();
    expect(decodeCatalogRecord(bytes)).toEqual({
      ...usersRecord,
      catalogVersion: 3,
      fields: [f(['id'], 'int64', [{ kind: 'min_i64', value: -5n }]), f(['name'], 'string')],
    });
  });

  it('NewSchemaVersion in versions 1 and 4', () => {
    const v1 = new P().u16(1).u16(2).u32(3).u32(2).u32(1).path('a', 'b').u8(7).done();
    expect(decodeCatalogRecord(v1)).toEqual({
      kind: 'new_version',
      catalogVersion: 1,
      collectionId: 3,
      schemaVersion: 2,
      fields: [f(['a', 'b'], 'timestamp')],
      indexes: [],
    });
    const rec: CatalogRecord = {
      kind: 'new_version',
      catalogVersion: 4,
      collectionId: 3,
      schemaVersion: 2,
      fields: [f(['id'], 'uuid'), f(['p', 'q'], { optional: 'float64' })],
      indexes: [{ name: 'pq', path: ['p', 'q'], kind: 'non_unique' }],
    };
    const bytes = encodeCatalogRecord(rec);
    expect(bytes[0]).toBe(4);
    expect(bytes[2]).toBe(2);
    expect(decodeCatalogRecord(bytes)).toEqual(rec);
  });
});

describe('types and constraints', () => {
  it('every type tag round-trips', () => {
    const t: Type = {
      object: [
        f(['b'], 'bool'),
        f(['i'], 'int64'),
        f(['u'], 'uint64'),
        f(['f'], 'float64'),
        f(['s'], 'string'),
        f(['y'], 'bytes'),
        f(['g'], 'uuid'),
        f(['t'], 'timestamp'),
        f(['o'], { optional: { list: { enum: ['', 'x', 'x'] } } }),
        f(['e'], { object: [] }),
      ],
    };
    const bytes = encodeType(t);
    expect(bytes[0]).toBe(10);
    expect(decodeType(bytes)).toEqual(t);
    expect(hex(encodeType({ optional: { list: 'bool' } }))).toBe('080900');
    expect(hex(encodeType({ enum: ['a'] }))).toBe('0b010000000100000061');
  });

  it('every constraint tag round-trips with exact argument bytes', () => {
    const constraints: FieldDef['constraints'] = [
      { kind: 'min_i64', value: -(1n << 63n) },
      { kind: 'max_i64', value: (1n << 63n) - 1n },
      { kind: 'min_u64', value: 0n },
      { kind: 'max_u64', value: (1n << 64n) - 1n },
      { kind: 'min_f64', value: -0 },
      { kind: 'max_f64', value: Infinity },
      { kind: 'min_length', value: 3n },
      { kind: 'max_length', value: 8n },
      { kind: 'regex', value: '^[A-Z]{3}$' },
      { kind: 'email' },
      { kind: 'url' },
      { kind: 'non_empty' },
    ];
    const rec: CatalogRecord = { ...usersRecord, fields: [f(['id'], 'int64'), f(['x'], 'string', constraints)] };
    const back = decodeCatalogRecord(encodeCatalogRecord(rec));
    expect(back).toEqual(rec);
    expect(Object.is((back.fields[1]!.constraints[4] as { value: number }).value, -0)).toBe(true);
    // min_f64 stores the raw bit pattern: -0.0 = 0x8000000000000000.
    const w = new ByteWriter();
    w.u8(5).f64(-0);
    expect(hex(w.finish())).toBe('050000000000000080');
  });

  it('32 wrappers around a leaf are accepted, 33 rejected (before the tag is read)', () => {
    let t: Type = 'bool';
    for (let i = 0; i < 32; i++) t = { list: t };
    const ok = encodeType(t);
    expect(decodeType(ok)).toEqual(t);
    const tooDeep = new Uint8Array(34).fill(9); // 33 List tags, then… nothing: depth fails first
    tooDeep[33] = 9;
    expectCode(() => decodeType(tooDeep), 'Format.InvalidCatalogPayload', {
      message: 'TypeNestingTooDeep { max: 32 }',
    });
    // Exactly 33 wrapper tags with no leaf: depth 33 is reached before EOF.
    expectCode(() => decodeType(new Uint8Array(33).fill(8)), 'Format.InvalidCatalogPayload', {
      message: 'TypeNestingTooDeep { max: 32 }',
    });
    expectCode(() => encodeType({ optional: t }), 'Format.InvalidCatalogPayload', {
      message: 'TypeNestingTooDeep { max: 32 }',
    });
    // Object members count a level too.
    let o: Type = 'int64';
    for (let i = 0; i < 33; i++) o = { object: [f(['m'], o)] };
    expectCode(() => encodeType(o), 'Format.InvalidCatalogPayload', { message: 'TypeNestingTooDeep { max: 32 }' });
  });
});

describe('catalog decode errors (§6.10)', () => {
  const head = (version = 4, kind = 1): P => new P().u16(version).u16(kind);
  const inv = (bytes: Uint8Array, message: string): void => {
    expectCode(() => decodeCatalogRecord(bytes), 'Format.InvalidCatalogPayload', { message });
  };

  it('UnexpectedEof at every truncation point', () => {
    for (let n = 0; n < USERS_V4.length; n++) inv(USERS_V4.subarray(0, n), 'UnexpectedEof');
    for (let n = 0; n < USERS_WITH_INDEX.length; n++) inv(USERS_WITH_INDEX.subarray(0, n), 'UnexpectedEof');
  });

  it('UnknownCatalogPayloadVersion / UnknownEntryKind / TrailingBytes', () => {
    inv(head(9).done(), 'UnknownCatalogPayloadVersion { got: 9 }');
    inv(head(0).done(), 'UnknownCatalogPayloadVersion { got: 0 }');
    inv(head(5).done(), 'UnknownCatalogPayloadVersion { got: 5 }');
    inv(head(4, 3).done(), 'UnknownEntryKind { got: 3 }');
    inv(head(4, 0).done(), 'UnknownEntryKind { got: 0 }');
    const e = expectCode(() => decodeCatalogRecord(head(9).done()), 'Format.InvalidCatalogPayload');
    expect(e.details.got).toBe(9);
    inv(new P().raw(USERS_V4).u8(0).done(), 'TrailingBytes');
  });

  it('collection name length is checked before its bytes are read', () => {
    inv(head().u32(1).u32(1024).done(), 'CollectionNameTooLong { got: 1024 }');
    inv(head().u32(1).u32(0xffffffff).done(), 'CollectionNameTooLong { got: 4294967295 }');
    inv(head().u32(1).u32(0).done(), 'EmptyCollectionName');
    inv(head().u32(1).u32(1023).done(), 'UnexpectedEof');
    const max = 'n'.repeat(1023);
    const rec = decodeCatalogRecord(encodeCatalogRecord({ ...usersRecord, name: max }));
    expect(rec).toMatchObject({ name: max });
  });

  it('primary field name > 1023 is CollectionNameTooLong', () => {
    const base = head().u32(1).str('users').u32(1).u32(0).u32(0);
    inv(base.u32(1024).done(), 'CollectionNameTooLong { got: 1024 }');
  });

  it('index list errors', () => {
    const base = (): P => head().u32(1).str('users').u32(1).u32(0).u32(1);
    inv(base().u8(3).done(), 'UnknownIndexKind { got: 3 }');
    inv(base().u8(0).done(), 'UnknownIndexKind { got: 0 }');
    inv(base().u8(1).path('a').u32(0).done(), 'EmptyIndexName');
    inv(base().u8(1).path('a').u32(1024).done(), 'IndexNameTooLong { got: 1024 }');
    inv(base().u8(2).path('a').u32(2).raw([0xc3, 0x28]).str('').done(), 'InvalidUtf8');
  });

  it('invalid UTF-8 in every catalog string', () => {
    inv(head().u32(1).u32(2).raw([0xff, 0xfe]).done(), 'InvalidUtf8');
    inv(head().u32(1).str('c').u32(1).u32(1).u32(1).u32(1).raw([0x80]).done(), 'InvalidUtf8');
    inv(head().u32(1).str('c').u32(1).u32(1).path('a').u8(11).u32(1).u32(1).raw([0xc0]).done(), 'InvalidUtf8');
    inv(head().u32(1).str('c').u32(1).u32(1).path('a').u8(4).u32(1).u8(9).u32(1).raw([0xed]).done(), 'InvalidUtf8');
    // Surrogate code points encoded in UTF-8 are invalid too.
    inv(head().u32(1).u32(3).raw([0xed, 0xa0, 0x80]).done(), 'InvalidUtf8');
  });

  it('unknown type and constraint tags carry the tag value', () => {
    const e = expectCode(
      () => decodeCatalogRecord(head().u32(1).str('c').u32(1).u32(1).path('a').u8(12).done()),
      'Format.InvalidCatalogPayload',
    );
    expect(e.details.message).toContain('12');
    const c = expectCode(
      () => decodeCatalogRecord(head().u32(1).str('c').u32(1).u32(1).path('a').u8(4).u32(1).u8(13).done()),
      'Format.InvalidCatalogPayload',
    );
    expect(c.details.message).toContain('13');
    const z = expectCode(
      () => decodeCatalogRecord(head().u32(1).str('c').u32(1).u32(1).path('a').u8(4).u32(1).u8(0).done()),
      'Format.InvalidCatalogPayload',
    );
    expect(z.details.message).toContain('0');
  });

  it('empty field paths and segments are Schema.InvalidFieldPath (fields, members, indexes)', () => {
    const fieldsAt = (): P => head().u32(1).str('c').u32(1).u32(1);
    expectCode(() => decodeCatalogRecord(fieldsAt().u32(0).done()), 'Schema.InvalidFieldPath');
    expectCode(() => decodeCatalogRecord(fieldsAt().u32(2).str('a').u32(0).done()), 'Schema.InvalidFieldPath');
    expectCode(
      () => decodeCatalogRecord(fieldsAt().path('a').u8(10).u32(1).u32(0).done()),
      'Schema.InvalidFieldPath',
    );
    expectCode(
      () => decodeCatalogRecord(head().u32(1).str('c').u32(1).u32(0).u32(1).u8(1).u32(1).u32(0).done()),
      'Schema.InvalidFieldPath',
    );
  });

  it('a segment count larger than the payload fails with EOF, not allocation', () => {
    inv(head().u32(1).str('c').u32(1).u32(0xffffffff).done(), 'UnexpectedEof');
    inv(head().u32(1).str('c').u32(1).u32(1).u32(0xffffffff).done(), 'UnexpectedEof');
    inv(head().u32(1).str('c').u32(1).u32(1).path('a').u8(11).u32(0xffffffff).done(), 'UnexpectedEof');
  });
});

describe('encodeCatalogRecord refuses what the decoder rejects', () => {
  const bad = (rec: Partial<CatalogRecord>, code: string, message?: string): void => {
    expectCode(
      () => encodeCatalogRecord({ ...usersRecord, ...rec } as CatalogRecord),
      code,
      message === undefined ? undefined : { message },
    );
  };

  it('names', () => {
    bad({ name: '' }, 'Format.InvalidCatalogPayload', 'EmptyCollectionName');
    bad({ name: 'x'.repeat(1024) }, 'Format.InvalidCatalogPayload', 'CollectionNameTooLong { got: 1024 }');
    // 342 × 3-byte characters = 1026 bytes although only 342 UTF-16 units.
    bad({ name: '€'.repeat(342) }, 'Format.InvalidCatalogPayload', 'CollectionNameTooLong { got: 1026 }');
    bad({ primaryField: 'p'.repeat(1024) } as Partial<CatalogRecord>, 'Format.InvalidCatalogPayload');
    bad({ indexes: [{ name: '', path: ['a'], kind: 'unique' }] }, 'Format.InvalidCatalogPayload', 'EmptyIndexName');
    bad({ indexes: [{ name: 'i'.repeat(1024), path: ['a'], kind: 'unique' }] }, 'Format.InvalidCatalogPayload');
    bad({ indexes: [{ name: 'i', path: ['a'], kind: 'bogus' as 'unique' }] }, 'Format.InvalidCatalogPayload');
  });

  it('paths', () => {
    bad({ fields: [f([], 'int64')] }, 'Schema.InvalidFieldPath');
    bad({ fields: [f(['a', ''], 'int64')] }, 'Schema.InvalidFieldPath');
    bad({ fields: [f(['a'], { object: [f([], 'bool')] })] }, 'Schema.InvalidFieldPath');
    bad({ indexes: [{ name: 'i', path: [], kind: 'unique' }] }, 'Schema.InvalidFieldPath');
  });

  it('types and constraint values', () => {
    bad({ fields: [f(['a'], 'int128' as Type)] }, 'Format.InvalidCatalogPayload');
    bad({ fields: [f(['a'], 'constructor' as Type)] }, 'Format.InvalidCatalogPayload');
    bad({ fields: [f(['a'], {} as Type)] }, 'Format.InvalidCatalogPayload');
    bad({ fields: [f(['a'], 'int64', [{ kind: 'min_i64', value: 1n << 63n }])] }, 'Format.InvalidCatalogPayload');
    bad({ fields: [f(['a'], 'int64', [{ kind: 'max_u64', value: -1n }])] }, 'Format.InvalidCatalogPayload');
    bad({ fields: [f(['a'], 'int64', [{ kind: 'min_length', value: 1n << 64n }])] }, 'Format.InvalidCatalogPayload');
    bad({ fields: [f(['a'], 'int64', [{ kind: 'bogus' } as never])] }, 'Format.InvalidCatalogPayload');
    bad({ collectionId: -1 }, 'Format.InvalidCatalogPayload');
    bad({ schemaVersion: 2 ** 32 }, 'Format.InvalidCatalogPayload');
  });

  it('empty primary field encodes as "no primary field"', () => {
    const back = decodeCatalogRecord(encodeCatalogRecord({ ...usersRecord, primaryField: null }));
    expect(back).toMatchObject({ primaryField: null });
  });
});

describe('strings UTF-8 cannot represent', () => {
  it('unpaired surrogates in any catalog string are refused as InvalidUtf8', () => {
    const lone = 'a\udc00';
    const cases: Partial<CatalogRecord>[] = [
      { name: lone },
      { primaryField: lone } as Partial<CatalogRecord>,
      { fields: [f([lone], 'int64')] },
      { fields: [f(['e'], { enum: [lone] })] },
      { fields: [f(['s'], 'string', [{ kind: 'regex', value: lone }])] },
      { indexes: [{ name: lone, path: ['a'], kind: 'unique' }] },
    ];
    for (const c of cases) {
      expectCode(() => encodeCatalogRecord({ ...usersRecord, ...c } as CatalogRecord), 'Format.InvalidCatalogPayload', {
        message: 'InvalidUtf8',
      });
    }
    // Proper pairs are fine.
    const ok = { ...usersRecord, name: 'crab 🦀' };
    expect(decodeCatalogRecord(encodeCatalogRecord(ok))).toEqual(ok);
  });
});

describe('reference limitations kept for byte compatibility', () => {
  it('constraints on Object members have no slot in the encoding and are dropped', () => {
    const withMemberConstraint = f(['o'], { object: [f(['m'], 'int64', [{ kind: 'min_i64', value: 1n }])] });
    const back = decodeCatalogRecord(encodeCatalogRecord({ ...usersRecord, fields: [f(['id'], 'int64'), withMemberConstraint] }));
    expect(back.fields[1]).toEqual(f(['o'], { object: [f(['m'], 'int64')] }));
  });

  it('decodeType rejects trailing bytes', () => {
    expectCode(() => decodeType(Uint8Array.of(1, 0)), 'Format.InvalidCatalogPayload', { message: 'TrailingBytes' });
  });
});
