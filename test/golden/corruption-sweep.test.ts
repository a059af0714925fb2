/**
 * Corruption sweep: every single-byte flip (xor 0xFF) of every golden file under 20 KB (reserved,
 * never-read superblock bytes sampled), plus
 * a seeded sample of single-bit flips in the large `big_index_scan`, opened from memory in
 * read-only auto-truncate and strict mode. Each open must either show exactly the expected
 * content or fail with a ModelVaultError — never another exception, never different content
 * (no invented rows, no silently lost committed rows).
 */
import { describe, expect, it } from 'vitest';
import { Database } from '../../src/engine/database.ts';
import type { RecoveryMode } from '../../src/engine/database.ts';
import { dumpDatabase } from '../../src/engine/dump.ts';
import { ModelVaultError } from '../../src/errors.ts';
import { goldenNames, loadGolden } from './golden-files.ts';

type Outcome = 'identical' | 'typed-error' | 'other';

function contentOf(bytes: Uint8Array, recovery: RecoveryMode): string {
  const db = Database.openImage(bytes, { readOnly: true, recovery });
  try {
    return JSON.stringify(dumpDatabase(db));
  } finally {
    db.close();
  }
}

function classify(bytes: Uint8Array, recovery: RecoveryMode, expected: string | null, problems: string[], where: string): Outcome {
  let content: string;
  try {
    content = contentOf(bytes, recovery);
  } catch (e) {
    if (e instanceof ModelVaultError) return 'typed-error';
    problems.push(`${where} ${recovery}: non-typed exception ${String(e)}`);
    return 'other';
  }
  if (content === expected) return 'identical';
  problems.push(`${where} ${recovery}: opened with different content`);
  return 'other';
}

/** Mulberry32: a small deterministic PRNG for the bit-flip sample. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sweep(name: string, positions: Iterable<[number, number]>) {
  const g = loadGolden(name);
  const expected = JSON.stringify(g.expected);
  const autoOk = g.json.open.auto_truncate.ok || g.isPort;
  const strictOk = g.json.open.strict.ok || g.isPort;
  // Baselines: the unflipped file behaves as the golden JSON says.
  const problems: string[] = [];
  expect(classify(g.bytes, 'auto-truncate', expected, problems, 'baseline')).toBe(autoOk ? 'identical' : 'typed-error');
  expect(classify(g.bytes, 'strict', expected, problems, 'baseline')).toBe(strictOk ? 'identical' : 'typed-error');
  const counts = { identical: 0, 'typed-error': 0, other: 0 };
  const buf = g.bytes.slice();
  let flips = 0;
  for (const [at, mask] of positions) {
    buf[at]! ^= mask;
    for (const mode of ['auto-truncate', 'strict'] as const) {
      counts[classify(buf, mode, expected, problems, `${name}@${at}^${mask.toString(16)}`)]++;
    }
    buf[at]! ^= mask;
    flips++;
  }
  return { flips, counts, problems };
}

/**
 * Bytes +52..+4095 of each superblock slot are reserved and never read (FORMAT.md §3.1); they
 * are ~8 KB of every small file, so they are sampled (every RESERVED_STRIDE-th byte) to keep
 * the sweep fast. Every other byte is flipped.
 */
const RESERVED_STRIDE = 8;
function isReservedSuperblockByte(i: number): boolean {
  return (i >= 32 + 52 && i < 32 + 4096) || (i >= 4128 + 52 && i < 4128 + 4096);
}

const small = goldenNames().filter((n) => loadGolden(n).bytes.length < 20 * 1024);

describe('corruption sweep', () => {
  const totals = { identical: 0, 'typed-error': 0, other: 0 };

  for (const name of small) {
    it(`${name}: every byte xor 0xFF`, () => {
      const size = loadGolden(name).bytes.length;
      const positions = (function* () {
        for (let i = 0; i < size; i++) if (!isReservedSuperblockByte(i) || i % RESERVED_STRIDE === 0) yield [i, 0xff] as [number, number];
      })();
      const r = sweep(name, positions);
      for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += r.counts[k];
      console.log(`${name}: ${r.flips} flips × 2 modes → ok-identical ${r.counts.identical}, typed-error ${r.counts['typed-error']}`);
      expect(r.problems.slice(0, 5)).toEqual([]);
    });
  }

  it('big_index_scan: seeded sample of single-bit flips', () => {
    const size = loadGolden('big_index_scan').bytes.length;
    const next = rng(0xc0ffee);
    const positions: [number, number][] = [];
    for (let i = 0; i < 400; i++) positions.push([Math.floor(next() * size), 1 << Math.floor(next() * 8)]);
    const r = sweep('big_index_scan', positions);
    console.log(`big_index_scan: ${r.flips} bit flips × 2 modes → ok-identical ${r.counts.identical}, typed-error ${r.counts['typed-error']}`);
    expect(r.problems.slice(0, 5)).toEqual([]);
  });

  it('summary', () => {
    console.log(`all small files: ok-identical ${totals.identical}, typed-error ${totals['typed-error']}, other ${totals.other}`);
    expect(totals.other).toBe(0);
  });
});
