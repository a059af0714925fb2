import pkg from '../../../package.json' with { type: 'json' };
import type { CliCommand } from '../command.ts';
import { EXIT_OK } from '../command.ts';

export const VERSION: string = pkg.version;

export const versionCommand: CliCommand = {
  summary: 'print the modelvault version',
  usage: '',
  run(_args, io) {
    io.stdout(`modelvault ${VERSION}\n`);
    return EXIT_OK;
  },
};
