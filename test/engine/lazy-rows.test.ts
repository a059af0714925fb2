/**
 * Rows kept encoded at checkpoint load: the walk may only accept payloads the decoder
 * decodes, and an accepted row must read exactly as the decoder's row — checked over
 * every truncation and every single-byte change of real payloads.
 */
import { describe, expect, it } from 'vitest';
import { canonicalKey } from '../../src/format/canonical-key.ts';
import { decodeRecord, encodeRecord } from '../../src/format/record.ts';
import type { RecordLayout } from '../../src/format/record.ts';
import { EncodedKeyReader, LazyRow, lazyPlan, lazyRowOf } from '../../src/engine/lazy-rows.ts';
import { IndexState } from '../../src/engine/index-state.ts';
import { keyString } from '../../src/engine/row-store.ts';
import type { FieldDef, ScalarType } from '../../src/schema/types.ts';
import type { Row } from '../../src/schema/values.ts';
import { Database } from '../../src/engine/database.ts';

const FIELDS: FieldDef[] = [
  { path: ['id'], type: 'int64', constraints: [] },
  { path: ['name'], type: 'string', constraints: [] },
  { path: ['score'], type: 'float64', constraints: [] },
  { path: ['ok'], type: 'bool', constraints: [] },
  { path: ['tags'], type: { list: 'string' }, constraints: [] },
  { path: ['note'], type: { optional: 'string' }, constraints: [] },
  { path: ['pos'], type: { object: [{ path: ['x'], type: 'uint64', constraints: [] }] }, constraints: [] },
  { path: ['raw'], type: 'bytes', constraints: [] },
  { path: ['grp'], type: 'int64', constraints: [] },
];
const LAYOUT: RecordLayout = { collectionId: 3, primaryField: 'id', pkType: 'int64', fields: FIELDS };
const ROW: Row = {
  id: -5n,
  name: 'user-7',
  score: 2.5,
  ok: true,
  tags: ['a', 'bc'],
  note: null,
  pos: { x: 9n },
  raw: Uint8Array.of(1, 2, 3),
  grp: 42n,
};

function decodes(p: Uint8Array): Row | null | 'error' {
  try {
    return decodeRecord(p, LAYOUT).row;
  } catch {
    return 'error';
  }
}

function checkAgainstDecoder(p: Uint8Array): boolean {
  const plan = lazyPlan(LAYOUT);
  const lazy = lazyRowOf(p, plan, 1);
  if (lazy === null) return false;
  const want = decodes(p);
  expect(want).not.toBe('error');
  expect(want).not.toBeNull();
  const w = want as Row;
  expect(lazy.key).toBe(keyString(canonicalKey('int64', w['id'] as bigint)));
  expect(new EncodedKeyReader('grp', 'int64').keyOf(lazy)).toBe(keyString(canonicalKey('int64', w['grp'] as bigint)));
  expect(new EncodedKeyReader('name', 'string').keyOf(lazy)).toBe(w['name']);
  expect(new EncodedKeyReader('id', 'int64').keyOf(lazy)).toBe(lazy.key);
  expect(new EncodedKeyReader('score', 'float64').keyOf(lazy)).toBeUndefined();
  expect(lazy.pk).toBe(w['id']);
  expect(lazy.row).toEqual(w);
  return true;
}

