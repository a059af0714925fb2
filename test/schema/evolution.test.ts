import { describe, expect, it } from 'vitest';
import { classifySchemaUpdate, describeSchemaUpdate, planSchemaVersion } from '../../src/schema/evolution.ts';
import type { FieldDef, IndexDef } from '../../src/schema/types.ts';
import { field, index } from './helpers.ts';

const baseFields: FieldDef[] = [
  field('id', 'int64'),
  field('name', 'string', [{ kind: 'non_empty' }]),
  field('kind', { enum: ['a', 'b'] }),
  field(['profile', 'tz'], { optional: 'string' }),
];
const baseIndexes: IndexDef[] = [index('by_name', 'name'), index('kind_u', 'kind', 'unique')];
const current = { fields: baseFields, indexes: baseIndexes };

/** The change, widened so tests can read `reason` (undefined when safe). */
const classify = (fields: FieldDef[], indexes: IndexDef[] = baseIndexes): { kind: string; reason?: string } =>
  classifySchemaUpdate(current, fields, indexes);

describe('classifySchemaUpdate', () => {
  it('identical schema is safe', () => {
    expect(classify(baseFields)).toEqual({ kind: 'safe' });
  });
  it('reordering fields is safe (matched by path)', () => {
    expect(classify([...baseFields].reverse())).toEqual({ kind: 'safe' });
  });
  it('rule 1: removed field (Rust Debug path)', () => {
    expect(classify([baseFields[0]!, baseFields[1]!, baseFields[2]!])).toEqual({ kind: 'breaking', reason: 'field removed: ["profile", "tz"]' });
  });
  it('rule 1: any constraint change, even loosening or reordering', () => {
    expect(classify([baseFields[0]!, field('name', 'string'), baseFields[2]!, baseFields[3]!])).toEqual({
      kind: 'breaking',
      reason: 'constraints changed for field ["name"]',
    });
    const two = [field('id', 'int64', [{ kind: 'min_i64', value: 1n }, { kind: 'max_i64', value: 9n }])];
    const swapped = [field('id', 'int64', [{ kind: 'max_i64', value: 9n }, { kind: 'min_i64', value: 1n }])];
    expect(classifySchemaUpdate({ fields: two, indexes: [] }, swapped, []).kind).toBe('breaking');
    // NaN constraint arguments never compare equal (Rust PartialEq on f64)
    const nan = [field('x', 'float64', [{ kind: 'min_f64', value: NaN }])];
    expect(classifySchemaUpdate({ fields: nan, indexes: [] }, nan, [])).toEqual({ kind: 'breaking', reason: 'constraints changed for field ["x"]' });
  });
  it('rule 1: constraints are checked before the type of the same field', () => {
    expect(classify([baseFields[0]!, field('name', 'int64'), baseFields[2]!, baseFields[3]!]).reason).toBe('constraints changed for field ["name"]');
  });
  it('rule 1: type changes', () => {
    expect(classify([field('id', 'uint64'), ...baseFields.slice(1)])).toEqual({ kind: 'breaking', reason: 'type changed for field ["id"]' });
    expect(classify([...baseFields.slice(0, 3), field(['profile', 'tz'], 'string')]).reason).toBe('type changed for field ["profile", "tz"]');
  });
  it('rule 1: top-level enum may widen (order irrelevant) but not narrow', () => {
    expect(classify([...baseFields.slice(0, 2), field('kind', { enum: ['c', 'b', 'a'] }), baseFields[3]!])).toEqual({ kind: 'safe' });
    expect(classify([...baseFields.slice(0, 2), field('kind', { enum: ['a'] }), baseFields[3]!])).toEqual({
      kind: 'breaking',
      reason: 'type changed for field ["kind"]',
    });
  });
  it('rule 1: enum widening nested in optional/list is not recognised', () => {
    const cur = { fields: [field('e', { optional: { enum: ['a'] } })], indexes: [] };
    expect(classifySchemaUpdate(cur, [field('e', { optional: { enum: ['a', 'b'] } })], []).kind).toBe('breaking');
    const cur2 = { fields: [field('e', { list: { enum: ['a', 'b'] } })], indexes: [] };
    expect(classifySchemaUpdate(cur2, [field('e', { list: { enum: ['b', 'a'] } })], []).kind).toBe('breaking');
  });
  it('rule 1: object member changes are type changes', () => {
    const cur = { fields: [field('o', { object: [field('x', 'int64')] })], indexes: [] };
    expect(classifySchemaUpdate(cur, [field('o', { object: [field('x', 'int64')] })], [])).toEqual({ kind: 'safe' });
    expect(classifySchemaUpdate(cur, [field('o', { object: [field('x', 'int64'), field('y', { optional: 'int64' })] })], []).kind).toBe('breaking');
  });
  it('rule 2: new optional field is safe, new required field needs migration', () => {
    expect(classify([...baseFields, field('note', { optional: 'string' })])).toEqual({ kind: 'safe' });
    expect(classify([...baseFields, field(['profile', 'age'], 'int64')])).toEqual({
      kind: 'needs_migration',
      reason: 'new required field ["profile", "age"] needs backfill',
    });
    // optional only counts at the root
    expect(classify([...baseFields, field('l', { list: { optional: 'int64' } })]).kind).toBe('needs_migration');
  });
  it('rule 3: dropping an index is safe; changing kind or path is breaking', () => {
    expect(classify(baseFields, [])).toEqual({ kind: 'safe' });
    expect(classify(baseFields, [index('by_name', 'name', 'unique'), baseIndexes[1]!])).toEqual({ kind: 'breaking', reason: 'index changed: "by_name"' });
    expect(classify(baseFields, [index('by_name', 'kind'), baseIndexes[1]!]).reason).toBe('index changed: "by_name"');
  });
  it('rule 4: new unique index needs migration, new non-unique is safe', () => {
    expect(classify(baseFields, [...baseIndexes, index('by_kind', 'kind')])).toEqual({ kind: 'safe' });
    expect(classify(baseFields, [...baseIndexes, index('name_u', 'name', 'unique')])).toEqual({
      kind: 'needs_migration',
      reason: 'new unique index "name_u" needs rebuild/validation',
    });
  });
  it('rule order: a new required field beats a changed index', () => {
    expect(classify([...baseFields, field('req', 'int64')], [index('by_name', 'kind')]).kind).toBe('needs_migration');
  });
  it('deterministic: the first field in schema order is named', () => {
    const r = classify([field('id', 'string'), field('name', 'string', [{ kind: 'non_empty' }]), field('kind', 'string'), baseFields[3]!]);
    expect(r.reason).toBe('type changed for field ["id"]');
  });
});

