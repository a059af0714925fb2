import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeFs, nodeFs } from '../../src/fs/node.ts';
import { FileStore } from '../../src/storage/file-store.ts';
import { runFsOpsConformance } from './fsops-suite.ts';
import { runStoreConformance } from './store-suite.ts';

function scratch(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'modelvault-conf-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

runFsOpsConformance('node (default locks)', () => ({ fs: nodeFs(), ...scratch() }));
runFsOpsConformance('node (process-file locks)', () => ({ fs: createNodeFs({ locks: 'process-file' }), ...scratch() }));

runStoreConformance('FileStore on node', () => {
  const { dir, cleanup } = scratch();
  const path = join(dir, 'store.bin');
  let store = FileStore.open(nodeFs(), path, 'create-new');
  return {
    store,
    reopen: () => {
      store.close();
      store = FileStore.open(nodeFs(), path, 'readwrite');
      return store;
    },
    cleanup: () => {
      store.close();
      cleanup();
    },
  };
});
