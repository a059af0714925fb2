#!/usr/bin/env node
// One measurement in a fresh process: `node --expose-gc bench/worker.mjs '<json>'` with
// { engine, workload, n, count, dir }. Setup is untimed; the timed region covers exactly
// the workload's operation. Prints one JSON line: { ms, ops, rss_mb, extra } or { na }.
// A fresh process per measurement makes maxRSS the peak of this workload alone.
import { mkdirSync } from 'node:fs';
import { loadEngine } from './engines/index.mjs';
import { GROUPS, logicalRows, onePercentRanges, sameRow, shuffledIds, warmUpRange } from './lib/workload.mjs';

const cfg = JSON.parse(process.argv[2]);
const { engine: engineName, workload, n, count, dir } = cfg;
mkdirSync(dir, { recursive: true });
const engine = await loadEngine(engineName);

// A full collection before each timed region, then a pause: V8 sweeps the heap on a
// helper thread after the collection, and on this 2-core machine that sweep, still running
// when the timing starts, stalled the measured thread (runs of the same workload were
// bimodal, e.g. ten range queries in 6.5 or 14 ms). The pause lets it finish, for every
// engine alike.
const SWEEP_SETTLE_MS = 100;
const gc = async () => {
  globalThis.gc?.();
  await new Promise((resolve) => setTimeout(resolve, SWEEP_SETTLE_MS));
};
const now = () => performance.now();
const fail = (msg) => {
  throw new Error(`${engineName}/${workload}: ${msg}`);
};

/** Opens a fresh database holding rows 0 … n-1 (untimed setup for the read workloads). */
async function loaded() {
  const h = await engine.open(dir, { fresh: true });
  await h.insertAll(h.prepare(logicalRows(n)));
  return h;
}

async function firstGetAfterReopen(h, id) {
  await h.close();
  await gc();
  const t0 = now();
  const h2 = await engine.open(dir, { fresh: false });
  const row = await h2.getOne(id);
  const ms = now() - t0;
  if (!sameRow(row, id)) fail('wrong row after reopen');
  return { ms, h: h2 };
}

