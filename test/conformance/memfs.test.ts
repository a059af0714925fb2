import { createMemFs, type MemFs } from '../../src/fs/memfs.ts';
import { FileStore } from '../../src/storage/file-store.ts';
import { MemoryStore } from '../../src/storage/memory-store.ts';
import { runFsOpsConformance } from './fsops-suite.ts';
import { runStoreConformance } from './store-suite.ts';

runFsOpsConformance('memfs', () => ({
  fs: createMemFs({ directories: ['/scratch'] }),
  dir: '/scratch',
  cleanup: () => {},
}));

runStoreConformance('FileStore on memfs', () => {
  const fs: MemFs = createMemFs();
  let store = FileStore.open(fs, '/store.bin', 'create-new');
  return {
    store,
    reopen: () => {
      store.close();
      store = FileStore.open(fs, '/store.bin', 'readwrite');
      return store;
    },
    cleanup: () => store.close(),
  };
});

runStoreConformance('MemoryStore', () => ({ store: new MemoryStore(), cleanup: () => {} }));
