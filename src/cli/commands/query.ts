/**
 * `modelvault query FILE "SELECT …" [--param V]… [--json]`: runs one SELECT against a
 * read-only in-memory image of the file (never writes, takes no lock) and prints a table,
 * or `{"columns": [...], "rows": [[...], ...]}` with `--json`.
 */
import type { CliCommand } from '../command.ts';
import { EXIT_FAILURE, EXIT_OK } from '../command.ts';
import { isModelVaultError } from '../../errors.ts';
import type { Value } from '../../schema/values.ts';
import { hexOf } from '../../schema/tagged-json.ts';
import { errorJson } from './file-args.ts';
import { openForQuery, parseSqlArgs } from './sql-args.ts';

type PlainJson = null | boolean | number | string | PlainJson[] | { [k: string]: PlainJson };

/** JSON without loss: unsafe integers and non-finite floats as strings, bytes as hex. */
export function plainJson(v: Value | undefined): PlainJson {
  if (v === undefined || v === null) return null;
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Uint8Array) return hexOf(v);
  if (Array.isArray(v)) return v.map(plainJson);
  const out: { [k: string]: PlainJson } = {};
  for (const [k, x] of Object.entries(v)) Object.defineProperty(out, k, { value: plainJson(x), enumerable: true, writable: true, configurable: true });
  return out;
}

function cellText(v: Value | undefined): string {
  if (v === undefined || v === null) return 'NULL';
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Uint8Array) return `0x${hexOf(v)}`;
  return JSON.stringify(plainJson(v));
}

/** A plain text table; control characters in cells are escaped so rows stay one line. */
export function renderTable(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  const esc = (s: string) => s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  const head = columns.map(esc);
  const body = rows.map((r) => r.map(esc));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ').trimEnd();
  const sep = widths.map((w) => '-'.repeat(w)).join('-+-');
  const n = rows.length;
  return [line(head), sep, ...body.map(line), `(${n} row${n === 1 ? '' : 's'})`].join('\n') + '\n';
}

export const queryCommand: CliCommand = {
  summary: 'run one SQL SELECT (with ? parameters) and print a table or JSON; never writes',
  usage: '<file> "SELECT …" [--param VALUE]… [--param-str VALUE]… [--json]',
  run(args, io) {
    const a = parseSqlArgs(args);
    try {
      const db = openForQuery(a.file);
      try {
        const r = db.sql(a.sql, a.params);
        if (a.json) {
          const rows = r.rows.map((row) => r.columns.map((c) => plainJson(Object.hasOwn(row, c) ? row[c] : null)));
          io.stdout(`${JSON.stringify({ columns: r.columns, rows })}\n`);
        } else {
          io.stdout(renderTable(r.columns, r.rows.map((row) => r.columns.map((c) => cellText(Object.hasOwn(row, c) ? row[c] : null)))));
        }
      } finally {
        db.close();
      }
      return EXIT_OK;
    } catch (e) {
      if (isModelVaultError(e) && e.kind === 'Usage') throw e;
      if (a.json) io.stdout(errorJson(e));
      else io.stderr(`modelvault query: ${isModelVaultError(e) ? `${e.code}: ${e.message}` : String(e)}\n`);
      return EXIT_FAILURE;
    }
  },
};
