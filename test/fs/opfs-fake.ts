/**
 * An in-memory stand-in for an OPFS directory with the semantics the adapter relies on:
 * one sync access handle per file at a time (a second is NoModificationAllowedError),
 * writes past the end zero-fill, a closed handle throws InvalidStateError.
 */
import type { OpfsDirectory, OpfsFileEntry, OpfsSyncAccessHandle } from '../../src/fs/opfs.ts';

class DomError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

interface FakeFile {
  data: Uint8Array;
  locked: boolean;
}

export class FakeOpfsDirectory implements OpfsDirectory {
  readonly files = new Map<string, FakeFile>();
  /** Calls to `write` left before one throws QuotaExceededError (Infinity: never). */
  quotaWrites = Infinity;

  async getFileHandle(name: string, options: { create?: boolean } = {}): Promise<OpfsFileEntry> {
    let file = this.files.get(name);
    if (file === undefined) {
      if (options.create !== true) throw new DomError('NotFoundError', `no file ${name}`);
      file = { data: new Uint8Array(0), locked: false };
      this.files.set(name, file);
    }
    const f = file;
    return { kind: 'file', createSyncAccessHandle: async () => this.open(f) };
  }

  async *keys(): AsyncIterable<string> {
    for (const name of [...this.files.keys()]) yield name;
  }

  private open(f: FakeFile): OpfsSyncAccessHandle {
    if (f.locked) throw new DomError('NoModificationAllowedError', 'file is locked by another access handle');
    f.locked = true;
    let closed = false;
    const live = () => {
      if (closed) throw new DomError('InvalidStateError', 'access handle is closed');
    };
    const resize = (n: number) => {
      const next = new Uint8Array(n);
      next.set(f.data.subarray(0, Math.min(n, f.data.length)));
      f.data = next;
    };
    return {
      read: (buf, o = {}) => {
        live();
        const at = o.at ?? 0;
        if (at >= f.data.length) return 0;
        const n = Math.min(buf.length, f.data.length - at);
        buf.set(f.data.subarray(at, at + n));
        return n;
      },
      write: (buf, o = {}) => {
        live();
        if (this.quotaWrites-- <= 0) throw new DomError('QuotaExceededError', 'quota exceeded');
        const at = o.at ?? 0;
        if (at + buf.length > f.data.length) resize(at + buf.length);
        f.data.set(buf, at);
        return buf.length;
      },
      truncate: (n) => {
        live();
        resize(n);
      },
      getSize: () => {
        live();
        return f.data.length;
      },
      flush: () => live(),
      close: () => {
        if (closed) return;
        closed = true;
        f.locked = false;
      },
    };
  }
}
