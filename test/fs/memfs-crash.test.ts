/**
 * The crash simulator's durability model: what survives a power loss and what may not.
 */
import { describe, expect, it } from 'vitest';
import { createMemFs, type MemFs } from '../../src/fs/memfs.ts';
import { SECTOR } from '../../src/fs/memfs-model.ts';
import { expectCode } from '../conformance/fsops-suite.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

function filled(length: number, byte: number): Uint8Array {
  return new Uint8Array(length).fill(byte);
}

function write(fs: MemFs, path: string, bytes: Uint8Array, position = 0, sync = false): void {
  const h = fs.open(path, 'create');
  h.writeAt(bytes, position);
  if (sync) h.sync();
  h.close();
}

/** A durable file `/f` (entry and content) holding `content`. */
function durableFile(content: Uint8Array, seed = 1): MemFs {
  const fs = createMemFs({ seed });
  write(fs, '/f', content, 0, true);
  fs.syncDir('/');
  return fs;
}

describe('file content', () => {
  it('an fsynced write survives every crash', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const fs = durableFile(filled(3000, 1), seed);
      write(fs, '/f', filled(2000, 2), 500, true);
      for (const mode of ['random', 'drop', 'keep'] as const) {
        const after = fs.crash({ mode, seed });
        const content = after.peek('/f')!;
        expect(content.length).toBe(3000);
        expect(content.subarray(500, 2500).every((b) => b === 2)).toBe(true);
      }
    }
  });

  it('an unsynced write may vanish, survive, or tear at a sector boundary', () => {
    const outcomes = new Set<string>();
    const base = filled(4096, 1);
    for (let seed = 1; seed <= 300; seed++) {
      const fs = durableFile(base, seed);
      write(fs, '/f', filled(3000, 2), 100); // spans sector boundaries 512, 1024, …, 3072
      const content = fs.crash({ seed }).peek('/f')!;
      expect(content.length).toBe(4096);
      // Whatever survived is a prefix of the write ending at a sector boundary (or all/none).
      let kept = 0;
      while (kept < 3000 && content[100 + kept] === 2) kept++;
      expect(content.subarray(100 + kept, 3100).every((b) => b === 1)).toBe(true);
      if (kept === 0) outcomes.add('vanished');
      else if (kept === 3000) outcomes.add('survived');
      else {
        expect((100 + kept) % SECTOR).toBe(0);
        outcomes.add('torn');
      }
    }
    expect(outcomes).toEqual(new Set(['vanished', 'survived', 'torn']));
  });

  it('pending writes survive as a prefix, in order', () => {
    const seen = new Set<number>();
    for (let seed = 1; seed <= 200; seed++) {
      const fs = durableFile(new Uint8Array(0), seed);
      const h = fs.open('/f', 'readwrite');
      for (let i = 0; i < 4; i++) h.writeAt(enc.encode(String(i)), i); // one byte each: no tearing
      const text = dec.decode(fs.crash({ seed }).peek('/f')!);
      expect('0123'.startsWith(text)).toBe(true);
      seen.add(text.length);
    }
    expect(seen).toEqual(new Set([0, 1, 2, 3, 4]));
  });

  it('drop keeps only synced state, keep keeps everything', () => {
    const fs = durableFile(enc.encode('old'));
    write(fs, '/f', enc.encode('new!'));
    write(fs, '/g', enc.encode('g'), 0, true);
    expect(dec.decode(fs.crash({ mode: 'drop' }).peek('/f')!)).toBe('old');
    expect(fs.crash({ mode: 'drop' }).peek('/g')).toBeUndefined();
    const fs2 = durableFile(enc.encode('old'));
    write(fs2, '/f', enc.encode('new!'));
    write(fs2, '/g', enc.encode('g'));
    const kept = fs2.crash({ mode: 'keep' });
    expect(dec.decode(kept.peek('/f')!)).toBe('new!');
    expect(dec.decode(kept.peek('/g')!)).toBe('g');
  });

  it('an unsynced truncate can be undone', () => {
    const lengths = new Set<number>();
    for (let seed = 1; seed <= 50; seed++) {
      const fs = durableFile(filled(100, 7), seed);
      const h = fs.open('/f', 'readwrite');
      h.truncate(10);
      lengths.add(fs.crash({ seed }).peek('/f')!.length);
    }
    expect(lengths).toEqual(new Set([10, 100]));
  });

  it('the same seed reproduces the same outcome', () => {
    const run = (seed: number) => {
      const fs = durableFile(filled(4096, 1));
      for (let i = 0; i < 5; i++) write(fs, '/f', filled(700, i + 2), i * 600);
      return fs.crash({ seed }).peek('/f')!;
    };
    for (let seed = 1; seed <= 20; seed++) expect(run(seed)).toEqual(run(seed));
  });
});