describe('lazy rows', () => {
  const payload = encodeRecord(LAYOUT, 1, 1, ROW['id'] as bigint, ROW);

  it('accepts a writer payload and reads it as the decoder does', () => {
    expect(checkAgainstDecoder(payload)).toBe(true);
    expect(checkAgainstDecoder(encodeRecord(LAYOUT, 2, 1, 9n, { ...ROW, id: 9n, note: 'x' }))).toBe(true);
  });

  it('leaves deletes, non-ASCII text and v1 records to the decoder', () => {
    const plan = lazyPlan(LAYOUT);
    expect(lazyRowOf(encodeRecord(LAYOUT, 3, 1, 1n, null), plan, 1)).toBeNull();
    expect(lazyRowOf(encodeRecord(LAYOUT, 1, 1, 1n, { ...ROW, id: 1n, name: 'é' }), plan, 1)).toBeNull();
    const v1 = payload.slice();
    v1[0] = 1;
    expect(lazyRowOf(v1, plan, 1)).toBeNull();
  });

  it('never accepts a payload the decoder refuses (every truncation, every byte changed)', () => {
    let accepted = 0;
    for (let n = 0; n < payload.length; n++) expect(checkAgainstDecoder(payload.subarray(0, n))).toBe(false);
    const extended = new Uint8Array(payload.length + 1);
    extended.set(payload);
    expect(checkAgainstDecoder(extended)).toBe(false);
    for (let i = 0; i < payload.length; i++) {
      for (const v of [0, 1, 2, 3, 4, 5, 0x7f, 0x80, 0xff]) {
        const p = payload.slice();
        p[i] = v;
        if (checkAgainstDecoder(p)) accepted++;
      }
    }
    // Changes inside values (e.g. another digit) are still valid payloads.
    expect(accepted).toBeGreaterThan(0);
  });

  it.each([undefined, 'grp', 'name', 'id'])('derives index buckets equal to the ones of decoded rows (hint %s)', (hint) => {
    const plan = lazyPlan(LAYOUT, hint);
    const defs = [
      { name: 'g', path: ['grp'], kind: 'non_unique' as const },
      { name: 'n', path: ['name'], kind: 'unique' as const },
      { name: 'x', path: ['pos', 'x'], kind: 'non_unique' as const },
    ];
    const rows: Row[] = [];
    // grp spans interned small keys and 8-byte keys beyond 2^53, negative ones included.
    const grps = [0n, 1n, -1n, 2n ** 60n, -(2n ** 62n), 2n ** 53n - 1n];
    for (let i = 0; i < 30; i++) {
      rows.push({ ...ROW, id: BigInt(i), name: `n${i % 4}`, grp: grps[i % grps.length]!, pos: { x: BigInt(i % 5) } });
    }
    const lazyState = new IndexState();
    lazyState.rebuild(3, FIELDS, defs, rows.map((r) => lazyRowOf(encodeRecord(LAYOUT, 1, 1, r['id'] as bigint, r), plan, 1)!));
    const plainState = new IndexState();
    plainState.rebuild(
      3,
      FIELDS,
      defs,
      rows.map((r) => ({ pk: r['id'] as bigint, row: r, pkKey: canonicalKey('int64' as ScalarType, r['id'] as bigint), version: 1 })),
    );
    for (const d of defs) {
      const a = lazyState.get(3, d.name)!;
      const b = plainState.get(3, d.name)!;
      expect([...a.buckets.keys()].sort()).toEqual([...b.buckets.keys()].sort());
      for (const [k, bucket] of b.buckets) {
        const other = a.buckets.get(k)!;
        expect(other.value).toEqual(bucket.value);
        expect(other.key).toEqual(bucket.key);
        expect([...other.rows.keys()].sort()).toEqual([...bucket.rows.keys()].sort());
      }
      expect(a.conflicts).toBe(b.conflicts);
    }
  });

  it('a checkpointed database reopens with the same rows, queries and further writes', () => {
    const db = Database.openInMemory();
    db.registerCollection('t', FIELDS, 'id', [{ name: 'g', path: ['grp'], kind: 'non_unique' }]);
    for (let i = 0; i < 50; i++) db.insert('t', { ...ROW, id: BigInt(i), name: i % 2 ? `n${i}` : `ñ${i}`, grp: BigInt(i % 4) });
    db.checkpoint();
    const image = db.snapshotBytes();
    const before = [...db.rows('t')];
    const again = Database.fromSnapshotBytes(image);
    const cid = again.state.catalog.idOf('t')!;
    const stored = [...again.state.rows.values(cid)];
    // ASCII rows stay encoded until read; the others were decoded at load.
    expect(stored.filter((r) => r instanceof LazyRow)).toHaveLength(25);
    expect([...again.rows('t')]).toEqual(before);
    expect(again.query('t', { where: { eq: { path: 'grp', value: 1n } } }).map((r) => r['id'])).toEqual(
      db.query('t', { where: { eq: { path: 'grp', value: 1n } } }).map((r) => r['id']),
    );
  });
});

