/**
 * A checkpoint's table (rows left encoded, found by binary search) must behave exactly like
 * the Map it replaces: random reads, writes, deletes and iterations against a Map model,
 * for integer and string primary keys; and a reopened checkpointed database must equal the
 * state it was checkpointed from, including after writes and deletes over base rows.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalKey } from '../../src/format/canonical-key.ts';
import { encodeRecord } from '../../src/format/record.ts';
import type { RecordLayout } from '../../src/format/record.ts';
import { lazyPlan, walkLazyRecord } from '../../src/engine/lazy-rows.ts';
import { keyString } from '../../src/engine/row-store.ts';
import type { StoredRow } from '../../src/engine/row-store.ts';
import { CheckpointTable } from '../../src/engine/row-table.ts';
import { Database } from '../../src/engine/database.ts';
import { createMemFs } from '../../src/fs/memfs.ts';
import type { FieldDef, ScalarType } from '../../src/schema/types.ts';
import type { Row, ScalarValue } from '../../src/schema/values.ts';

function fieldsFor(pkType: ScalarType): FieldDef[] {
  return [
    { path: ['id'], type: pkType, constraints: [] },
    { path: ['name'], type: 'string', constraints: [] },
    { path: ['grp'], type: 'int64', constraints: [] },
  ];
}

/** A CheckpointTable over `pks` (sorted by canonical key bytes, as our checkpoints store them). */
function tableOf(pkType: ScalarType, pks: ScalarValue[]): { table: CheckpointTable; rows: Map<string, Row> } {
  const fields = fieldsFor(pkType);
  const layout: RecordLayout = { collectionId: 1, primaryField: 'id', pkType, fields };
  const plan = lazyPlan(layout, 'grp');
  const entries = pks.map((pk, i) => ({ key: keyString(canonicalKey(pkType, pk)), row: { id: pk, name: `n${i}`, grp: BigInt(i % 5) } }));
  entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const payloads = entries.map((e) => encodeRecord(layout, 1, 1, e.row.id, e.row));
  const buf = new Uint8Array(payloads.reduce((n, p) => n + p.length, 0));
  const spans = new Float64Array(3 * payloads.length);
  let at = 0;
  payloads.forEach((p, i) => {
    buf.set(p, at);
    const hint = walkLazyRecord(buf, plan, at, at + p.length);
    expect(hint).toBeGreaterThanOrEqual(-1);
    spans.set([at, at + p.length, hint], i * 3);
    at += p.length;
  });
  const table = new CheckpointTable({ buf, plan, version: 1, count: entries.length, spans });
  return { table, rows: new Map(entries.map((e) => [e.key, e.row])) };
}

type Op = { k: 'get' | 'has' | 'delete'; key: number } | { k: 'set'; key: number; name: string } | { k: 'iterate' };

const opArb = (keys: number): fc.Arbitrary<Op> =>
  fc.oneof(
    fc.record({ k: fc.constantFrom('get' as const, 'has' as const, 'delete' as const), key: fc.nat(keys) }),
    fc.record({ k: fc.constant('set' as const), key: fc.nat(keys), name: fc.string({ maxLength: 4 }) }),
    fc.constant({ k: 'iterate' as const }),
  );

function check(pkType: ScalarType, pkOf: (n: number) => ScalarValue): void {
  fc.assert(
    fc.property(fc.uniqueArray(fc.nat(60), { maxLength: 40 }), fc.array(opArb(70), { maxLength: 60 }), (basePks, ops) => {
      const { table, rows } = tableOf(pkType, basePks.map(pkOf));
      const model = new Map<string, Row>(rows);
      const keyOf = (n: number) => keyString(canonicalKey(pkType, pkOf(n)));
      for (const op of ops) {
        if (op.k === 'iterate') {
          const got = new Map([...table].map(([k, r]) => [k, r.row]));
          expect(got).toEqual(model);
          continue;
        }
        const key = keyOf(op.key);
        if (op.k === 'set') {
          const row = { id: pkOf(op.key), name: op.name, grp: 0n };
          const stored: StoredRow = { pk: pkOf(op.key), pkKey: canonicalKey(pkType, pkOf(op.key)), row, version: 1 };
          table.set(key, stored);
          model.set(key, row);
        } else if (op.k === 'get') expect(table.get(key)?.row).toEqual(model.get(key));
        else if (op.k === 'has') expect(table.has(key)).toBe(model.has(key));
        else expect(table.delete(key)).toBe(model.delete(key));
        expect(table.size).toBe(model.size);
      }
      expect(new Set(table.keys())).toEqual(new Set(model.keys()));
    }),
    { numRuns: 300 },
  );
}

describe('CheckpointTable', () => {
  it('behaves like a Map (int64 keys, little-endian byte order)', () => check('int64', (n) => BigInt(n * 37 - 900)));
  it('behaves like a Map (string keys)', () => check('string', (n) => `k${n}`));

  it('the same row object answers repeated reads (decoded once)', () => {
    const { table } = tableOf('int64', [1n, 2n, 300n]);
    const k = keyString(canonicalKey('int64', 300n));
    expect(table.get(k)).toBe(table.get(k));
    expect([...table.values()].find((r) => r.pk === 300n)).toBe(table.get(k));
  });
});

describe('reopening a checkpointed database', () => {
  it('reads, writes and deletes over checkpoint rows like over the state it was written from', () => {
    const fs = createMemFs({ directories: ['/d'] });
    const db = Database.open('/d/a.typra', { fs });
    db.registerCollection('t', fieldsFor('int64'), 'id', [{ name: 'by_grp', path: ['grp'], kind: 'non_unique' }]);
    db.transaction(() => {
      for (let i = 0; i < 600; i++) db.insert('t', { id: BigInt(i * 7 - 300), name: `n${i}`, grp: BigInt(i % 4) });
    });
    db.checkpoint();
    db.close();
    const again = Database.open('/d/a.typra', { fs });
    expect(again.recoveryInfo.checkpoint).toBe('loaded');
    expect(again.get('t', 1n)).toEqual({ id: 1n, name: 'n43', grp: 3n });
    expect(again.get('t', 5n)).toBeNull();
    again.insert('t', { id: 8n, name: 'changed', grp: 2n });
    expect(again.delete('t', -300n)).toBe(true);
    expect(again.delete('t', -300n)).toBe(false);
    again.insert('t', { id: 100_000n, name: 'new', grp: 1n });
    expect(again.rowCount('t')).toBe(600);
    expect(again.query('t', { where: { grp: 2n } }).map((r) => r['id'])).toContain(8n);
    expect(again.query('t', { where: { grp: 0n } }).map((r) => r['id'])).not.toContain(8n);
    const all = [...again.rows('t')];
    expect(all.length).toBe(600);
    expect(all.find((r) => r['id'] === 8n)).toEqual({ id: 8n, name: 'changed', grp: 2n });
    again.close();
  });
});
