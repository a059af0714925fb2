// A dependency-free line chart as SVG text: numeric x (linear or log10), linear y from 0,
// one polyline + markers per series, ticks, grid, legend.

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf'];
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

/** 1, 2, 5 × 10^k steps giving about `count` ticks over [0, max]. */
function niceTicks(max, count = 5) {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const ticks = [];
  for (let v = 0; v <= max + step * 1e-9; v += step) ticks.push(v);
  if (ticks[ticks.length - 1] < max) ticks.push(ticks[ticks.length - 1] + step);
  return ticks;
}

const short = (v) => {
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e3) return `${+(v / 1e3).toPrecision(3)}k`;
  return `${+v.toPrecision(3)}`;
};

/**
 * series: [{ name, points: [[x, y], …] }]; options: { title, xLabel, yLabel, logX }.
 */
export function lineChart(series, { title, xLabel, yLabel, logX = false, width = 820, height = 440 }) {
  const m = { left: 78, right: 240, top: 48, bottom: 58 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  const fx = logX ? Math.log10 : (v) => v;
  let x0 = Math.min(...xs);
  let x1 = Math.max(...xs);
  if (!logX) x0 = 0;
  if (x0 === x1) x1 = x0 + 1;
  const yTicks = niceTicks(Math.max(...ys, 0));
  const y1 = yTicks[yTicks.length - 1] || 1;
  const X = (v) => m.left + ((fx(v) - fx(x0)) / (fx(x1) - fx(x0))) * pw;
  const Y = (v) => m.top + ph - (v / y1) * ph;
  // On a log axis the measured x values themselves are the most useful ticks.
  const xTicks = logX ? [...new Set(xs)].sort((a, b) => a - b) : niceTicks(x1);
  const o = [];
  o.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`);
  o.push(`<rect width="${width}" height="${height}" fill="#fff"/>`);
  o.push(`<text x="${m.left}" y="24" font-size="14" font-weight="600">${esc(title)}</text>`);
  for (const t of yTicks) {
    o.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${Y(t)}" y2="${Y(t)}" stroke="#e5e5e5"/>`);
    o.push(`<text x="${m.left - 8}" y="${Y(t) + 4}" text-anchor="end">${short(t)}</text>`);
  }
  for (const t of xTicks) {
    if (t < x0 || t > x1) continue;
    o.push(`<line x1="${X(t)}" x2="${X(t)}" y1="${m.top}" y2="${m.top + ph}" stroke="#f0f0f0"/>`);
    o.push(`<text x="${X(t)}" y="${m.top + ph + 18}" text-anchor="middle">${short(t)}</text>`);
  }
  o.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>`);
  o.push(`<text x="${m.left + pw / 2}" y="${height - 14}" text-anchor="middle">${esc(xLabel)}${logX ? ' (log scale)' : ''}</text>`);
  o.push(`<text transform="translate(18 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`);
  series.forEach((s, i) => {
    const c = COLORS[i % COLORS.length];
    const pts = s.points.map(([x, y]) => `${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join(' ');
    o.push(`<polyline fill="none" stroke="${c}" stroke-width="2" points="${pts}"/>`);
    for (const [x, y] of s.points) o.push(`<circle cx="${X(x).toFixed(1)}" cy="${Y(y).toFixed(1)}" r="3" fill="${c}"/>`);
    const ly = m.top + 8 + i * 20;
    o.push(`<line x1="${m.left + pw + 14}" x2="${m.left + pw + 38}" y1="${ly}" y2="${ly}" stroke="${c}" stroke-width="2"/>`);
    o.push(`<text x="${m.left + pw + 44}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  o.push('</svg>');
  return o.join('\n') + '\n';
}
