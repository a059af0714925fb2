/**
 * Random histories (inserts, replaces, deletes, a schema version, transactions) with
 * checkpoints, compactions and reopens at random points: the database always equals a twin
 * in-memory database that ran the same writes and no maintenance.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Database } from '../../src/engine/database.ts';
import { createMemFs } from '../../src/fs/memfs.ts';
import { DOCS_FIELDS, f, logical as logicalRaw, USERS_FIELDS, USERS_INDEXES } from './helpers.ts';

/**
 * Rows without their null-valued fields: after a schema version adds an optional field, a
 * live handle keeps the rows it had (no `nick`) while a reopened one presents them under
 * the current schema (`nick: null`) — the same logical row either way.
 */
function logical(db: Database): unknown {
  const dump = logicalRaw(db) as Array<{ rows: Array<Record<string, unknown>> }>;
  for (const c of dump) {
    c.rows = c.rows.map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null)));
  }
  return dump;
}

type Op =
  | { k: 'insert'; id: number; tag: number; age: number | null }
  | { k: 'doc'; slug: number; title: number }
  | { k: 'delete'; id: number }
  | { k: 'version' }
  | { k: 'txn'; ops: Array<{ id: number; tag: number }>; commit: boolean }
  | { k: 'checkpoint' }
  | { k: 'compact' }
  | { k: 'compactTo' }
  | { k: 'reopen' };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ k: fc.constant('insert' as const), id: fc.nat(12), tag: fc.nat(3), age: fc.option(fc.nat(5), { nil: null }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('doc' as const), slug: fc.nat(4), title: fc.nat(2) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('delete' as const), id: fc.nat(12) }) },
  { weight: 1, arbitrary: fc.constant({ k: 'version' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('txn' as const),
      ops: fc.array(fc.record({ id: fc.nat(12), tag: fc.nat(3) }), { maxLength: 4 }),
      commit: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ k: 'checkpoint' as const }) },
  { weight: 1, arbitrary: fc.constant({ k: 'compact' as const }) },
  { weight: 1, arbitrary: fc.constant({ k: 'compactTo' as const }) },
  { weight: 2, arbitrary: fc.constant({ k: 'reopen' as const }) },
);

const PATH = '/db/app.typra';

/** The write part of an op (maintenance ops are no-ops for the twin). */
function write(db: Database, o: Op, versioned: { done: boolean }): void {
  // Emails are unique per (id, tag) so the unique index never conflicts.
  const user = (id: number, tag: number, age: number | null) => ({
    id: BigInt(id),
    email: `u${id}.${tag}@x.io`,
    age: age === null ? null : BigInt(age),
  });
  switch (o.k) {
    case 'insert':
      db.insert('users', user(o.id, o.tag, o.age));
      return;
    case 'doc':
      db.insert('docs', { slug: `d${o.slug}`, meta: { title: `t${o.title}`, words: BigInt(o.slug * 10) } });
      return;
    case 'delete':
      db.delete('users', BigInt(o.id));
      return;
    case 'version':
      if (versioned.done) return;
      versioned.done = true;
      db.registerSchemaVersion('users', [...USERS_FIELDS, f('nick', { optional: 'string' })], USERS_INDEXES);
      return;
    case 'txn':
      db.begin();
      for (const w of o.ops) db.insert('users', user(w.id, w.tag, null));
      if (o.commit) db.commit();
      else db.rollback();
      return;
    default:
      return;
  }
}

describe('random histories with maintenance', () => {
  it('always equal the twin that ran the same writes', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 25 }), (ops) => {
        const fs = createMemFs({ directories: ['/db'] });
        let db = Database.open(PATH, { fs });
        const twin = Database.openInMemory();
        for (const d of [db, twin]) {
          d.registerCollection('users', USERS_FIELDS, 'id', USERS_INDEXES);
          d.registerCollection('docs', DOCS_FIELDS, 'slug', [{ name: 'by_title', path: ['meta', 'title'], kind: 'non_unique' }]);
        }
        const v1 = { done: false };
        const v2 = { done: false };
        for (const o of ops) {
          write(db, o, v1);
          write(twin, o, v2);
          if (o.k === 'checkpoint') db.checkpoint();
          else if (o.k === 'compact') db.compactInPlace();
          else if (o.k === 'compactTo') {
            db.compactTo('/db/copy.typra');
            expect(logicalOf(fs, '/db/copy.typra')).toEqual(logical(twin));
          } else if (o.k === 'reopen') {
            db.close();
            db = Database.open(PATH, { fs });
          }
          expect(logical(db)).toEqual(logical(twin));
        }
        db.close();
        expect(logicalOf(fs, PATH)).toEqual(logical(twin));
      }),
      { numRuns: 60 },
    );
  });
});

function logicalOf(fs: ReturnType<typeof createMemFs>, path: string): unknown {
  const db = Database.open(path, { fs, readOnly: true });
  try {
    return logical(db);
  } finally {
    db.close();
  }
}
