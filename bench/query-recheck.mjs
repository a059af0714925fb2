// Cost of re-checking index candidates (docs/queries.md "Re-checking"): 100,000 rows in
// memory, `grp = i % 100` under a non-unique index; 100 equality queries (all rows returned
// in total), 50 two-value `in` queries, 10 range queries returning 1% each, 10 full scans.
// Uses the BUILT package: `npm run build && node bench/query-recheck.mjs`
// (or MODELVAULT_DIST=/path/to/index.js).
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dist = process.env.MODELVAULT_DIST ?? join(fileURLToPath(new URL('..', import.meta.url)), 'dist/index.js');
const { Database } = await import(pathToFileURL(dist).href);

const db = Database.openInMemory();
db.registerCollection(
  't',
  [
    { path: ['id'], type: 'int64', constraints: [] },
    { path: ['grp'], type: 'int64', constraints: [] },
    { path: ['name'], type: 'string', constraints: [] },
  ],
  'id',
  [{ name: 'by_grp', path: ['grp'], kind: 'non_unique' }],
);
db.begin();
for (let i = 0; i < 100_000; i++) db.insert('t', { id: BigInt(i), grp: BigInt(i % 100), name: `n${i}` });
db.commit();

function time(label, fn) {
  for (let w = 0; w < 3; w++) fn();
  const samples = [];
  let rows = 0;
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    rows = fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  console.log(`${label}: median ${samples[3].toFixed(1)} ms (min ${samples[0].toFixed(1)}), ${rows} rows`);
}

const sum = (n, q) => {
  let rows = 0;
  for (let k = 0; k < n; k++) rows += db.query('t', q(k)).length;
  return rows;
};
time('100 equality queries grp = k', () => sum(100, (k) => ({ where: { grp: BigInt(k) } })));
time('50 in queries grp in (k, k+50)', () => sum(50, (k) => ({ where: { in: { path: 'grp', values: [BigInt(k), BigInt(k + 50)] } } })));
time('10 range queries grp < 1', () => sum(10, () => ({ where: { lt: { path: 'grp', value: 1n } } })));
time('10 full scans name = n5', () => sum(10, () => ({ where: { name: 'n5' } })));
db.close();
