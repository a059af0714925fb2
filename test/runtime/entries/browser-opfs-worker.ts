/**
 * Dedicated worker: the FsOps/Store conformance suites, the engine suite and the
 * cross-runtime check on Chromium's real OPFS (sync access handles). The page sends the
 * Node-written cross file; the worker answers with its summary and the bytes it wrote.
 */
import { beforeEach, runRegistered } from '../harness/vitest-shim.ts';
import { runFsOpsConformance } from '../../conformance/fsops-suite.ts';
import { runStoreConformance } from '../../conformance/store-suite.ts';
import { runEngineSuite } from '../../portable/engine-suite.ts';
import { openOpfsFs, type OpfsDirectory } from '../../../src/fs/opfs.ts';
import { FileStore } from '../../../src/storage/file-store.ts';
import { runCrossRuntime } from './cross-runtime.ts';
import { runOpsParity } from '../suites/ops-parity.ts';

interface Scope {
  onmessage: ((e: { data: { cross: Uint8Array; expected: unknown } }) => void) | null;
  postMessage(m: unknown): void;
}
const scope = globalThis as unknown as Scope;
declare const navigator: { storage: { getDirectory(): Promise<{ getDirectoryHandle(n: string, o: { create: boolean }): Promise<OpfsDirectory> }> } };

scope.onmessage = async ({ data }) => {
  try {
    const root = await navigator.storage.getDirectory();
    const fs = await openOpfsFs({ directory: await root.getDirectoryHandle('suites', { create: true }), spareSlots: 16 });
    let n = 0;
    const fixture = (prefix: string) => {
      const dir = `/${prefix}${n++}`;
      fs.mkdir(dir);
      return { fs, dir, cleanup: () => fs.removeTree(dir) };
    };
    // Lets the spare-slot pool refill between tests (creating a file never waits for it).
    beforeEach(() => fs.ready());
    runFsOpsConformance('opfs (Chromium)', () => fixture('c'));
    runStoreConformance('FileStore on opfs (Chromium)', () => {
      const fx = fixture('s');
      let store = FileStore.open(fs, `${fx.dir}/store.bin`, 'create-new');
      return {
        store,
        reopen: () => {
          store.close();
          store = FileStore.open(fs, `${fx.dir}/store.bin`, 'readwrite');
          return store;
        },
        cleanup: () => {
          store.close();
          fx.cleanup();
        },
      };
    });
    runEngineSuite('opfs (Chromium worker)', () => fixture('e'));
    runOpsParity('opfs (Chromium worker)', () => fixture('o'));
    fs.mkdir('/cross');
    const h = fs.open('/cross/cross.typra', 'create-new');
    h.writeAt(data.cross, 0);
    h.sync();
    h.close();
    runCrossRuntime('browser', fs, '/cross', data.expected);
    const summary = await runRegistered({ log: (l) => console.log(`[opfs worker] ${l}`) });
    let written: Uint8Array | null = null;
    if (fs.exists('/cross/by-browser.typra')) {
      const r = fs.open('/cross/by-browser.typra', 'read');
      written = new Uint8Array(r.length());
      r.readAt(written, 0);
      r.close();
    }
    fs.close();
    scope.postMessage({ summary, written });
  } catch (e) {
    scope.postMessage({ summary: { passed: 0, failed: 1, skipped: 0, failures: [{ name: 'opfs worker', error: String(e) }] }, written: null });
  }
};
