/**
 * The OPFS adapter on Node against an in-memory OPFS stand-in: the shared conformance
 * suites plus the volume's own guarantees (persistence, torn map copies, exclusion,
 * spare-slot pool). test/runtime/ runs the same suites on Chromium's real OPFS.
 */
import { describe, expect, it } from 'vitest';
import { openOpfsFs } from '../../src/fs/opfs.ts';
import { FileStore } from '../../src/storage/file-store.ts';
import { Database } from '../../src/engine/database.ts';
import { runFsOpsConformance, expectCode, thrown } from '../conformance/fsops-suite.ts';
import { runStoreConformance } from '../conformance/store-suite.ts';
import { FakeOpfsDirectory } from './opfs-fake.ts';

const shared = await openOpfsFs({ directory: new FakeOpfsDirectory(), spareSlots: 32 });
let n = 0;

runFsOpsConformance('opfs (fake directory)', () => {
  const dir = `/t${n++}`;
  shared.mkdir(dir);
  return { fs: shared, dir, cleanup: () => shared.removeTree(dir) };
});

runStoreConformance('FileStore on opfs (fake directory)', () => {
  const dir = `/s${n++}`;
  shared.mkdir(dir);
  const path = `${dir}/store.bin`;
  let store = FileStore.open(shared, path, 'create-new');
  return {
    store,
    reopen: () => {
      store.close();
      store = FileStore.open(shared, path, 'readwrite');
      return store;
    },
    cleanup: () => {
      store.close();
      shared.removeTree(dir);
    },
  };
});

const bytes = (...b: number[]) => new Uint8Array(b);

describe('OPFS volume', () => {
  it('files, directories and renames survive closing and reopening the volume', async () => {
    const dir = new FakeOpfsDirectory();
    const fs = await openOpfsFs({ directory: dir, spareSlots: 2 });
    fs.mkdir('/data');
    const h = fs.open('/data/a', 'create-new');
    h.writeAt(bytes(1, 2, 3), 0);
    h.sync();
    h.close();
    fs.rename('/data/a', '/data/b');
    fs.close();
    expectCode(() => fs.exists('/data/b'), 'Io.Closed');
    const again = await openOpfsFs({ directory: dir, spareSlots: 2 });
    expect(again.exists('/data')).toBe(true);
    expect(again.exists('/data/a')).toBe(false);
    const r = again.open('/data/b', 'read');
    const buf = new Uint8Array(3);
    expect(r.readAt(buf, 0)).toBe(3);
    expect(buf).toEqual(bytes(1, 2, 3));
    r.close();
    again.close();
  });

  it('a torn newest map copy falls back to the previous namespace', async () => {
    const dir = new FakeOpfsDirectory();
    const fs = await openOpfsFs({ directory: dir, spareSlots: 2 });
    fs.open('/one', 'create').close();
    fs.open('/two', 'create').close(); // the newest copy now names both
    fs.close();
    const newest = [...dir.files.entries()].filter(([k]) => k.startsWith('map-')).map(([, f]) => f);
    const maps = newest.map((f) => JSON.parse(new TextDecoder().decode(f.data.subarray(8))) as { seq: number });
    const latest = newest[maps[0]!.seq > maps[1]!.seq ? 0 : 1]!;
    latest.data[latest.data.length - 2] ^= 0xff;
    const again = await openOpfsFs({ directory: dir, spareSlots: 2 });
    expect(again.exists('/one')).toBe(true);
    expect(again.exists('/two')).toBe(false);
    expect(again.describe().files).toEqual(['/one']);
    again.close();
  });

  it('a second volume on the same directory is refused until the first closes', async () => {
    const dir = new FakeOpfsDirectory();
    const fs = await openOpfsFs({ directory: dir, spareSlots: 1 });
    const e = await openOpfsFs({ directory: dir }).then(
      () => null,
      (err: unknown) => err,
    );
    expect((e as { code?: string } | null)?.code).toBe('Io.WouldBlock');
    fs.close();
    (await openOpfsFs({ directory: dir })).close();
  });

  it('creating past the spare pool is Io.NoSpace, and works again after ready()', async () => {
    const fs = await openOpfsFs({ directory: new FakeOpfsDirectory(), spareSlots: 1 });
    fs.open('/a', 'create').close();
    expectCode(() => fs.open('/b', 'create'), 'Io.NoSpace');
    expect(fs.exists('/b')).toBe(false);
    await fs.ready();
    fs.open('/b', 'create').close();
    expect(fs.describe().files).toEqual(['/a', '/b']);
    fs.close();
  });

  it('a pool refill the browser refuses is a typed error', async () => {
    const dir = new FakeOpfsDirectory();
    const fs = await openOpfsFs({ directory: dir, spareSlots: 1 });
    dir.getFileHandle = async () => {
      throw Object.assign(new Error('quota'), { name: 'QuotaExceededError' });
    };
    fs.open('/a', 'create').close();
    const e = await fs.ready().then(
      () => null,
      (err: unknown) => err,
    );
    expect((e as { code?: string } | null)?.code).toBe('Io.NoSpace');
    fs.close();
  });

  it('a removed file returns its slot to the pool, emptied', async () => {
    const fs = await openOpfsFs({ directory: new FakeOpfsDirectory(), spareSlots: 1 });
    const h = fs.open('/a', 'create');
    h.writeAt(bytes(9, 9), 0);
    h.close();
    fs.remove('/a');
    expect(fs.describe().spare).toBe(1);
    const again = fs.open('/b', 'create-new');
    expect(again.length()).toBe(0);
    again.close();
    fs.close();
  });

  it('a quota error while writing is Io.NoSpace', async () => {
    const dir = new FakeOpfsDirectory();
    const fs = await openOpfsFs({ directory: dir, spareSlots: 1 });
    const h = fs.open('/a', 'create');
    dir.quotaWrites = 0;
    expectCode(() => h.writeAt(bytes(1), 0), 'Io.NoSpace');
    h.close();
    fs.close();
  });

  it('hosts a database: create, reopen, exclusive lock', async () => {
    const dir = new FakeOpfsDirectory();
    let fs = await openOpfsFs({ directory: dir, spareSlots: 4 });
    const db = Database.open('/app.typra', { fs });
    expect(['Io.WouldBlock', 'Io.AlreadyLocked']).toContain(thrown(() => Database.open('/app.typra', { fs })).code);
    db.close();
    fs.close();
    fs = await openOpfsFs({ directory: dir, spareSlots: 4 });
    const reopened = Database.open('/app.typra', { fs, readOnly: true });
    expect(reopened.recoveryInfo.truncatedBytes).toBe(0);
    expect(reopened.collections()).toEqual([]);
    reopened.close();
    fs.close();
  });
});
