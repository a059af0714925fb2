import { describe, expect, it } from 'vitest';
import { decodeRecord, encodeRecord, peekRecordHeader, bodyFields, type RecordLayout } from '../../src/format/record.ts';
import type { FieldDef } from '../../src/schema/types.ts';
import { hex, unhex, expectCode } from './payload-helpers.ts';

const f = (path: string[], type: FieldDef['type']): FieldDef => ({ path, type, constraints: [] });

const users: RecordLayout = {
  collectionId: 1,
  primaryField: 'id',
  pkType: 'int64',
  fields: [f(['id'], 'int64'), f(['name'], 'string')],
};

describe('record worked examples (FORMAT.md §18.2/§18.3)', () => {
  it('insert {id: 1, name: "Ann"}', () => {
    const bytes = encodeRecord(users, 1, 1, 1n, { id: 1n, name: 'Ann' });
    expect(hex(bytes)).toBe('0200010000000100000001010100000000000000010000000403000000416e6e');
    expect(decodeRecord(bytes, users)).toEqual({
      version: 2, collectionId: 1, schemaVersion: 1, op: 1, pk: 1n, row: { id: 1n, name: 'Ann' },
    });
  });
});
