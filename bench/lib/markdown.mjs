// Markdown tables for docs/bench/latest.md from a run.mjs result document.
import { fmt, ratio } from './stats.mjs';
import { WORKLOADS } from './workloads.mjs';
import { verdicts } from './targets.mjs';

const cellOf = (r, value) => {
  if (!r) return '';
  if (r.error) return 'error';
  if (r.na) return r.na === 'not implemented yet' ? 'n/a (not implemented yet)' : `— (${r.na})`;
  return value(r);
};

export function markdown(doc) {
  const engines = [...new Set(doc.results.map((r) => r.engine))];
  const ws = [...new Set(doc.results.map((r) => r.workload))];
  const get = (w, e) => doc.results.find((r) => r.workload === w && r.engine === e);
  const m = doc.machine;
  const out = [];
  if (doc.mode === 'quick') {
    out.push(`> **Quick-mode smoke run** (N = ${doc.n.toLocaleString('en-US')}): it shows the harness works and roughly where modelvault stands; it is not the published full run (\`npm run bench\`), and absolute times are not comparable with the Rust figures.`);
    out.push('');
  }
  if (m.load_avg_at_start[0] > m.cores / 2) {
    out.push(`> **Busy machine:** the 1-minute load average was ${m.load_avg_at_start[0]} on ${m.cores} cores when this run started, so these figures are noisy; re-run on an idle machine before quoting them.`);
    out.push('');
  }
  out.push(`Measured ${m.date} — ${doc.mode} mode, N = ${doc.n.toLocaleString('en-US')}, median of ${doc.runs} runs, each in its own process.`);
  out.push(`Machine: ${m.cpu}, ${m.cores} cores, ${m.memory_gb} GB RAM, ${m.os}, Node ${m.node}, data on ${m.data_fs}; load average at start ${m.load_avg_at_start.join(' / ')}.`);
  out.push(`Autocommit rows per engine: ${Object.entries(doc.autocommit_rows).map(([e, n]) => `${e} ${n}`).join(', ')}.`);
  out.push('');
  const head = (title) => {
    out.push(`| ${title} | ${engines.join(' | ')} |`);
    out.push(`|---|${engines.map(() => '---:').join('|')}|`);
  };
  const name = (w) => `(${w}) ${WORKLOADS.find((x) => x.id === w).label}`;
  out.push('**Time** — median ms; in brackets peer/modelvault time per operation (> 1: modelvault faster)');
  out.push('');
  head('workload');
  for (const w of ws) {
    out.push(`| ${name(w)} | ${engines.map((e) => cellOf(get(w, e), (r) => `${fmt(r.median_ms)}${r.ratio_time ? ` (${ratio(r.ratio_time)})` : ''}`)).join(' | ')} |`);
  }
  out.push('');
  out.push('**Throughput** — operations per second');
  out.push('');
  head('workload');
  for (const w of ws.filter((w) => WORKLOADS.find((x) => x.id === w).unit)) {
    out.push(`| ${name(w)} | ${engines.map((e) => cellOf(get(w, e), (r) => fmt(r.ops_per_s))).join(' | ')} |`);
  }
  if (ws.includes('d_range') && ws.includes('d_scan')) {
    // The same ten 1% selections with and without an index, per engine.
    out.push('');
    out.push('**Range index gain** — (d_scan) median ÷ (d_range) median: how much faster each engine answers the same 1% ranges through its index than by scanning');
    out.push('');
    head('');
    const gain = (e) => (r) => {
      const s = get('d_scan', e);
      return s?.median_ms !== undefined ? `${(s.median_ms / r.median_ms).toFixed(1)}×` : '—';
    };
    out.push(`| d_scan ÷ d_range | ${engines.map((e) => cellOf(get('d_range', e), gain(e))).join(' | ')} |`);
  }
  out.push('');
  out.push('**Peak RSS** — MB, whole process (setup included); in brackets peer/modelvault');
  out.push('');
  head('workload');
  for (const w of ws) {
    out.push(`| ${name(w)} | ${engines.map((e) => cellOf(get(w, e), (r) => `${fmt(r.rss_mb)}${r.ratio_rss ? ` (${ratio(r.ratio_rss)})` : ''}`)).join(' | ')} |`);
  }
  const v = verdicts(doc);
  if (v.length > 0) {
    out.push('');
    out.push('**Targets** (from the benchmark issue; Rust = the reference engine on the same workload)');
    out.push('');
    out.push('| target | Rust engine | modelvault measured | verdict |');
    out.push('|---|---:|---:|---|');
    for (const r of v) out.push(`| ${r.target} | ${r.rust} | ${r.measured} | ${r.verdict} |`);
  }
  if (doc.micro?.crc32c) {
    out.push('');
    out.push('**CRC-32C** (GB/s, median; `npm run bench:crc`)');
    out.push('');
    const rs = doc.micro.crc32c.results;
    const names = Object.keys(rs[0].impls);
    out.push(`| size | ${names.join(' | ')} |`);
    out.push(`|---|${names.map(() => '---:').join('|')}|`);
    const size = (n) => (n >= 1 << 20 ? `${n >> 20} MiB` : n >= 1024 ? `${n >> 10} KiB` : `${n} B`);
    for (const r of rs) out.push(`| ${size(r.bytes)} | ${names.map((k) => r.impls[k].gbPerSec.toFixed(2)).join(' | ')} |`);
  }
  if (doc.micro?.checkpoint_encoder) {
    const c = doc.micro.checkpoint_encoder;
    out.push('');
    out.push(`**Checkpoint payload encoder** (${c.rows.toLocaleString('en-US')} records, ${(c.payload_bytes / 2 ** 20).toFixed(1)} MB payload, median of ${c.runs})`);
    out.push('');
    out.push('| encoder | ms | MB/s |');
    out.push('|---|---:|---:|');
    for (const [k, r] of Object.entries(c.results)) out.push(`| ${k} | ${r.median_ms.toFixed(2)} | ${r.mb_per_s.toFixed(0)} |`);
  }
  const f = doc.results.find((r) => r.workload === 'f' && r.engine === 'modelvault' && r.median_ms !== undefined);
  if (f?.extra?.written_bytes) {
    out.push('');
    out.push(`End-to-end checkpoint (f) wrote ${(f.extra.written_bytes / 2 ** 20).toFixed(1)} MB in ${f.median_ms.toFixed(1)} ms = ${(f.extra.written_bytes / 2 ** 20 / (f.median_ms / 1000)).toFixed(0)} MB/s (image build + encode + write + fsync).`);
  }
  const g = ws.includes('g');
  if (g) {
    out.push('');
    out.push('**File size** — (g) before → after compaction, MB');
    out.push('');
    head('');
    out.push(`| (g) | ${engines.map((e) => cellOf(get('g', e), (r) => `${fmt(r.extra.bytes_before / 2 ** 20)} → ${fmt(r.extra.bytes_after / 2 ** 20)}`)).join(' | ')} |`);
  }
  return out.join('\n') + '\n';
}