describe('planSchemaVersion', () => {
  it('safe → no steps', () => {
    expect(planSchemaVersion(current, baseFields, baseIndexes)).toEqual({ change: { kind: 'safe' }, steps: [], problems: [], allSteps: [] });
  });
  it('breaking → no steps, but every problem listed', () => {
    const p = planSchemaVersion(current, [field('id', 'string'), baseFields[2]!], []);
    expect(p.change).toEqual({ kind: 'breaking', reason: 'type changed for field ["id"]' });
    expect(p.steps).toEqual([]);
    expect(p.allSteps).toEqual([]);
    expect(p.problems.map((x) => x.reason)).toEqual([
      'type changed for field ["id"]',
      'field removed: ["name"]',
      'field removed: ["profile", "tz"]',
    ]);
  });
  it('new required field → backfill step naming the field (not the reason)', () => {
    const p = planSchemaVersion(current, [...baseFields, field('score', 'int64'), field(['stats', 'n'], 'uint64')], [
      ...baseIndexes,
      index('u2', 'name', 'unique'),
    ]);
    expect(p.change).toEqual({ kind: 'needs_migration', reason: 'new required field ["score"] needs backfill' });
    expect(p.steps).toEqual([{ kind: 'backfill_top_level_field', field: 'score', path: ['score'] }]);
    expect(p.allSteps).toEqual([
      { kind: 'backfill_top_level_field', field: 'score', path: ['score'] },
      { kind: 'backfill_top_level_field', field: 'stats', path: ['stats', 'n'] },
      { kind: 'rebuild_indexes' },
    ]);
    expect(p.problems).toHaveLength(3);
  });
  it('new unique index → rebuild step', () => {
    const p = planSchemaVersion(current, baseFields, [...baseIndexes, index('u2', 'name', 'unique'), index('u3', 'id', 'unique')]);
    expect(p.steps).toEqual([{ kind: 'rebuild_indexes' }]);
    expect(p.allSteps).toEqual([{ kind: 'rebuild_indexes' }]);
  });
});

describe('describeSchemaUpdate', () => {
  it('flags identical schemas and dropped indexes', () => {
    expect(describeSchemaUpdate(current, baseFields, baseIndexes)).toEqual({ identical: true, droppedIndexes: [] });
    expect(describeSchemaUpdate(current, baseFields, [])).toEqual({ identical: false, droppedIndexes: ['by_name', 'kind_u'] });
    expect(describeSchemaUpdate(current, [...baseFields].reverse(), baseIndexes).identical).toBe(false);
  });
});
