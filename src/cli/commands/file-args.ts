/**
 * Shared plumbing of the file-inspecting commands (dump, inspect, verify): argument parsing
 * and a raw, lock-free, read-only load of the database image. These commands never write,
 * never take the writer lock and never create the sidecar lock file.
 */
import { isModelVaultError, usageError } from '../../errors.ts';
import type { ModelVaultError } from '../../errors.ts';
import { readImage } from '../../engine/database.ts';
import { defaultFs } from '../../fs/default.ts';
import { FileStore } from '../../storage/file-store.ts';

export interface ParsedArgs {
  file: string;
  flags: Set<string>;
  options: Map<string, string>;
}

/** `<file>` plus `--flag` and `--option value` arguments from the allowed sets. */
export function parseArgs(args: string[], flags: readonly string[], options: readonly string[]): ParsedArgs {
  let file: string | undefined;
  const f = new Set<string>();
  const o = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (flags.includes(a)) f.add(a);
    else if (options.includes(a)) {
      const v = args[++i];
      if (v === undefined) throw usageError('MissingValue', `${a} needs a value`);
      o.set(a, v);
    } else if (a.startsWith('--')) throw usageError('UnknownOption', `unknown option ${a}`);
    else if (file === undefined) file = a;
    else throw usageError('UnexpectedArgument', `unexpected argument ${a}`);
  }
  if (file === undefined) throw usageError('MissingFile', 'missing database file argument');
  return { file, flags: f, options: o };
}

/** The whole file, read without locks and without write access. */
export function readDatabaseFile(path: string): Uint8Array {
  const store = FileStore.open(defaultFs(), path, 'read');
  try {
    return readImage(store);
  } finally {
    store.close();
  }
}

export function errorJson(e: unknown): string {
  const err = isModelVaultError(e)
    ? e
    : ({ kind: 'Internal', code: 'Internal.Unexpected', message: String(e), details: {} } as unknown as ModelVaultError);
  const out: Record<string, unknown> = { ok: false, error_kind: err.kind, code: err.code, message: err.message };
  const offset = err.details?.offset;
  if (offset !== undefined) out.offset = typeof offset === 'bigint' ? Number(offset) : offset;
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** `12345` or `12345 (0x3039)` style offsets in text output. */
export function offsetText(e: unknown): string {
  const o = isModelVaultError(e) ? e.details.offset : undefined;
  return o === undefined ? '' : ` at offset ${String(o)}`;
}
