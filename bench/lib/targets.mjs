// The targets, the Rust engine's figures on the same workload, and a verdict per
// target computed from a run.mjs result document.
import { fmt } from './stats.mjs';

/** Rust reference engine, same workload (from the benchmark issue). */
export const RUST = {
  a: { ops_per_s: 3500 },
  b: { median_ms: 724 },
  c: { ops_per_s: 876_000 },
  d: { median_ms: 110 },
  e: { median_ms: 666 },
  e_ckpt: { median_ms: 423 },
  f: { median_ms: 203 },
  g: { median_ms: 681 },
};

const PEERS = ['sqlite', 'sqlite-wal', 'lmdb', 'nedb', 'lokijs'];
const pct = (x) => `${(x * 100).toFixed(0)}%`;

/** Rows of { target, rust, measured, verdict } (strings) for the docs. */
export function verdicts(doc) {
  const get = (w, e) => doc.results.find((r) => r.workload === w && r.engine === e);
  const ok = (r) => r && r.median_ms !== undefined;
  const perOp = (r) => r.median_ms / r.ops;
  const rows = [];
  // The Rust figures are for N = 100,000; a quick run's absolute times cannot be compared.
  const comparable = doc.n === 100_000;
  const rustVerdict = (ratio) => (!comparable ? 'not comparable (N ≠ 100,000)' : ratio >= 1 ? 'met' : null);
  const mvOrNa = (w) => {
    const r = get(w, 'modelvault');
    if (!r) return null;
    if (!ok(r)) return { missing: r.na ?? r.error ?? 'no result' };
    return r;
  };

  // (a) durable autocommit ≥ 2× better-sqlite3 default journal, and ≥ Rust.
  {
    const mv = mvOrNa('a');
    const sq = get('a', 'sqlite');
    if (mv && !mv.missing && ok(sq)) {
      const need = 2 * sq.ops_per_s;
      rows.push({
        target: '(a) durable autocommit ≥ 2× better-sqlite3 default journal',
        rust: `${RUST.a.ops_per_s.toLocaleString('en-US')} rows/s`,
        measured: `${Math.round(mv.ops_per_s).toLocaleString('en-US')} rows/s vs sqlite ${Math.round(sq.ops_per_s).toLocaleString('en-US')} rows/s`,
        verdict: mv.ops_per_s >= need ? 'met' : `missed: ${(mv.ops_per_s / sq.ops_per_s).toFixed(2)}× sqlite, needs 2× (${pct(1 - mv.ops_per_s / need)} short)`,
      });
      rows.push({
        target: '(a) durable autocommit ≥ Rust engine',
        rust: `${RUST.a.ops_per_s.toLocaleString('en-US')} rows/s`,
        measured: `${Math.round(mv.ops_per_s).toLocaleString('en-US')} rows/s`,
        verdict: mv.ops_per_s >= RUST.a.ops_per_s ? 'met' : `missed by ${pct(1 - mv.ops_per_s / RUST.a.ops_per_s)}`,
        // Per-row autocommit cost does not depend on N, so (a) compares in quick mode too.
      });
    } else if (mv?.missing) rows.push({ target: '(a) durable autocommit', rust: '3,500 rows/s', measured: mv.missing, verdict: 'not measured' });
  }

  // (b)–(e): ≥ Rust and ≥ every peer.
  for (const w of ['b', 'c', 'd', 'e', 'e_ckpt']) {
    const mv = mvOrNa(w);
    if (!mv) continue;
    const label = { b: '(b) one transaction', c: '(c) gets by PK', d: '(d) 100 index queries', e: '(e) reopen + first get', e_ckpt: '(e) reopen + first get after checkpoint' }[w];
    const rust = RUST[w];
    const rustText = rust.ops_per_s ? `${rust.ops_per_s.toLocaleString('en-US')}/s` : `${rust.median_ms} ms`;
    if (mv.missing) {
      rows.push({ target: `${label} ≥ Rust and every peer`, rust: rustText, measured: mv.missing, verdict: 'not measured' });
      continue;
    }
    // Compare by time per operation (N may differ from the Rust run's N in quick mode).
    const mvText = rust.ops_per_s ? `${Math.round(mv.ops_per_s).toLocaleString('en-US')}/s` : `${mv.median_ms.toFixed(1)} ms`;
    const rustRatio = rust.ops_per_s ? mv.ops_per_s / rust.ops_per_s : rust.median_ms / mv.median_ms;
    const peers = PEERS.map((e) => get(w, e)).filter(ok);
    const best = peers.reduce((b, r) => (b === null || perOp(r) < perOp(b) ? r : b), null);
    const vsRust = !comparable ? 'Rust: not comparable (N ≠ 100,000)' : rustRatio >= 1 ? 'Rust: met' : `Rust: missed, ${rustRatio.toFixed(2)}× its speed`;
    const vsPeers =
      best === null ? 'no peer figure' : perOp(best) >= perOp(mv) ? 'peers: met' : `peers: missed, ${best.engine} is ${(perOp(mv) / perOp(best)).toFixed(2)}× faster`;
    rows.push({ target: `${label} ≥ Rust and every peer`, rust: rustText, measured: mvText, verdict: `${vsRust}; ${vsPeers}` });
  }

  // (d) range query through the index ≥ 20× faster than a full scan for the same 1% of
  // rows: modelvault's d_scan / d_range medians (both run the same ten ranges). The issue
  // states it for N = 100,000; at a smaller N fixed costs weigh more, so the ratio is shown
  // but flagged.
  {
    const range = mvOrNa('d_range');
    const scan = mvOrNa('d_scan');
    if (range && scan) {
      const target = '(d) range query returning 1% ≥ 20× faster than a full scan';
      const missing = range.missing ?? scan.missing;
      if (missing) rows.push({ target, rust: '—', measured: missing, verdict: 'not measured' });
      else {
        const x = scan.median_ms / range.median_ms;
        const note = comparable ? '' : ` (N = ${doc.n.toLocaleString('en-US')}; the target is for N = 100,000)`;
        rows.push({
          target,
          rust: '—',
          measured: `scan ${fmt(scan.median_ms)} ms / range ${fmt(range.median_ms)} ms = ${x.toFixed(1)}×`,
          verdict: (x >= 20 ? `met: ${x.toFixed(1)}×` : `missed: ${x.toFixed(1)}×, needs 20×`) + note,
        });
      }
    }
  }

  // (f), (g): Rust figures (no peer target).
  for (const w of ['f', 'g']) {
    const mv = mvOrNa(w);
    if (!mv) continue;
    const label = w === 'f' ? '(f) checkpoint' : '(g) compaction';
    if (mv.missing) {
      rows.push({ target: `${label} vs Rust`, rust: `${RUST[w].median_ms} ms`, measured: mv.missing, verdict: 'not measured' });
      continue;
    }
    const r = RUST[w].median_ms / mv.median_ms;
    rows.push({ target: `${label} vs Rust`, rust: `${RUST[w].median_ms} ms`, measured: `${mv.median_ms.toFixed(1)} ms`, verdict: rustVerdict(r) ?? `missed, ${r.toFixed(2)}× its speed` });
  }

  // Peak RSS ≤ better-sqlite3's, per workload.
  const over = [];
  let compared = 0;
  for (const w of [...new Set(doc.results.map((r) => r.workload))]) {
    const mv = get(w, 'modelvault');
    const sq = get(w, 'sqlite');
    if (!ok(mv) || !ok(sq)) continue;
    compared++;
    if (mv.rss_mb > sq.rss_mb) over.push(`${w} +${pct(mv.rss_mb / sq.rss_mb - 1)}`);
  }
  if (compared > 0) {
    rows.push({
      target: 'peak RSS ≤ better-sqlite3 (each workload)',
      rust: '—',
      measured: over.length === 0 ? `≤ sqlite in all ${compared}` : `above sqlite in ${over.length} of ${compared}`,
      verdict: over.length === 0 ? 'met' : `missed: ${over.join(', ')}`,
    });
  }
  return rows;
}
