import { describe, expect, test } from 'vitest';
import { Database, ModelVaultError, createMemFs, model, t } from '../../src/index.ts';

const P = '/data/app.typra';

function caught(f: () => unknown): ModelVaultError {
  try {
    f();
  } catch (e) {
    if (e instanceof ModelVaultError) return e;
    throw e;
  }
  throw new Error('expected a ModelVaultError, nothing was thrown');
}

const TaskV1 = model('tasks', { id: t.int64(), title: t.string(), done: t.bool() }, { primaryKey: 'id' });
const TaskV2 = model(
  'tasks',
  { id: t.int64(), title: t.string(), done: t.bool(), priority: t.enum(['low', 'high']), slug: t.string() },
  { primaryKey: 'id', indexes: [{ path: 'slug', unique: true }] },
);
// Drops `done` and retypes nothing else: breaking, needs a backfill.
const TaskV3 = model('tasks', { id: t.int64(), title: t.string(), state: t.enum(['open', 'closed']) }, { primaryKey: 'id' });

function seeded(fs = createMemFs({ directories: ['/data'] })) {
  const db = Database.open(P, { fs });
  db.collection(TaskV1).insertMany([
    { id: 1n, title: 'Write docs', done: false },
    { id: 2n, title: 'Ship it', done: true },
    { id: 3n, title: 'Celebrate', done: false },
  ]);
  return { db, fs };
}

const backfillV2 = (old: { id: bigint; title: string; done: boolean }) => ({
  ...old,
  priority: old.done ? ('low' as const) : ('high' as const),
  slug: old.title.toLowerCase().replaceAll(' ', '-'),
});

