// Small numeric helpers shared by the runner and the growth script.

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Human-friendly fixed-width-ish number: 3 significant digits, thousands separators. */
export function fmt(x) {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  if (x >= 100) return Math.round(x).toLocaleString('en-US');
  if (x >= 10) return x.toFixed(1);
  if (x >= 1) return x.toFixed(2);
  return x.toPrecision(3);
}

export function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (i < 2 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** A ratio with two decimals, or two significant digits below 0.1 (so 0.0018× is not "0.00×"). */
export const ratio = (r) => (r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)) + '×';
