import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { Database, model, t } from '../../src/index.ts';
import { runInventoryDemo } from '../../examples/inventory.ts';

const dir = mkdtempSync(join(tmpdir(), 'mv-model-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runCli(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

describe('the inventory example', () => {
  test('runs end to end and reads back what it wrote', () => {
    const lines: string[] = [];
    const s = runInventoryDemo(join(dir, 'example.typra'), (l) => lines.push(l));
    expect(s.rolledBack).toBe(true);
    expect(s.movements).toBe(1);
    expect(s.lowStock).toEqual(['SAW-002']);
    expect(s.products.map((p) => [p.sku, p.qty, p.reorderAt])).toEqual([
      ['HAM-001', 25, 10],
      ['PAN-100', 15, 5],
      ['RAK-010', 14, 5],
      ['SAW-002', 8, 10],
    ]);
    expect(lines).toContain('plan: IndexLookup index="category_idx" kind=NonUnique');
    expect(lines).toContain('sql low stock: SAW-002=8');
    expect(lines.some((l) => l.startsWith('refused: cannot update "products": field "qty"') && l.includes('below minimum 0'))).toBe(true);
    const db = Database.open(join(dir, 'example.typra'), { readOnly: true, recovery: 'strict' });
    expect(db.collection('products')?.schemaVersion).toBe(2);
    db.close();
  });
});

describe('modelvault demo', () => {
  test('creates the file, and replaces an earlier demo file on a second run', () => {
    const f = join(dir, 'demo.typra');
    const first = cli('demo', f);
    expect(first.code).toBe(0);
    expect(first.out).toContain('migrated products to schema version 2');
    expect(first.out).toContain('done: 4 products in');
    const second = cli('demo', f);
    expect(second.code).toBe(0);
    expect(second.out).toBe(first.out);
  });

  test('refuses to touch a database that is not a demo', () => {
    const f = join(dir, 'real.typra');
    const db = Database.open(f);
    db.collection(model('customers', { id: t.int64() }, { primaryKey: 'id' })).insert({ id: 1n });
    db.close();
    const r = cli('demo', f);
    expect(r.code).toBe(2);
    expect(r.err).toContain('is not a demo database (collections: customers)');
    const again = Database.open(f, { readOnly: true });
    expect(again.rowCount('customers')).toBe(1);
    again.close();
  });
});

describe('modelvault migrate', () => {
  const V1 = model('books', { isbn: t.string(), title: t.string() }, { primaryKey: 'isbn' });
  const V2safe = model('books', { isbn: t.string(), title: t.string(), year: t.optional(t.int64()) }, { primaryKey: 'isbn', indexes: ['year'] });
  const V2req = model('books', { isbn: t.string(), title: t.string(), pages: t.int64({ min: 1 }) }, { primaryKey: 'isbn' });
  const Authors = model('authors', { id: t.int64() }, { primaryKey: 'id' });

  function seeded(name: string): string {
    const f = join(dir, name);
    const db = Database.open(f);
    db.collection(V1).insertMany([{ isbn: '1', title: 'A' }, { isbn: '2', title: 'B' }]);
    db.close();
    return f;
  }

  test('--plan with a JSON models file (Model.toJSON) prints the plan and writes nothing', () => {
    const f = seeded('plan.typra');
    const models = join(dir, 'models.json');
    writeFileSync(models, JSON.stringify([V2req, Authors]));
    const r = cli('migrate', f, '--models', models, '--plan');
    expect(r.code).toBe(1);
    expect(r.out).toContain('collection "books": migrate\n  schema version: 1 -> 2\n  change: needs_migration (new required field ["pages"] needs backfill)\n  step: backfill field "pages" in every existing row\n  rows: 2 total');
    expect(r.out).toContain('blocked: backfill field "pages" in every existing row: pass a backfill to rewrite the 2 existing row(s)');
    expect(r.out).toContain('collection "authors": create');
    const json = cli('migrate', f, '--models', models, '--plan', '--json');
    const parsed = JSON.parse(json.out) as { models: { collection: string; change: string | null; rows_total: number }[] };
    expect(parsed.models.map((m) => [m.collection, m.change, m.rows_total])).toEqual([
      ['books', 'needs_migration', 2],
      ['authors', null, 0],
    ]);
    const db = Database.open(f, { readOnly: true });
    expect(db.collections().map((c) => [c.name, c.schemaVersion])).toEqual([['books', 1]]);
    db.close();
  });

  test('--apply runs what needs no backfill, from a module exporting models (another copy of the library)', () => {
    const f = seeded('apply.typra');
    // A model made by a different copy of modelvault (e.g. the published build) carries the
    // same registered-symbol brand; the module is loaded with require(esm).
    const mod = join(dir, 'models.mjs');
    const brand = "[Symbol.for('modelvault.model')]: true";
    // V2safe has no bigint constraints, so plain JSON is its exact catalog form.
    writeFileSync(mod, `export const Books = { ${brand}, name: 'books', primaryKey: 'isbn', fields: ${JSON.stringify(V2safe.fields)}, indexes: ${JSON.stringify(V2safe.indexes)} };\nexport const all = [Books];\n`);
    const r = cli('migrate', f, '--models', mod, '--apply');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('change: safe');
    expect(r.out).toContain('applied: true');
    const db = Database.open(f);
    expect(db.collection('books')?.schemaVersion).toBe(2);
    expect(db.collection(V2safe).get('1')).toEqual({ isbn: '1', title: 'A', year: null });
    db.close();
  });

  test('usage errors', () => {
    const f = seeded('usage.typra');
    expect(cli('migrate', f, '--plan').code).toBe(2);
    expect(cli('migrate', f, '--models', join(dir, 'missing.json'), '--plan').err).toContain('cannot read models');
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, '[]');
    expect(cli('migrate', f, '--models', empty, '--plan').err).toContain('defines no models');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ name: 'x', primaryKey: 'id', fields: [{ path: ['id'], type: 'int65' }] }]));
    expect(cli('migrate', f, '--models', bad, '--plan').err).toContain("unknown type 'int65'");
    expect(cli('migrate', f, '--models', empty).code).toBe(2);
  });
});