async function run() {
  switch (workload) {
    case 'a': {
      const h = await engine.open(dir, { fresh: true });
      const rows = h.prepare(logicalRows(count));
      await gc();
      const t0 = now();
      await h.insertEach(rows);
      const ms = now() - t0;
      if (!sameRow(await h.getOne(count - 1), count - 1)) fail('last row missing');
      await h.close();
      return { ms, ops: count };
    }
    case 'b': {
      const h = await engine.open(dir, { fresh: true });
      const rows = h.prepare(logicalRows(n));
      await gc();
      const t0 = now();
      await h.insertAll(rows);
      const ms = now() - t0;
      if (!sameRow(await h.getOne(n >> 1), n >> 1)) fail('row missing');
      const extra = { file_bytes: await h.size() };
      await h.close();
      return { ms, ops: n, extra };
    }
    case 'c': {
      const h = await loaded();
      const ids = shuffledIds(n);
      for (const id of ids.slice(0, 100)) if (!sameRow(await h.getOne(id), id)) fail(`bad row ${id}`);
      await gc();
      const t0 = now();
      const found = await h.getMany(ids);
      const ms = now() - t0;
      if (found !== n) fail(`found ${found} of ${n}`);
      await h.close();
      return { ms, ops: n };
    }
    case 'd': {
      const h = await loaded();
      const groups = Array.from({ length: GROUPS }, (_, g) => g);
      await h.queryGroups([0]); // lets lazily built indexes (lokijs) build outside the timing
      await gc();
      const t0 = now();
      const total = await h.queryGroups(groups);
      const ms = now() - t0;
      if (total !== n) fail(`queries returned ${total} rows, expected ${n}`);
      await h.close();
      return { ms, ops: GROUPS };
    }
    case 'd_range':
    case 'd_scan': {
      // The same ten 1% selections, through the grp index (d_range) or by scanning for an
      // unindexed field (d_scan): their ratio is the index's gain on a selective range.
      const field = workload === 'd_range' ? 'grp' : 'score';
      const h = await loaded();
      if (!h.rangeRows) return { na: 'no range query' };
      const ranges = onePercentRanges(field, n);
      if (h.planOf) {
        // An engine that can say how it runs the query must run it as named.
        const p = await h.planOf(field, ranges[0].lo, ranges[0].hi);
        if (p.index !== (field === 'grp')) fail(`expected ${field === 'grp' ? 'an index range scan' : 'a full scan'}, plan: ${p.text}`);
      }
      const w = warmUpRange(field, n);
      await h.rangeRows(field, w.lo, w.hi); // lazily built indexes and JIT warm-up outside the timing
      const results = new Array(ranges.length);
      await gc();
      const t0 = now();
      for (let q = 0; q < ranges.length; q++) results[q] = await h.rangeRows(field, ranges[q].lo, ranges[q].hi);
      const ms = now() - t0;
      for (let q = 0; q < ranges.length; q++) {
        const { lo, hi, want } = ranges[q];
        if (results[q].length !== want) fail(`range ${field} [${lo}, ${hi}) returned ${results[q].length} rows, expected ${want}`);
        for (const row of results[q]) {
          const v = Number(row[field]);
          if (!(v >= lo && v < hi) || !sameRow(row, Number(row.id))) fail(`range ${field} [${lo}, ${hi}) returned a wrong row ${JSON.stringify(row, (_, x) => (typeof x === 'bigint' ? String(x) : x))}`);
        }
      }
      await h.close();
      return { ms, ops: ranges.length };
    }
    case 'e':
    case 'e_ckpt': {
      const h = await loaded();
      if (workload === 'e_ckpt') {
        if (!h.checkpoint) return { na: 'no checkpoint' };
        await h.checkpoint();
      }
      const id = shuffledIds(n)[0];
      const r = await firstGetAfterReopen(h, id);
      const extra = { file_bytes: await r.h.size() };
      await r.h.close();
      return { ms: r.ms, ops: 1, extra };
    }
    case 'f': {
      const h = await loaded();
      if (!h.checkpoint) return { na: 'no checkpoint' };
      const before = await h.size();
      await gc();
      const t0 = now();
      await h.checkpoint();
      const ms = now() - t0;
      const after = await h.size();
      await h.close();
      return { ms, ops: 1, extra: { bytes_before: before, bytes_after: after, written_bytes: after - before } };
    }
    case 'g': {
      const h = await loaded();
      if (!h.compact) return { na: 'no compaction' };
      // Every row overwritten twice, each pass one transaction.
      for (let pass = 0; pass < 2; pass++) await h.insertAll(h.prepare(logicalRows(n)));
      const before = await h.size();
      await gc();
      const t0 = now();
      await h.compact();
      const ms = now() - t0;
      const after = await h.size();
      if (!sameRow(await h.getOne(n - 1), n - 1)) fail('row missing after compaction');
      await h.close();
      return { ms, ops: 1, extra: { bytes_before: before, bytes_after: after } };
    }
    // Growth-curve steps (bench/growth.mjs).
    case 'build_log': {
      // `writes` rows in transactions of `batch`, cycling over `keys` primary keys, so the
      // log grows while the live state stays `keys` rows.
      const { writes, keys, batch } = cfg;
      const h = await engine.open(dir, { fresh: true });
      const t0 = now();
      for (let w = 0; w < writes; w += batch) await h.insertAll(h.prepare(logicalRows(Math.min(batch, writes - w), w % keys)));
      const ms = now() - t0;
      const extra = { file_bytes: await h.size() };
      await h.close();
      return { ms, ops: writes, extra };
    }
    case 'checkpoint_existing': {
      const h = await engine.open(dir, { fresh: false });
      if (!h.checkpoint) return { na: 'no checkpoint' };
      await h.checkpoint();
      const extra = { file_bytes: await h.size() };
      await h.close();
      return { ms: 0, ops: 1, extra };
    }
    case 'reopen': {
      await gc();
      const t0 = now();
      const h = await engine.open(dir, { fresh: false });
      const row = await h.getOne(cfg.probe);
      const ms = now() - t0;
      if (!sameRow(row, cfg.probe)) fail('wrong row after reopen');
      await h.close();
      return { ms, ops: 1 };
    }
    case 'insert_growth': {
      // Rows/s of each batch (one transaction) as the database grows to n rows.
      const { batch } = cfg;
      const h = await engine.open(dir, { fresh: true });
      const series = [];
      for (let at = 0; at < n; at += batch) {
        const rows = h.prepare(logicalRows(Math.min(batch, n - at), at));
        const t0 = now();
        await h.insertAll(rows);
        const ms = now() - t0;
        series.push({ rows_before: at, rows_after: at + rows.length, ms, rows_per_s: (rows.length * 1000) / ms });
      }
      await h.close();
      return { ms: series.reduce((a, x) => a + x.ms, 0), ops: n, extra: { series } };
    }
    default:
      fail('unknown workload');
  }
}

let out;
try {
  out = await run();
} catch (e) {
  if (e?.constructor?.name === 'NotImplemented') out = { na: 'not implemented yet' };
  else {
    console.error(e?.stack ?? String(e));
    process.exit(1);
  }
}
out.rss_mb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(JSON.stringify(out) + '\n');
