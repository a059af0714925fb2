/** Access to the Rust engine's golden files (set A) for read-path tests. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const GOLDEN_DIR = '/work/shared/golden';

export interface GoldenOpenOutcome {
  ok: boolean;
  file_size_after_open?: number;
  truncated_bytes?: number;
  error_kind?: string;
  error_debug?: string;
}

export interface GoldenScenario {
  name: string;
  bytes: Uint8Array;
  json: {
    open: { auto_truncate: GoldenOpenOutcome; strict: GoldenOpenOutcome; read_only: GoldenOpenOutcome };
    expected: unknown;
    expected_port?: unknown;
    layout: Record<string, unknown>;
  };
  /** What this port must show: `expected_port` where present, else `expected`. */
  expected: unknown;
  isPort: boolean;
}

export function goldenNames(): string[] {
  return readdirSync(GOLDEN_DIR)
    .filter((f) => f.endsWith('.typra'))
    .map((f) => f.slice(0, -'.typra'.length))
    .sort();
}

export function loadGolden(name: string): GoldenScenario {
  const bytes = new Uint8Array(readFileSync(join(GOLDEN_DIR, `${name}.typra`)));
  const json = JSON.parse(readFileSync(join(GOLDEN_DIR, `${name}.json`), 'utf8'));
  const isPort = json.expected_port !== undefined;
  return { name, bytes, json, expected: isPort ? json.expected_port : json.expected, isPort };
}

/**
 * Our code and details for a Rust `error_debug`, e.g.
 * `Format(UncleanLogTail { safe_end: 9549, reason: "torn_tail" })` →
 * `{ code: 'Format.UncleanLogTail', details: { safeEnd: 9549, reason: 'torn_tail' } }`.
 */
export function mapRustError(debug: string): { code: string; details: Record<string, unknown> } {
  const m = /^(\w+)\((\w+)(?: \{ (.*) \})?\)$/.exec(debug);
  if (m === null) throw new Error(`unparsed error_debug ${debug}`);
  const details: Record<string, unknown> = {};
  for (const part of (m[3] ?? '').split(', ').filter(Boolean)) {
    const [k, v] = part.split(': ') as [string, string];
    const key = k === 'safe_end' ? 'safeEnd' : k;
    details[key] = v.startsWith('"') ? JSON.parse(v) : Number(v);
  }
  return { code: `${m[1]}.${m[2]}`, details };
}
