#!/usr/bin/env node
// The `modelvault` executable: everything else lives in main.ts so tests can call runCli.
import { runCli } from './main.ts';

const code = runCli(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
});
process.exitCode = code;