describe('fixedWidthOrder', () => {
  it('orders fixed-width key strings as the default sort does, and declines other key sets', async () => {
    const { fixedWidthOrder } = await import('../../src/engine/row-store.ts');
    const fixed: string[] = [];
    for (let i = 0; i < 3000; i++) fixed.push(keyString(canonicalKey('int64', BigInt((i * 7919) % 3001) - 1500n)));
    fixed.push(keyString(canonicalKey('int64', 2n ** 62n)), keyString(canonicalKey('int64', -(2n ** 63n))));
    const order = fixedWidthOrder(fixed)!;
    expect([...order].map((i) => fixed[i])).toEqual([...fixed].sort());
    expect(fixedWidthOrder([...fixed.slice(0, 500), 'a'])).toBeNull();
    expect(fixedWidthOrder(fixed.slice(0, 500).map((k) => k.slice(1) + '\u0100'))).toBeNull();
    expect(fixedWidthOrder(fixed.slice(0, 10))).toBeNull();
  });

  it('sortedByKey returns rows in key byte order either way', async () => {
    const { RowStore } = await import('../../src/engine/row-store.ts');
    for (const n of [10, 1000]) {
      const store = new RowStore();
      for (let i = 0; i < n; i++) {
        const pkKey = canonicalKey('int64', BigInt((i * 37) % n));
        store.put(1, keyString(pkKey), { pk: 0n, pkKey, row: {}, version: 1 });
      }
      const keys = store.sortedByKey(1).map((r) => keyString(r.pkKey));
      expect(keys).toEqual([...keys].sort());
      expect(keys).toHaveLength(n);
    }
  });
});

describe('replayed rows', () => {
  it('a log without checkpoint reopens with rows kept encoded, re-homed when the log is mostly dead', () => {
    const db = Database.openInMemory();
    db.registerCollection('t', FIELDS, 'id', [{ name: 'g', path: ['grp'], kind: 'non_unique' }]);
    // 40 rows overwritten 300 times: the image is far larger than the live payloads.
    for (let pass = 0; pass < 300; pass++) {
      db.transaction(() => {
        for (let i = 0; i < 40; i++) db.insert('t', { ...ROW, id: BigInt(i), name: `n${pass}`, grp: BigInt((i + pass) % 3) });
      });
    }
    db.delete('t', 5n);
    const image = db.snapshotBytes();
    expect(image.length).toBeGreaterThan(1 << 20);
    const again = Database.fromSnapshotBytes(image);
    const cid = again.state.catalog.idOf('t')!;
    const stored = [...again.state.rows.values(cid)];
    expect(stored).toHaveLength(39);
    expect(stored.every((r) => r instanceof LazyRow)).toBe(true);
    // Re-homed: the payloads no longer live in the image buffer.
    expect(stored.every((r) => (r as LazyRow).bytes.length < image.length)).toBe(true);
    expect([...again.rows('t')]).toEqual([...db.rows('t')]);
    for (const g of [0n, 1n, 2n]) {
      expect(again.query('t', { where: { eq: { path: 'grp', value: g } } })).toEqual(db.query('t', { where: { eq: { path: 'grp', value: g } } }));
    }
    again.insert('t', { ...ROW, id: 5n });
    expect(again.get('t', 5n)).toEqual({ ...ROW, id: 5n });
  });
});
