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
