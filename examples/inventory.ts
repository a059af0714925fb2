/**
 * A small inventory app on modelvault: products and stock movements declared as models,
 * typed inserts/updates/deletes, a transaction that keeps stock and movements in step (and
 * one that is rolled back), a typed query served by an index, an SQL query, a migration that
 * adds a required field, a checkpoint, and a reopen that reads everything back.
 *
 * `modelvault demo FILE` (and `npm run demo`) runs exactly this program; the tests run it too
 * (test/model/demo.test.ts). From application code import from 'modelvault' instead of the
 * source tree.
 */
import { Database, ModelVaultError, model, t } from '../src/index.ts';
import type { FsOps, Infer, InferRow } from '../src/index.ts';

export const Product = model(
  'products',
  {
    sku: t.string({ regex: '^[A-Z]{3}-[0-9]{3}$' }),
    name: t.string({ nonEmpty: true, maxLength: 80 }),
    category: t.enum(['tools', 'garden', 'kitchen']),
    qty: t.int64({ min: 0, mode: 'number' }),
    priceCents: t.int64({ min: 0, mode: 'number' }),
    tags: t.list(t.string()),
    supplier: t.optional(t.object({ name: t.string(), country: t.string() })),
  },
  { primaryKey: 'sku', indexes: ['category', { path: 'name', unique: true }] },
);

export const Movement = model(
  'movements',
  {
    id: t.uuid(),
    sku: t.string(),
    delta: t.int64({ mode: 'number' }),
    at: t.timestamp(),
    note: t.optional(t.string()),
  },
  { primaryKey: 'id', indexes: ['sku'] },
);

/** Version 2 of products: every product gets a reorder level (a required field → migration). */
export const ProductV2 = model(
  'products',
  { ...Product.shape, reorderAt: t.int64({ min: 0, mode: 'number' }) },
  { primaryKey: 'sku', indexes: ['category', { path: 'name', unique: true }] },
);

export interface InventorySummary {
  products: InferRow<typeof ProductV2>[];
  movements: number;
  lowStock: string[];
  rolledBack: boolean;
}

const uuidOf = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

/** Runs the whole scenario on a new database at `path`; `log` receives what a user would see. */
export function runInventoryDemo(path: string, log: (line: string) => void = console.log, fs?: FsOps): InventorySummary {
  const at = new Date('2025-01-15T09:30:00Z');
  let db = Database.open(path, fs === undefined ? {} : { fs });
  try {
    const products = db.collection(Product);
    const movements = db.collection(Movement);
    log(`opened ${path}: collections ${db.collections().map((c) => c.name).join(', ')}`);

    const seed: Infer<typeof Product>[] = [
      { sku: 'HAM-001', name: 'Claw hammer', category: 'tools', qty: 25, priceCents: 1999, tags: ['steel'], supplier: { name: 'Forge & Co', country: 'SE' } },
      { sku: 'SAW-002', name: 'Hand saw', category: 'tools', qty: 8, priceCents: 2450, tags: [] },
      { sku: 'RAK-010', name: 'Leaf rake', category: 'garden', qty: 14, priceCents: 1575, tags: ['autumn'] },
      { sku: 'PAN-100', name: 'Frying pan', category: 'kitchen', qty: 3, priceCents: 3200, tags: ['cast-iron'] },
      { sku: 'OLD-999', name: 'Discontinued kettle', category: 'kitchen', qty: 0, priceCents: 900, tags: [] },
    ];
    products.insertMany(seed);
    log(`inserted ${products.count()} products`);

    products.update('SAW-002', { priceCents: 2299, tags: ['sale'] });
    log(`updated SAW-002: price now ${products.get('SAW-002')!.priceCents} cents`);
    products.delete('OLD-999');
    log(`deleted OLD-999; ${products.count()} products left`);

    // Receiving stock: the movement and the new quantity commit together.
    db.transaction(() => {
      movements.insert({ id: uuidOf(1), sku: 'PAN-100', delta: 12, at, note: 'delivery #41' });
      products.update('PAN-100', { qty: products.get('PAN-100')!.qty + 12 });
    });
    log(`received 12 × PAN-100 in one transaction; qty now ${products.get('PAN-100')!.qty}`);

    // Shipping more than we have: the constraint refuses the update, the transaction rolls
    // back, and the movement written before it disappears too.
    let rolledBack = false;
    try {
      db.transaction(() => {
        movements.insert({ id: uuidOf(2), sku: 'SAW-002', delta: -50, at });
        products.update('SAW-002', { qty: products.get('SAW-002')!.qty - 50 });
      });
    } catch (e) {
      if (!(e instanceof ModelVaultError)) throw e;
      rolledBack = true;
      log(`refused: ${e.message}`);
    }
    log(`movements after the rollback: ${movements.count()}`);

    const tools = products.query({ where: { category: 'tools' }, orderBy: 'sku' });
    log(`tools: ${tools.map((p) => `${p.sku} (${p.qty})`).join(', ')}`);
    log(`plan: ${products.explain({ where: { category: 'tools' } }).split('\n')[1]!.trim()}`);

    const sql = db.sql('SELECT sku, qty FROM products WHERE qty < ? ORDER BY qty', [10]);
    log(`sql low stock: ${sql.rows.map((r) => `${String(r.sku)}=${String(r.qty)}`).join(', ')}`);

    const plan = db.migrate(ProductV2, { from: Product, backfill: (p) => ({ ...p, reorderAt: p.category === 'tools' ? 10 : 5 }), dryRun: true });
    log(`migration plan: ${plan.change?.kind} (${plan.steps.join('; ')}), ${plan.rowsChanged} of ${plan.rowsTotal} rows change`);
    db.migrate(ProductV2, { from: Product, backfill: (p) => ({ ...p, reorderAt: p.category === 'tools' ? 10 : 5 }) });
    log(`migrated products to schema version ${db.collection('products')!.schemaVersion}`);

    db.checkpoint();
    log('checkpoint written');
    db.close();

    db = Database.open(path, fs === undefined ? {} : { fs });
    const reopened = db.collection(ProductV2);
    const all = reopened.query({ orderBy: 'sku' });
    log(`reopened: ${all.length} products, ${db.collection(Movement).count()} movement(s)`);
    for (const p of all) log(`  ${p.sku}  ${p.name.padEnd(12)} ${p.category.padEnd(8)} qty ${String(p.qty).padStart(3)}  reorder at ${p.reorderAt}`);
    const lowStock = all.filter((p) => p.qty < p.reorderAt).map((p) => p.sku);
    log(`below reorder level: ${lowStock.join(', ') || 'none'}`);
    return { products: all, movements: db.collection(Movement).count(), lowStock, rolledBack };
  } finally {
    db.close();
  }
}
