import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeFs } from '../../src/fs/node.ts';
import { createMemFs } from '../../src/fs/memfs.ts';
import { runEngineSuite } from './engine-suite.ts';

runEngineSuite('node', () => {
  const dir = mkdtempSync(join(tmpdir(), 'modelvault-engine-'));
  return { fs: nodeFs(), dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
});
runEngineSuite('memfs', () => ({ fs: createMemFs({ directories: ['/db'] }), dir: '/db', cleanup: () => {} }));
