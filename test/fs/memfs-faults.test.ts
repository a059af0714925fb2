/**
 * I/O-error injection and the call counter of the memfs simulator.
 */
import { describe, expect, it } from 'vitest';
import { createMemFs, type MemFs } from '../../src/fs/memfs.ts';
import { FileStore } from '../../src/storage/file-store.ts';
import { expectCode } from '../conformance/fsops-suite.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A fixed little workload: create, write twice, sync, rename, syncDir. */
function workload(fs: MemFs): void {
  const h = fs.open('/tmp', 'create-new');
  h.writeAt(enc.encode('hello '), 0);
  h.writeAt(enc.encode('world'), 6);
  h.sync();
  h.close();
  fs.rename('/tmp', '/final');
  fs.syncDir('/');
}

describe('call log', () => {
  it('numbers and describes every call deterministically', () => {
    const a = createMemFs();
    workload(a);
    const b = createMemFs({ seed: 99 });
    workload(b);
    expect(a.calls.map((c) => c.description)).toEqual([
      'open(/tmp, create-new)',
      'writeAt(/tmp, 0, 6)',
      'writeAt(/tmp, 6, 5)',
      'sync(/tmp)',
      'close(/tmp)',
      'rename(/tmp, /final)',
      'syncDir(/)',
    ]);
    expect(a.calls.map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(b.calls).toEqual(a.calls);
    expect(a.calls.filter((c) => c.mutating).map((c) => c.op)).toEqual([
      'open',
      'writeAt',
      'writeAt',
      'sync',
      'rename',
      'syncDir',
    ]);
  });

  it('resetCalls restarts the numbering; peek and list are not logged', () => {
    const fs = createMemFs();
    workload(fs);
    fs.resetCalls();
    fs.peek('/final');
    fs.list();
    expect(fs.calls).toEqual([]);
    expect(fs.exists('/final')).toBe(true);
    expect(fs.calls).toEqual([{ index: 0, op: 'exists', path: '/final', description: 'exists(/final)', mutating: false }]);
  });
});

describe('fault injection', () => {
  const expected = { EIO: 'Io.IoError', ENOSPC: 'Io.NoSpace', EACCES: 'Io.PermissionDenied' } as const;

  for (const [errno, code] of Object.entries(expected) as Array<[keyof typeof expected, string]>) {
    it(`${errno} at a write is ${code} and the write does not happen`, () => {
      const fs = createMemFs();
      fs.failAt(2, errno);
      const h = fs.open('/f', 'create');
      h.writeAt(enc.encode('abc'), 0);
      const e = expectCode(() => h.writeAt(enc.encode('def'), 3), code);
      expect(e.details).toMatchObject({ errno, syscall: 'write', path: '/f' });
      expect((e.cause as { code?: string }).code).toBe(errno);
      expect(dec.decode(fs.peek('/f')!)).toBe('abc');
      // Only call 2 fails.
      h.writeAt(enc.encode('def'), 3);
      expect(dec.decode(fs.peek('/f')!)).toBe('abcdef');
    });
  }

  it('fails any kind of call: open, sync, rename, syncDir, lock, read', () => {
    const cases: Array<[string, (fs: MemFs) => unknown]> = [
      ['open', (fs) => fs.open('/f', 'create')],
      ['sync', (fs) => fs.open('/f', 'create').sync()],
      ['rename', (fs) => fs.rename('/f', '/g')],
      ['syncDir', (fs) => fs.syncDir('/')],
      ['lock', (fs) => fs.lock('/l', 'exclusive')],
      ['readAt', (fs) => fs.open('/f', 'read').readAt(new Uint8Array(1), 0)],
      ['length', (fs) => fs.open('/f', 'read').length()],
    ];
    for (const [op, run] of cases) {
      const fs = createMemFs({ files: { '/f': enc.encode('x') } });
      fs.failWhen((c) => c.op === op, 'EIO');
      expectCode(() => run(fs), 'Io.IoError');
    }
  });

  it('a failed open creates nothing; a failed lock takes nothing', () => {
    const fs = createMemFs();
    fs.failAt(0, 'ENOSPC');
    expectCode(() => fs.open('/f', 'create'), 'Io.NoSpace');
    expect(fs.exists('/f')).toBe(false);
    fs.failAt(2, 'EACCES');
    expectCode(() => fs.lock('/l', 'exclusive'), 'Io.PermissionDenied');
    fs.lock('/l', 'exclusive').release();
  });

  it('a failed close still closes the handle', () => {
    const fs = createMemFs();
    const h = fs.open('/f', 'create');
    fs.failWhen((c) => c.op === 'close', 'EIO', { times: 1 });
    expectCode(() => h.close(), 'Io.IoError');
    expectCode(() => h.length(), 'Io.Closed');
    h.close();
  });

  it('failWhen with times fails only the first N matches', () => {
    const fs = createMemFs();
    fs.failWhen((c) => c.op === 'sync', 'EIO', { times: 2 });
    const h = fs.open('/f', 'create');
    expectCode(() => h.sync(), 'Io.IoError');
    expectCode(() => h.sync(), 'Io.IoError');
    h.sync();
    fs.clearFaults();
  });

  it('a failing write with partial: random applies a strict prefix, chosen by the seed', () => {
    const prefixes = new Set<number>();
    for (let seed = 1; seed <= 60; seed++) {
      const run = () => {
        const fs = createMemFs({ seed });
        const h = fs.open('/f', 'create');
        fs.failAt(2, 'ENOSPC', { partial: 'random' });
        h.writeAt(enc.encode('----------'), 0);
        expectCode(() => h.writeAt(enc.encode('0123456789'), 0), 'Io.NoSpace');
        return dec.decode(fs.peek('/f')!);
      };
      const text = run();
      expect(run()).toBe(text);
      const n = text.indexOf('-');
      expect(n).toBeGreaterThanOrEqual(0); // never the whole write
      expect(text).toBe('0123456789'.slice(0, n) + '-'.repeat(10 - n));
      prefixes.add(n);
    }
    expect(prefixes.size).toBeGreaterThan(3);
    expect(prefixes.has(0)).toBe(true);
  });

  it('a failed fsync loses the unsynced writes for good by default (Linux writeback error)', () => {
    for (const syncFailure of ['lost', 'pending'] as const) {
      const fs = createMemFs({ files: { '/f': enc.encode('aaaa') } });
      fs.syncDir('/');
      const h = fs.open('/f', 'readwrite');
      h.writeAt(enc.encode('bb'), 0);
      fs.failWhen((c) => c.op === 'sync', 'EIO', { times: 1, syncFailure });
      expectCode(() => h.sync(), 'Io.IoError');
      expect(dec.decode(fs.peek('/f')!)).toBe('bbaa'); // still readable
      h.writeAt(enc.encode('c'), 3);
      h.sync(); // "succeeds"
      const after = dec.decode(fs.crash({ mode: 'keep' }).peek('/f')!);
      expect(after).toBe(syncFailure === 'lost' ? 'aaac' : 'bbac');
    }
  });

  it('errors reach FileStore callers unchanged', () => {
    const fs = createMemFs();
    const store = FileStore.open(fs, '/db', 'create');
    fs.failWhen((c) => c.op === 'sync', 'EIO');
    store.writeAt(0, enc.encode('x'));
    expectCode(() => store.sync(), 'Io.IoError');
    store.close();
  });
});
