// Dedicated worker that hosts databases for AsyncDatabase on the page, persisted in OPFS.
import { serveDatabases } from '../../../src/async/host.ts';
import type { WorkerLike } from '../../../src/async/endpoint.ts';
import { openOpfsFs } from '../../../src/fs/opfs.ts';

serveDatabases(globalThis as unknown as WorkerLike, { fs: () => openOpfsFs({ spareSlots: 4 }) });
