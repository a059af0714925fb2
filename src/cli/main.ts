/**
 * `modelvault <command> [args]`: a dispatch table over `src/cli/commands/`.
 * Add a command by importing its module and adding one line to `commands`.
 */
import type { CliCommand, CliIo } from './command.ts';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './command.ts';
import { isModelVaultError } from '../errors.ts';
import { versionCommand } from './commands/version.ts';
import { dumpCommand } from './commands/dump.ts';
import { inspectCommand } from './commands/inspect.ts';
import { verifyCommand } from './commands/verify.ts';
import { demoCommand } from './commands/demo.ts';
import { migrateCommand } from './commands/migrate.ts';
import { queryCommand } from './commands/query.ts';
import { explainCommand } from './commands/explain.ts';
import { checkpointCommand, compactCommand, exportCommand, restoreCommand } from './commands/maintenance.ts';

const commands: Record<string, CliCommand> = {
  version: versionCommand,
  dump: dumpCommand,
  inspect: inspectCommand,
  verify: verifyCommand,
  demo: demoCommand,
  migrate: migrateCommand,
  query: queryCommand,
  explain: explainCommand,
  checkpoint: checkpointCommand,
  compact: compactCommand,
  export: exportCommand,
  restore: restoreCommand,
};

function helpText(): string {
  const names = Object.keys(commands).sort();
  const width = Math.max(...names.map((n) => n.length));
  const lines = [
    'usage: modelvault <command> [args]',
    '',
    'commands:',
    ...names.map((n) => `  ${n.padEnd(width)}  ${commands[n]!.summary}`),
    '',
    'options:',
    '  --help, -h     show this help (or `modelvault <command> --help`)',
    '  --version, -V  print the version',
    '',
  ];
  return lines.join('\n');
}

function commandUsage(name: string, cmd: CliCommand): string {
  return `usage: modelvault ${name}${cmd.usage ? ` ${cmd.usage}` : ''}\n${cmd.summary}\n`;
}

/** Runs one CLI invocation in-process; returns the exit code (0 ok, 1 failure, 2 usage). */
export function runCli(argv: string[], io: CliIo): number {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr(helpText());
    return EXIT_USAGE;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    io.stdout(helpText());
    return EXIT_OK;
  }
  if (first === '--version' || first === '-V') return versionCommand.run([], io);
  const cmd = Object.hasOwn(commands, first) ? commands[first] : undefined;
  if (cmd === undefined) {
    io.stderr(`modelvault: unknown command '${first}'\n\n${helpText()}`);
    return EXIT_USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(commandUsage(first, cmd));
    return EXIT_OK;
  }
  try {
    return cmd.run(rest, io);
  } catch (e) {
    // Commands report expected failures themselves; anything escaping is still printed
    // with its stable code rather than a stack trace.
    if (isModelVaultError(e)) {
      io.stderr(`modelvault ${first}: ${e.code}: ${e.message}\n`);
      return e.kind === 'Usage' ? EXIT_USAGE : EXIT_FAILURE;
    }
    io.stderr(`modelvault ${first}: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT_FAILURE;
  }
}