describe('db.migrate', () => {
  test('dry run reports the plan and the rows that change, and writes nothing', () => {
    const { db } = seeded();
    const before = db.snapshotBytes();
    const r = db.migrate(TaskV2, { from: TaskV1, backfill: backfillV2, dryRun: true });
    expect(r).toMatchObject({
      collection: 'tasks',
      action: 'migrate',
      change: { kind: 'needs_migration', reason: 'new required field ["priority"] needs backfill' },
      steps: ['backfill field "priority" in every existing row', 'backfill field "slug" in every existing row', 'rebuild indexes'],
      fromVersion: 1,
      toVersion: 2,
      rowsTotal: 3,
      rowsChanged: 3,
      dryRun: true,
      applied: false,
      blocker: null,
    });
    expect(db.snapshotBytes()).toEqual(before);
    db.close();
  });

  test('applies a new required field with a backfill in one transaction; reopen (strict) sees the new rows', () => {
    const { db, fs } = seeded();
    const r = db.migrate(TaskV2, { from: TaskV1, backfill: backfillV2 });
    expect(r).toMatchObject({ applied: true, rowsChanged: 3, rowsRewritten: 3, toVersion: 2 });
    const tasks = db.collection(TaskV2);
    expect(tasks.def.schemaVersion).toBe(2);
    expect(tasks.get(2n)).toEqual({ id: 2n, title: 'Ship it', done: true, priority: 'low', slug: 'ship-it' });
    expect(tasks.explain({ where: { slug: 'write-docs' } })).toContain('IndexLookup index="slug_unique"');
    db.close();
    const again = Database.open(P, { fs, readOnly: true, recovery: 'strict' });
    expect(again.collection(TaskV2).query({ where: { priority: 'high' } }).map((x) => x.id)).toEqual([1n, 3n]);
    // The migration checkpointed, so a reader that replays only current-version records
    // (the reference engine, BEHAVIOR §3.6) has nothing older to replay.
    expect(again.recoveryInfo.checkpoint).toBe('loaded');
    again.close();
  });

  test('without a backfill a needs-migration change is refused with the plan (nothing written)', () => {
    const { db } = seeded();
    const before = db.snapshotBytes();
    const e = caught(() => db.migrate(TaskV2));
    expect(e.code).toBe('Schema.MigrationRequired');
    expect(e.message).toContain('3 existing row(s)');
    expect(db.snapshotBytes()).toEqual(before);
    db.close();
  });

  test('a breaking change goes through with a backfill over untyped stored rows', () => {
    const { db } = seeded();
    const r = db.migrate(TaskV3, {
      backfill: (old) => ({ id: old.id as bigint, title: old.title as string, state: old.done === true ? ('closed' as const) : ('open' as const) }),
    });
    expect(r.change).toEqual({ kind: 'breaking', reason: 'field removed: ["done"]' });
    expect(db.collection(TaskV3).query({ where: { state: 'open' } }).map((x) => x.title)).toEqual(['Write docs', 'Celebrate']);
    db.close();
  });

  test('a failing backfill names the row and field, and nothing is written', () => {
    const { db } = seeded();
    const before = db.snapshotBytes();
    const e = caught(() => db.migrate(TaskV2, { from: TaskV1, backfill: (old) => ({ ...backfillV2(old), priority: old.id === 2n ? ('urgent' as never) : ('low' as const) }) }));
    expect(e.code).toBe('Validation.Invalid');
    expect(e.message).toContain('cannot migrate "tasks" row id = 2n');
    expect(e.message).toContain('field "priority"');
    expect(e.message).toContain('"urgent"');
    expect(db.snapshotBytes()).toEqual(before);
    db.close();
  });

  test('unique collisions among the rewritten rows are found before writing (dry run too)', () => {
    const { db } = seeded();
    const same = (old: { id: bigint; title: string; done: boolean }) => ({ ...backfillV2(old), slug: 'same' });
    const report = caught(() => db.migrate(TaskV2, { from: TaskV1, backfill: same, dryRun: true }));
    expect(report.code).toBe('Schema.UniqueIndexViolation');
    expect(report.message).toContain('slug = "same" under unique index "slug_unique"');
    expect(caught(() => db.migrate(TaskV2, { from: TaskV1, backfill: same })).code).toBe('Schema.UniqueIndexViolation');
    expect(db.collection('tasks')!.schemaVersion).toBe(1);
    db.close();
  });

  test('the primary key cannot be changed by a backfill', () => {
    const { db } = seeded();
    const e = caught(() => db.migrate(TaskV2, { from: TaskV1, backfill: (old) => ({ ...backfillV2(old), id: old.id + 100n }) }));
    expect(e.code).toBe('Usage.PrimaryKeyChange');
    db.close();
  });

  test('create, none and safe actions; refused inside a transaction', () => {
    const db = Database.openInMemory();
    expect(db.migrate(TaskV1, { dryRun: true })).toMatchObject({ action: 'create', applied: false });
    expect(db.collection('tasks')).toBeUndefined();
    expect(db.migrate(TaskV1)).toMatchObject({ action: 'create', applied: true });
    expect(db.migrate(TaskV1)).toMatchObject({ action: 'none', applied: false });
    const WithNote = model('tasks', { id: t.int64(), title: t.string(), done: t.bool(), note: t.optional(t.string()) }, { primaryKey: 'id' });
    db.collection(TaskV1).insert({ id: 1n, title: 'x', done: false });
    expect(db.migrate(WithNote)).toMatchObject({ action: 'migrate', change: { kind: 'safe' }, applied: true, toVersion: 2, rowsChanged: 1 });
    expect(db.collection(WithNote).get(1n)).toEqual({ id: 1n, title: 'x', done: false, note: null });
    db.begin();
    expect(caught(() => db.migrate(TaskV2)).code).toBe('Transaction.NestedTransaction');
    db.rollback();
    // An empty collection needs no backfill even for a new required field.
    const Empty = model('empty', { id: t.int64() }, { primaryKey: 'id' });
    db.collection(Empty);
    const Empty2 = model('empty', { id: t.int64(), must: t.string() }, { primaryKey: 'id' });
    expect(db.migrate(Empty2)).toMatchObject({ action: 'migrate', applied: true, rowsTotal: 0 });
  });

  test('a new unique index without a backfill: checked against the existing rows, then applied', () => {
    const { db } = seeded();
    const UniqueTitle = model('tasks', { id: t.int64(), title: t.string(), done: t.bool() }, { primaryKey: 'id', indexes: [{ path: 'title', unique: true }] });
    expect(caught(() => db.collection(UniqueTitle)).code).toBe('Schema.MigrationRequired');
    const r = db.migrate(UniqueTitle);
    expect(r).toMatchObject({ applied: true, change: { kind: 'needs_migration' }, steps: ['rebuild indexes'], rowsChanged: 0, rowsRewritten: 3 });
    const tasks = db.collection(UniqueTitle);
    expect(tasks.explain({ where: { title: 'Ship it' } })).toContain('IndexLookup index="title_unique" kind=Unique');
    expect(tasks.first({ where: { title: 'Ship it' } })!.id).toBe(2n);
    expect(caught(() => tasks.insert({ id: 9n, title: 'Ship it', done: false })).code).toBe('Schema.UniqueIndexViolation');
    // Existing duplicates block it, by value.
    const { db: other } = seeded(createMemFs({ directories: ['/data'] }));
    other.collection(TaskV1).insert({ id: 4n, title: 'Ship it', done: false });
    const e = caught(() => other.migrate(UniqueTitle, { dryRun: true }));
    expect(e.code).toBe('Schema.UniqueIndexViolation');
    expect(e.message).toContain('title = "Ship it"');
    other.close();
    db.close();
  });
});
