/**
 * `modelvault explain FILE "SELECT …" [--param V]…`: the plan the query would run with,
 * in the reference's text format (see docs/queries.md). Parameters matter: index choice
 * uses exact candidate counts for the given values.
 */
import type { CliCommand } from '../command.ts';
import { EXIT_FAILURE, EXIT_OK } from '../command.ts';
import { isModelVaultError } from '../../errors.ts';
import { errorJson } from './file-args.ts';
import { openForQuery, parseSqlArgs } from './sql-args.ts';

export const explainCommand: CliCommand = {
  summary: 'print the plan of one SQL SELECT (index lookup / range scan / collection scan); never writes',
  usage: '<file> "SELECT …" [--param VALUE]… [--param-str VALUE]… [--json]',
  run(args, io) {
    const a = parseSqlArgs(args);
    try {
      const db = openForQuery(a.file);
      try {
        const text = db.explainSql(a.sql, a.params);
        io.stdout(a.json ? `${JSON.stringify({ plan: text })}\n` : text);
      } finally {
        db.close();
      }
      return EXIT_OK;
    } catch (e) {
      if (isModelVaultError(e) && e.kind === 'Usage') throw e;
      if (a.json) io.stdout(errorJson(e));
      else io.stderr(`modelvault explain: ${isModelVaultError(e) ? `${e.code}: ${e.message}` : String(e)}\n`);
      return EXIT_FAILURE;
    }
  },
};