describe('directory entries', () => {
  it('a new file vanishes without syncDir, even when the file itself was fsynced', () => {
    const fs = createMemFs();
    write(fs, '/new', enc.encode('data'), 0, true);
    expect(fs.crash({ mode: 'drop' }).exists('/new')).toBe(false);
  });

  it('a new file survives with fsync + syncDir', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const fs = createMemFs({ directories: ['/d'] });
      write(fs, '/d/new', enc.encode('data'), 0, true);
      fs.syncDir('/d');
      expect(dec.decode(fs.crash({ seed }).peek('/d/new')!)).toBe('data');
    }
  });

  it('syncDir of another directory does not help', () => {
    const fs = createMemFs({ directories: ['/a', '/b'] });
    write(fs, '/a/f', enc.encode('x'), 0, true);
    fs.syncDir('/b');
    fs.syncDir('/');
    expect(fs.crash({ mode: 'drop' }).exists('/a/f')).toBe(false);
  });

  it('an entry made durable before its content was synced exists with lost content', () => {
    const fs = createMemFs();
    write(fs, '/f', enc.encode('unsynced'));
    fs.syncDir('/');
    const after = fs.crash({ mode: 'drop' });
    expect(after.exists('/f')).toBe(true);
    expect(after.peek('/f')!.length).toBe(0);
  });

  it('a rename without syncDir can be rolled back; with syncDir it cannot', () => {
    const outcomes = new Set<string>();
    for (let seed = 1; seed <= 60; seed++) {
      const fs = durableFile(enc.encode('old'), seed);
      write(fs, '/tmp', enc.encode('new'), 0, true);
      fs.rename('/tmp', '/f');
      const after = fs.crash({ seed });
      const text = dec.decode(after.peek('/f')!);
      outcomes.add(text);
      // Atomic: the target is the old or the new file; once it is new the temp name is gone.
      if (text === 'new') expect(after.exists('/tmp')).toBe(false);
      else expect(text).toBe('old');
    }
    expect(outcomes).toEqual(new Set(['old', 'new']));

    const fs = durableFile(enc.encode('old'));
    write(fs, '/tmp', enc.encode('new'), 0, true);
    fs.rename('/tmp', '/f');
    fs.syncDir('/');
    expect(dec.decode(fs.crash({ mode: 'drop' }).peek('/f')!)).toBe('new');
  });

  it('a remove without syncDir can be rolled back', () => {
    const fs = durableFile(enc.encode('keep me'));
    fs.remove('/f');
    expect(fs.exists('/f')).toBe(false);
    expect(dec.decode(fs.crash({ mode: 'drop' }).peek('/f')!)).toBe('keep me');
    const fs2 = durableFile(enc.encode('keep me'));
    fs2.remove('/f');
    fs2.syncDir('/');
    expect(fs2.crash({ mode: 'drop' }).exists('/f')).toBe(false);
  });

  it('a cross-directory rename can leave the file under both names', () => {
    const outcomes = new Set<string>();
    for (let seed = 1; seed <= 80; seed++) {
      const fs = createMemFs({ seed, directories: ['/a', '/b'] });
      write(fs, '/a/f', enc.encode('x'), 0, true);
      fs.syncDir('/a');
      fs.rename('/a/f', '/b/f');
      const after = fs.crash({ seed });
      outcomes.add(`${after.exists('/a/f')}/${after.exists('/b/f')}`);
    }
    expect(outcomes).toEqual(new Set(['true/true', 'true/false', 'false/true', 'false/false']));
  });
});

describe('after a crash', () => {
  it('the old instance and its handles are dead; the new one starts clean', () => {
    const fs = durableFile(enc.encode('x'));
    const h = fs.open('/f', 'readwrite');
    fs.lock('/f.writer.lock', 'exclusive');
    const after = fs.crash();
    expect(fs.crashed).toBe(true);
    expect(fs.crash()).toBe(after); // crashing again changes nothing
    expectCode(() => h.writeAt(enc.encode('y'), 0), 'Io.SimulatedCrash');
    expectCode(() => fs.open('/f', 'read'), 'Io.SimulatedCrash');
    expectCode(() => fs.exists('/f'), 'Io.SimulatedCrash');
    expect(after.crashed).toBe(false);
    expect(after.calls).toEqual([]);
    // Locks died with the "process".
    after.lock('/f.writer.lock', 'exclusive').release();
  });

  it('recovered() without a crash is a usage error', () => {
    expectCode(() => createMemFs().recovered(), 'Usage.NotCrashed');
  });

  it('crashAt before a call: it never happened; after: it did', () => {
    for (const when of ['before', 'after'] as const) {
      const fs = durableFile(enc.encode('aaaa'));
      const h = fs.open('/f', 'readwrite');
      fs.resetCalls();
      fs.crashAt(1, { when, mode: 'keep' });
      h.writeAt(enc.encode('b'), 0); // call 0
      expectCode(() => h.writeAt(enc.encode('c'), 1), 'Io.SimulatedCrash'); // call 1
      expect(fs.crashedAt?.description).toBe('writeAt(/f, 1, 1)');
      expect(dec.decode(fs.recovered().peek('/f')!)).toBe(when === 'before' ? 'baaa' : 'bcaa');
    }
  });
});
