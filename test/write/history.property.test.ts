/**
 * Property: random histories of inserts, replaces, deletes, unique violations, schema
 * versions that drop and re-add an index, and explicit transactions that commit or roll
 * back, checked against a plain model after every step — and at the end, a strict reopen
 * shows exactly the committed model, with the same index contents the writer maintained
 * incrementally (so undo and rebuild kept them equal to what the rows imply).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Database } from '../../src/engine/database.ts';
import { isModelVaultError } from '../../src/errors.ts';
import type { IndexDef } from '../../src/schema/types.ts';
import { userFields } from './helpers.ts';

type Op =
  | { kind: 'insert'; id: number; email: number; team: number | null }
  | { kind: 'delete'; id: number }
  | { kind: 'begin' }
  | { kind: 'commit' }
  | { kind: 'rollback' }
  | { kind: 'toggleIndex' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('insert' as const), id: fc.nat(7), email: fc.nat(5), team: fc.option(fc.nat(2)) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), id: fc.nat(7) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'begin' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'commit' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'rollback' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'toggleIndex' as const }) },
);

interface ModelRow {
  email: string;
  team: string | null;
}

const UNIQUE: IndexDef = { name: 'email_unique', path: ['email'], kind: 'unique' };
const BY_TEAM: IndexDef = { name: 'by_team', path: ['team'], kind: 'non_unique' };

describe('write histories (property)', () => {
  it('match a model at every step and after a strict reopen', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => {
        const db = Database.openInMemory();
        db.registerCollection('users', userFields, 'id', [UNIQUE, BY_TEAM]);
        let committed = { rows: new Map<number, ModelRow>(), teamIndex: true };
        let current = { rows: new Map(committed.rows), teamIndex: committed.teamIndex };
        let inTxn = false;
        const copy = (s: typeof current) => ({ rows: new Map(s.rows), teamIndex: s.teamIndex });

        for (const op of ops) {
          switch (op.kind) {
            case 'insert': {
              const email = `e${op.email}`;
              const team = op.team === null ? null : `t${op.team}`;
              const holder = [...current.rows].find(([id, r]) => r.email === email && id !== op.id);
              let error: unknown;
              try {
                db.insert('users', { id: BigInt(op.id), email, team });
              } catch (e) {
                error = e;
              }
              if (holder !== undefined) expect(isModelVaultError(error, 'Schema.UniqueIndexViolation')).toBe(true);
              else {
                expect(error).toBeUndefined();
                current.rows.set(op.id, { email, team });
              }
              break;
            }
            case 'delete':
              expect(db.delete('users', BigInt(op.id))).toBe(current.rows.delete(op.id));
              break;
            case 'begin':
              if (inTxn) expect(() => db.begin()).toThrow(/nested/);
              else {
                db.begin();
                inTxn = true;
              }
              break;
            case 'commit':
              if (!inTxn) expect(() => db.commit()).toThrow();
              else {
                db.commit();
                inTxn = false;
              }
              break;
            case 'rollback':
              db.rollback();
              if (inTxn) current = copy(committed);
              inTxn = false;
              break;
            case 'toggleIndex':
              current.teamIndex = !current.teamIndex;
              db.registerSchemaVersion('users', userFields, current.teamIndex ? [UNIQUE, BY_TEAM] : [UNIQUE]);
              break;
          }
          if (!inTxn) committed = copy(current);
          expect(db.inTransaction).toBe(inTxn);
          // The handle's view: rows and both index kinds, as the model implies.
          expect(db.rowCount('users')).toBe(current.rows.size);
          for (const [id, r] of current.rows) expect(db.get('users', BigInt(id))).toEqual({ id: BigInt(id), ...r });
          const emails = db.indexContents('users', 'email_unique').map((e) => [e.key, e.pks]);
          const want = [...current.rows]
            .map(([id, r]) => [r.email, [BigInt(id)]] as [string, bigint[]])
            .sort((a, b) => (a[0] < b[0] ? -1 : 1));
          expect(emails).toEqual(want);
          expect(db.collection('users')!.indexes.length).toBe(current.teamIndex ? 2 : 1);
        }

        // An open transaction is rolled back: the handle's incrementally maintained indexes
        // must then equal those a reopen derives from the rows.
        db.rollback();
        const indexesBefore = db.collection('users')!.indexes.map((ix) => db.indexContents('users', ix.name));
        const again = Database.openImage(db.snapshotBytes(), { recovery: 'strict', readOnly: true });
        expect(again.rowCount('users')).toBe(committed.rows.size);
        for (const [id, r] of committed.rows) expect(again.get('users', BigInt(id))).toEqual({ id: BigInt(id), ...r });
        const indexesAfter = again.collection('users')!.indexes.map((ix) => again.indexContents('users', ix.name));
        expect(indexesAfter).toEqual(indexesBefore);
      }),
      { numRuns: 200, seed: 424242 },
    );
  });
});
