// The standard workload of the benchmark issue: row shape, counts and the seeded get order.
// Every engine gets the same logical rows; adapters convert them to their native form
// before the timed region starts.

/** Logical row i of the standard workload (ids are plain numbers here; adapters convert). */
export function logicalRow(i) {
  return {
    id: i,
    name: 'user-' + String(i).padStart(11, '0'),
    score: i * 0.5,
    active: i % 2 === 0,
    tags: ['t' + (i % 7), 't' + (i % 11), 't' + (i % 13)],
    grp: i % 100,
  };
}

/** Rows with ids [from, from + n), each one a fresh object. */
export function logicalRows(n, from = 0) {
  const out = new Array(n);
  for (let k = 0; k < n; k++) out[k] = logicalRow(from + k);
  return out;
}

/**
 * xorshift32: tiny, seedable and identical on every run, so every engine reads the keys in
 * the same "random" order.
 */
export function prng(seed) {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x1_0000_0000;
  };
}

/** 0 … n-1 in a seeded Fisher–Yates order. */
export function shuffledIds(n, seed = 20260101) {
  const ids = new Array(n);
  for (let i = 0; i < n; i++) ids[i] = i;
  const rnd = prng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const t = ids[i];
    ids[i] = ids[j];
    ids[j] = t;
  }
  return ids;
}

export const GROUPS = 100;

/** The comparable logical form of a row an engine returned (for result checks, not timed). */
export function sameRow(row, i) {
  const want = logicalRow(i);
  if (row === null || row === undefined) return false;
  return (
    Number(row.id) === want.id &&
    row.name === want.name &&
    row.score === want.score &&
    row.active === want.active &&
    Number(row.grp) === want.grp &&
    Array.isArray(row.tags) &&
    row.tags.join(',') === want.tags.join(',')
  );
}

/** Queries per range workload (d_range, d_scan). */
export const RANGE_QUERIES = 10;

/**
 * The ten 1% selections of d_range and d_scan, as half-open ranges `lo <= v < hi` on one
 * field, with the exact number of rows each must return. d_range ranges over the indexed
 * `grp` (grp = i % 100, so [k, k+1) is 1% of the rows, spread over the whole key space);
 * d_scan ranges over the unindexed `score` (score = i × 0.5, so [k·s·0.5, (k+1)·s·0.5) is
 * the 1% block of ids [k·s, (k+1)·s), s = ⌊n/100⌋), which every engine must scan for.
 * Ten different ranges (k = 0, 10, …, 90) so no engine answers from a result it kept.
 */
export function onePercentRanges(field, n) {
  const out = [];
  for (let q = 0; q < RANGE_QUERIES; q++) {
    const k = q * 10;
    if (field === 'grp') {
      // Rows with i % 100 === k among 0 … n-1.
      out.push({ lo: k, hi: k + 1, want: k < n ? Math.floor((n - 1 - k) / GROUPS) + 1 : 0 });
    } else if (field === 'score') {
      const s = Math.floor(n / GROUPS);
      out.push({ lo: k * s * 0.5, hi: (k + 1) * s * 0.5, want: s });
    } else throw new Error(`no ranges for field ${field}`);
  }
  return out;
}

/** A range of the same shape outside the timed set, for the untimed warm-up query. */
export function warmUpRange(field, n) {
  return field === 'grp' ? { lo: 5, hi: 6 } : { lo: 5 * Math.floor(n / GROUPS) * 0.5, hi: 6 * Math.floor(n / GROUPS) * 0.5 };
}
