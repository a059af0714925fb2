/**
 * The one FsOps conformance suite every adapter runs (abstract-level style). It tests
 * exactly what the adapter declares in `supports`, and takes everything runtime-specific
 * (the filesystem, a scratch directory, cleanup) from the factory, so Deno and browsers
 * can run the same body.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FsOps } from '../../src/fs/types.ts';
import { ModelVaultError } from '../../src/errors.ts';

export interface FsFixture {
  fs: FsOps;
  /** An existing, empty scratch directory (no trailing slash). */
  dir: string;
  cleanup(): void;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Runs `fn` and returns the ModelVaultError it throws (fails the test otherwise). */
export function thrown(fn: () => unknown): ModelVaultError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ModelVaultError);
    return e as ModelVaultError;
  }
  throw new Error('expected a ModelVaultError, nothing was thrown');
}

export function expectCode(fn: () => unknown, code: string): ModelVaultError {
  const e = thrown(fn);
  expect(e.code).toBe(code);
  return e;
}

export function runFsOpsConformance(name: string, makeFs: () => FsFixture): void {
  describe(`FsOps conformance: ${name}`, () => {
    const probe = makeFs();
    const caps = probe.fs.supports;
    probe.cleanup();
    let fx: FsFixture;
    let fs: FsOps;
    const p = (file: string) => `${fx.dir}/${file}`;

    const writeFile = (file: string, text: string) => {
      const h = fs.open(p(file), 'create-truncate');
      h.writeAt(enc.encode(text), 0);
      h.close();
    };
    const readFile = (file: string): string => {
      const h = fs.open(p(file), 'read');
      const buf = new Uint8Array(h.length());
      expect(h.readAt(buf, 0)).toBe(buf.length);
      h.close();
      return dec.decode(buf);
    };

    beforeEach(() => {
      fx = makeFs();
      fs = fx.fs;
    });
    afterEach(() => fx.cleanup());

    it('declares a complete capability manifest', () => {
      expect(typeof fs.name).toBe('string');
      expect(typeof fs.supports.directorySync).toBe('boolean');
      expect(typeof fs.supports.atomicRename).toBe('boolean');
      expect(['os', 'process-file', 'in-process']).toContain(fs.supports.locks);
      expect(typeof fs.supports.persistent).toBe('boolean');
    });

    describe('open modes', () => {
      it('read and readwrite need an existing file', () => {
        const e = expectCode(() => fs.open(p('missing'), 'read'), 'Io.NotFound');
        expect(e.details.path).toBe(p('missing'));
        expect(e.details.syscall).toBe('open');
        expectCode(() => fs.open(p('missing'), 'readwrite'), 'Io.NotFound');
        expect(fs.exists(p('missing'))).toBe(false);
      });

      it('create makes an empty file and never truncates', () => {
        const h = fs.open(p('a'), 'create');
        expect(h.length()).toBe(0);
        h.writeAt(enc.encode('hello'), 0);
        h.close();
        const again = fs.open(p('a'), 'create');
        expect(again.length()).toBe(5);
        again.close();
        expect(readFile('a')).toBe('hello');
      });

      it('create-new fails on an existing file and creates a missing one', () => {
        writeFile('a', 'x');
        expectCode(() => fs.open(p('a'), 'create-new'), 'Io.AlreadyExists');
        expect(readFile('a')).toBe('x');
        const h = fs.open(p('b'), 'create-new');
        expect(h.length()).toBe(0);
        h.close();
        expect(fs.exists(p('b'))).toBe(true);
      });

      it('create-truncate empties an existing file', () => {
        writeFile('a', 'some content');
        const h = fs.open(p('a'), 'create-truncate');
        expect(h.length()).toBe(0);
        h.close();
        expect(readFile('a')).toBe('');
      });

      it('readwrite keeps content', () => {
        writeFile('a', 'abcdef');
        const h = fs.open(p('a'), 'readwrite');
        h.writeAt(enc.encode('XY'), 2);
        h.close();
        expect(readFile('a')).toBe('abXYef');
      });

      it('a read-only handle refuses writes and truncation', () => {
        writeFile('a', 'abc');
        const h = fs.open(p('a'), 'read');
        expectCode(() => h.writeAt(enc.encode('z'), 0), 'Io.PermissionDenied');
        expectCode(() => h.truncate(0), 'Io.PermissionDenied');
        h.close();
        expect(readFile('a')).toBe('abc');
      });

      it('opening a directory is Io.IsDirectory', () => {
        writeFile('a', 'x'); // memfs directories exist through their files
        expectCode(() => fs.open(fx.dir, 'read'), 'Io.IsDirectory');
        expectCode(() => fs.open(fx.dir, 'create'), 'Io.IsDirectory');
      });

      it('a file under a missing directory is Io.NotFound', () => {
        expectCode(() => fs.open(p('no-such-dir/a'), 'create'), 'Io.NotFound');
      });
    });

    describe('reads and writes', () => {
      it('readAt is short only at end of file', () => {
        writeFile('a', '0123456789');
        const h = fs.open(p('a'), 'read');
        const buf = new Uint8Array(4);
        expect(h.readAt(buf, 2)).toBe(4);
        expect(dec.decode(buf)).toBe('2345');
        expect(h.readAt(buf, 8)).toBe(2);
        expect(dec.decode(buf.subarray(0, 2))).toBe('89');
        expect(h.readAt(buf, 10)).toBe(0);
        expect(h.readAt(buf, 1000)).toBe(0);
        expect(h.readAt(new Uint8Array(0), 3)).toBe(0);
        h.close();
      });

      it('writeAt past the end zero-fills the gap', () => {
        const h = fs.open(p('a'), 'create');
        h.writeAt(enc.encode('ab'), 0);
        h.writeAt(enc.encode('cd'), 10);
        expect(h.length()).toBe(12);
        const buf = new Uint8Array(12);
        expect(h.readAt(buf, 0)).toBe(12);
        expect([...buf]).toEqual([97, 98, 0, 0, 0, 0, 0, 0, 0, 0, 99, 100]);
        h.close();
      });

      it('writes of every size round-trip, including empty ones', () => {
        const h = fs.open(p('a'), 'create');
        const big = new Uint8Array(1 << 20);
        for (let i = 0; i < big.length; i++) big[i] = (i * 31 + 7) & 0xff;
        h.writeAt(big, 3);
        h.writeAt(new Uint8Array(0), 5);
        expect(h.length()).toBe(big.length + 3);
        const back = new Uint8Array(big.length);
        expect(h.readAt(back, 3)).toBe(big.length);
        // toEqual on a megabyte is slow; the first differing index says as much.
        expect(back.findIndex((b, i) => b !== big[i])).toBe(-1);
        h.close();
      });

      it('writes are visible to another handle of the same file', () => {
        const w = fs.open(p('a'), 'create');
        const r = fs.open(p('a'), 'read');
        w.writeAt(enc.encode('shared'), 0);
        const buf = new Uint8Array(6);
        expect(r.readAt(buf, 0)).toBe(6);
        expect(dec.decode(buf)).toBe('shared');
        w.close();
        r.close();
      });

      it('truncate shrinks and grows (with zeros)', () => {
        const h = fs.open(p('a'), 'create');
        h.writeAt(enc.encode('abcdefgh'), 0);
        h.truncate(3);
        expect(h.length()).toBe(3);
        h.truncate(6);
        expect(h.length()).toBe(6);
        const buf = new Uint8Array(6);
        expect(h.readAt(buf, 0)).toBe(6);
        expect([...buf]).toEqual([97, 98, 99, 0, 0, 0]);
        h.truncate(0);
        expect(h.length()).toBe(0);
        h.close();
      });

      it('sync succeeds and the content is there after reopening', () => {
        const h = fs.open(p('a'), 'create');
        h.writeAt(enc.encode('durable'), 0);
        h.sync();
        h.close();
        expect(readFile('a')).toBe('durable');
      });

      it('rejects negative, fractional and unsafe positions and lengths', () => {
        const h = fs.open(p('a'), 'create');
        const buf = new Uint8Array(1);
        for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
          expectCode(() => h.readAt(buf, bad), 'Io.InvalidArgument');
          expectCode(() => h.writeAt(buf, bad), 'Io.InvalidArgument');
          expectCode(() => h.truncate(bad), 'Io.InvalidArgument');
        }
        expect(h.length()).toBe(0);
        h.close();
      });
    });

    describe('namespace operations', () => {
      it('exists sees files and directories', () => {
        writeFile('a', 'x');
        expect(fs.exists(p('a'))).toBe(true);
        expect(fs.exists(fx.dir)).toBe(true);
        expect(fs.exists(p('b'))).toBe(false);
      });

      it('rename moves a file and replaces an existing target', () => {
        writeFile('a', 'new');
        writeFile('b', 'old');
        fs.rename(p('a'), p('b'));
        expect(fs.exists(p('a'))).toBe(false);
        expect(readFile('b')).toBe('new');
        fs.rename(p('b'), p('c'));
        expect(readFile('c')).toBe('new');
        expectCode(() => fs.rename(p('missing'), p('d')), 'Io.NotFound');
      });

      it('remove deletes a file; a missing one is Io.NotFound', () => {
        writeFile('a', 'x');
        fs.remove(p('a'));
        expect(fs.exists(p('a'))).toBe(false);
        const e = expectCode(() => fs.remove(p('a')), 'Io.NotFound');
        expect(e.details.path).toBe(p('a'));
      });

      it('removing a directory is refused', () => {
        writeFile('a', 'x');
        // Linux says EISDIR, macOS EPERM.
        expect(['Io.IsDirectory', 'Io.PermissionDenied']).toContain(thrown(() => fs.remove(fx.dir)).code);
        expect(fs.exists(fx.dir)).toBe(true);
      });

      it('a handle keeps working after its file is removed (POSIX) or removal is refused', () => {
        const h = fs.open(p('a'), 'create');
        h.writeAt(enc.encode('abc'), 0);
        let removed = true;
        try {
          fs.remove(p('a'));
        } catch (e) {
          // Windows refuses to delete open files.
          expect((e as ModelVaultError).code).toBe('Io.PermissionDenied');
          removed = false;
        }
        expect(fs.exists(p('a'))).toBe(!removed);
        const buf = new Uint8Array(3);
        expect(h.readAt(buf, 0)).toBe(3);
        h.close();
      });

      it('copy duplicates content and overwrites the destination', () => {
        writeFile('a', 'source content');
        writeFile('b', 'a much longer previous destination');
        fs.copy(p('a'), p('b'));
        expect(readFile('b')).toBe('source content');
        fs.copy(p('a'), p('c'));
        expect(readFile('c')).toBe('source content');
        expect(readFile('a')).toBe('source content');
        expectCode(() => fs.copy(p('missing'), p('d')), 'Io.NotFound');
      });

      it('syncDir succeeds on an existing directory', () => {
        writeFile('a', 'x');
        fs.syncDir(fx.dir);
        expect(fs.exists(p('a'))).toBe(true);
      });

      it.runIf(caps.directorySync)('syncDir of a path through a file is Io.NotFound', () => {
        // memfs treats directories as implicit, so only a path through a file is missing there.
        writeFile('file', 'x');
        expectCode(() => fs.syncDir(p('file/sub')), 'Io.NotFound');
      });
    });

    describe('locks', () => {
      const lockPath = () => p('db.typra.writer.lock');

      it('creates the sidecar and never deletes it', () => {
        expect(fs.exists(lockPath())).toBe(false);
        const l = fs.lock(lockPath(), 'exclusive');
        expect(fs.exists(lockPath())).toBe(true);
        l.release();
        expect(fs.exists(lockPath())).toBe(true);
        const h = fs.open(lockPath(), 'read');
        expect(h.length()).toBe(0);
        h.close();
      });

      it('exclusive excludes exclusive and shared', () => {
        const l = fs.lock(lockPath(), 'exclusive');
        const e = expectCode(() => fs.lock(lockPath(), 'exclusive'), 'Io.WouldBlock');
        expect(e.kind).toBe('Io');
        expectCode(() => fs.lock(lockPath(), 'shared'), 'Io.WouldBlock');
        l.release();
      });

      it('shared excludes exclusive but not shared', () => {
        const a = fs.lock(lockPath(), 'shared');
        const b = fs.lock(lockPath(), 'shared');
        expectCode(() => fs.lock(lockPath(), 'exclusive'), 'Io.WouldBlock');
        a.release();
        expectCode(() => fs.lock(lockPath(), 'exclusive'), 'Io.WouldBlock');
        b.release();
        fs.lock(lockPath(), 'exclusive').release();
      });

      it('release is idempotent and the lock can be taken again', () => {
        const l = fs.lock(lockPath(), 'exclusive');
        l.release();
        l.release();
        const again = fs.lock(lockPath(), 'exclusive');
        // A stale handle's second release must not drop somebody else's lock.
        l.release();
        expectCode(() => fs.lock(lockPath(), 'shared'), 'Io.WouldBlock');
        again.release();
        const s = fs.lock(lockPath(), 'shared');
        s.release();
      });

      it('different lock paths are independent', () => {
        const a = fs.lock(p('one.lock'), 'exclusive');
        const b = fs.lock(p('two.lock'), 'exclusive');
        a.release();
        b.release();
      });
    });

    describe('closed handles', () => {
      it('every call after close is Io.Closed, close itself is idempotent', () => {
        const h = fs.open(p('a'), 'create');
        h.close();
        h.close();
        const buf = new Uint8Array(1);
        expectCode(() => h.readAt(buf, 0), 'Io.Closed');
        expectCode(() => h.writeAt(buf, 0), 'Io.Closed');
        expectCode(() => h.length(), 'Io.Closed');
        expectCode(() => h.truncate(0), 'Io.Closed');
        expectCode(() => h.sync(), 'Io.Closed');
      });
    });
  });
}
