/**
 * `modelvault demo FILE`: runs the inventory example (examples/inventory.ts) on a database
 * file it creates — what `npm run demo` shows a new user. A FILE left by an earlier demo run
 * (holding only the demo's collections) is replaced; any other existing file is refused, so
 * the demo can never overwrite real data.
 */
import type { CliCommand } from '../command.ts';
import { EXIT_OK } from '../command.ts';
import { Database } from '../../engine/database.ts';
import { usageError } from '../../errors.ts';
import { defaultFs } from '../../fs/default.ts';
import type { FsOps } from '../../fs/types.ts';
import { Movement, Product, runInventoryDemo } from '../../../examples/inventory.ts';
import { parseArgs } from './file-args.ts';

const DEMO_COLLECTIONS = new Set<string>([Product.name, Movement.name]);

/** Removes `path` if it is an earlier demo's database; refuses anything else. */
function clearPreviousDemo(fs: FsOps, path: string): void {
  if (!fs.exists(path)) return;
  let names: string[];
  try {
    const db = Database.open(path, { fs, readOnly: true, recovery: 'auto-truncate' });
    try {
      names = db.collections().map((c) => c.name);
    } finally {
      db.close();
    }
  } catch {
    names = ['(unreadable)'];
  }
  if (!names.every((n) => DEMO_COLLECTIONS.has(n))) {
    throw usageError('FileExists', `${path} exists and is not a demo database (collections: ${names.join(', ')}); choose a new file name`, { path });
  }
  fs.remove(path);
}

export const demoCommand: CliCommand = {
  summary: 'run the inventory demo (models, writes, a transaction, queries, SQL, a migration, a checkpoint) on a new file',
  usage: '<file>',
  run(args, io) {
    const { file } = parseArgs(args, [], []);
    const fs = defaultFs();
    clearPreviousDemo(fs, file);
    const summary = runInventoryDemo(file, (line) => io.stdout(`${line}\n`), fs);
    io.stdout(`done: ${summary.products.length} products in ${file}\n`);
    return EXIT_OK;
  },
};
