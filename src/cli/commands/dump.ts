/**
 * `modelvault dump FILE [--json] [--recovery strict|auto-truncate] [--read-only]`: the
 * logical content as the golden JSON. Never modifies the file: the image is read once and
 * opened in memory; with auto-truncate (the default, like a normal open) it shows what
 * recovery would keep. `--read-only` mirrors a read-only open (strict unless --recovery).
 */
import type { CliCommand } from '../command.ts';
import { EXIT_FAILURE, EXIT_OK } from '../command.ts';
import { Database } from '../../engine/database.ts';
import type { RecoveryMode } from '../../engine/database.ts';
import { dumpDatabase } from '../../engine/dump.ts';
import { isModelVaultError, usageError } from '../../errors.ts';
import { errorJson, parseArgs, readDatabaseFile } from './file-args.ts';
import { stringifyJson } from '../../schema/tagged-json.ts';
import type { Json } from '../../schema/tagged-json.ts';

export const dumpCommand: CliCommand = {
  summary: 'print the logical content (collections, rows, indexes) as JSON; never writes',
  usage: '<file> [--json] [--recovery strict|auto-truncate] [--read-only]',
  run(args, io) {
    const a = parseArgs(args, ['--json', '--read-only'], ['--recovery']);
    const given = a.options.get('--recovery');
    if (given !== undefined && given !== 'strict' && given !== 'auto-truncate') {
      throw usageError('InvalidOption', `--recovery must be strict or auto-truncate, not ${given}`);
    }
    const recovery: RecoveryMode = (given as RecoveryMode | undefined) ?? (a.flags.has('--read-only') ? 'strict' : 'auto-truncate');
    try {
      const db = Database.openImage(readDatabaseFile(a.file), { readOnly: true, recovery });
      try {
        io.stdout(`${stringifyJson(dumpDatabase(db) as unknown as Json)}\n`);
      } finally {
        db.close();
      }
      return EXIT_OK;
    } catch (e) {
      if (isModelVaultError(e) && e.kind === 'Usage') throw e;
      io.stdout(errorJson(e));
      return EXIT_FAILURE;
    }
  },
};
