/**
 * The contract every CLI subcommand implements. Commands write through `io` (never to
 * `process.stdout` directly) so tests can run them in-process and capture output.
 */
export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

export interface CliCommand {
  /** One line shown by `modelvault --help`. */
  readonly summary: string;
  /** Argument synopsis after the command name, e.g. `<file> [--json]`. */
  readonly usage: string;
  /** Returns the process exit code: 0 success, 1 failure, 2 usage error. */
  run(args: string[], io: CliIo): number;
}

/** Exit codes shared by all commands. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
