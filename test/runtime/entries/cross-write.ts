// Run by Node (the runner) before the other runtimes: writes cross.typra and cross.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { nodeFs } from '../../../src/fs/node.ts';
import { writeCrossFile } from './cross-runtime.ts';

const dir = process.argv[2]!;
mkdirSync(dir, { recursive: true });
const dump = writeCrossFile(nodeFs(), `${dir}/cross.typra`);
writeFileSync(`${dir}/cross.json`, JSON.stringify(dump));
console.log(`wrote ${dir}/cross.typra`);
