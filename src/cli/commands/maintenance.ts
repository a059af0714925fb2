/**
 * `modelvault checkpoint FILE`, `compact FILE [--to DEST]`, `export FILE DEST`,
 * `restore SNAPSHOT DEST`: the maintenance operations through the public API, each taking
 * the writer lock like any writer (restore takes DEST's), with a one-line summary (bytes
 * before/after, time). On a terminal, operations on large files show a status line while
 * they run (the operations are synchronous, so it marks start and end, not a percentage).
 */
import type { CliCommand, CliIo } from '../command.ts';
import { EXIT_OK } from '../command.ts';
import { Database } from '../../engine/database.ts';
import { usageError } from '../../errors.ts';
import type { EventListener, MaintenanceEvent } from '../../maintenance/events.ts';

const LARGE = 16 * 1024 * 1024;

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

function isTty(): boolean {
  const p = (globalThis as { process?: { stderr?: { isTTY?: boolean } } }).process;
  return p?.stderr?.isTTY === true;
}

/** A status line on a TTY for large inputs; nothing otherwise. */
function progress(io: CliIo, what: string, size: number): EventListener | undefined {
  if (!isTty() || size < LARGE) return undefined;
  return (e: MaintenanceEvent) => {
    if (e.phase === 'start') io.stderr(`${what} ${formatBytes(size)} [${'.'.repeat(20)}]\r`);
    else io.stderr(`${what} ${formatBytes(size)} [${(e.phase === 'success' ? '#' : '!').repeat(20)}]\n`);
  };
}

function positional(args: string[], count: number, options: readonly string[] = []): { pos: string[]; opts: Map<string, string> } {
  const pos: string[] = [];
  const opts = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (options.includes(a)) {
      const v = args[++i];
      if (v === undefined) throw usageError('MissingValue', `${a} needs a value`);
      opts.set(a, v);
    } else if (a.startsWith('--')) throw usageError('UnknownOption', `unknown option ${a}`);
    else pos.push(a);
  }
  if (pos.length !== count) {
    throw usageError(pos.length < count ? 'MissingFile' : 'UnexpectedArgument', `expected ${count} path argument(s), got ${pos.length}`);
  }
  return { pos, opts };
}

const ms = (t0: number) => `${Math.round(performance.now() - t0)} ms`;

function withWriter<T>(file: string, fn: (db: Database) => T): T {
  const db = Database.open(file, { readOnly: false });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}


export const checkpointCommand: CliCommand = {
  summary: 'write a checkpoint so later opens replay only the log after it',
  usage: '<file>',
  run(args, io) {
    const { pos } = positional(args, 1);
    const file = pos[0]!;
    const t0 = performance.now();
    const r = withWriter(file, (db) => db.checkpoint({ onEvent: progress(io, 'checkpoint', db.store.length()) }));
    io.stdout(
      `checkpoint ${file}: ${r.rows} rows, ${formatBytes(r.payloadLength)} at offset ${r.offset}; ` +
        `${formatBytes(r.bytesBefore)} -> ${formatBytes(r.bytesAfter)}, ${ms(t0)}\n`,
    );
    return EXIT_OK;
  },
};

export const compactCommand: CliCommand = {
  summary: 'rewrite a database as its current state only (in place, or --to DEST)',
  usage: '<file> [--to <dest>]',
  run(args, io) {
    const { pos, opts } = positional(args, 1, ['--to']);
    const file = pos[0]!;
    const dest = opts.get('--to');
    const t0 = performance.now();
    const r = withWriter(file, (db) => {
      const onEvent = progress(io, 'compact', db.store.length());
      return dest === undefined ? db.compactInPlace({ onEvent }) : db.compactTo(dest, { onEvent });
    });
    const saved = r.bytesBefore > 0 ? Math.round((100 * (r.bytesBefore - r.bytesAfter)) / r.bytesBefore) : 0;
    io.stdout(
      `compact ${file}${dest === undefined ? '' : ` -> ${dest}`}: ${formatBytes(r.bytesBefore)} -> ` +
        `${formatBytes(r.bytesAfter)} (${saved}% smaller), ${ms(t0)}\n`,
    );
    return EXIT_OK;
  },
};

export const exportCommand: CliCommand = {
  summary: 'checkpoint, then write a consistent snapshot copy to DEST',
  usage: '<file> <dest>',
  run(args, io) {
    const { pos } = positional(args, 2);
    const [file, dest] = pos as [string, string];
    const t0 = performance.now();
    let before = 0;
    const bytes = withWriter(file, (db) => {
      before = db.store.length();
      return db.exportSnapshotTo(dest, { onEvent: progress(io, 'export', before) });
    });
    io.stdout(`export ${file} -> ${dest}: ${formatBytes(before)} -> ${formatBytes(bytes)}, ${ms(t0)}\n`);
    return EXIT_OK;
  },
};

export const restoreCommand: CliCommand = {
  summary: 'validate SNAPSHOT, then atomically replace DEST with it',
  usage: '<snapshot> <dest>',
  run(args, io) {
    const { pos } = positional(args, 2);
    const [snapshot, dest] = pos as [string, string];
    const t0 = performance.now();
    const r = Database.restoreSnapshotTo(snapshot, dest);
    io.stdout(`restore ${snapshot} -> ${dest}: ${formatBytes(r.bytes)}, ${r.rows} rows, ${ms(t0)}\n`);
    return EXIT_OK;
  },
};


