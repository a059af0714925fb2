/**
 * Arguments of the SQL commands (`query`, `explain`): `FILE "SELECT …"`, repeated
 * `--param VALUE` (integers become int64/uint64 values, decimals float64, true/false bools,
 * anything else a string) or `--param-str VALUE` (always a string), and `--json`.
 * The database is opened from a raw read of the file — no lock, never written.
 */
import { usageError } from '../../errors.ts';
import { Database } from '../../engine/database.ts';
import { readDatabaseFile } from './file-args.ts';

export interface SqlArgs {
  file: string;
  sql: string;
  params: unknown[];
  json: boolean;
}

/** Most `--param` arguments accepted (the SQL layer has its own, larger bound). */
const MAX_CLI_PARAMS = 10_000;

export function paramFromText(text: string): unknown {
  if (/^-?[0-9]+$/.test(text)) return BigInt(text);
  if (/^-?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$|^-?[0-9]+[eE][-+]?[0-9]+$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  return text;
}

export function parseSqlArgs(args: string[]): SqlArgs {
  const positional: string[] = [];
  const params: unknown[] = [];
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--json') json = true;
    else if (a === '--param' || a === '--param-str') {
      const v = args[++i];
      if (v === undefined) throw usageError('MissingValue', `${a} needs a value`);
      if (params.length >= MAX_CLI_PARAMS) throw usageError('TooManyArguments', `at most ${MAX_CLI_PARAMS} parameters`);
      params.push(a === '--param' ? paramFromText(v) : v);
    } else if (a.startsWith('--')) throw usageError('UnknownOption', `unknown option ${a}`);
    else positional.push(a);
  }
  if (positional.length === 0) throw usageError('MissingFile', 'missing database file argument');
  if (positional.length === 1) throw usageError('MissingArgument', 'missing SQL text argument');
  if (positional.length > 2) throw usageError('UnexpectedArgument', `unexpected argument ${positional[2]}`);
  return { file: positional[0]!, sql: positional[1]!, params, json };
}

export function openForQuery(file: string): Database {
  return Database.openImage(readDatabaseFile(file), { readOnly: true, recovery: 'auto-truncate' });
}
