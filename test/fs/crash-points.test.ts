/**
 * The enumeration helpers: every I/O point is visited, the filesystem handed to the
 * verifier is the rebooted one, and a classic atomic-replace protocol passes while a
 * naive in-place overwrite is caught.
 */
import { describe, expect, it } from 'vitest';
import { forEachCrashPoint, forEachFaultPoint, type CrashPoint } from '../../src/fs/crash-points.ts';
import type { MemFs } from '../../src/fs/memfs.ts';
import { isModelVaultError } from '../../src/errors.ts';
import { expectCode } from '../conformance/fsops-suite.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();
const OLD = 'old content '.repeat(100); // > 1 sector, so tearing is possible
const NEW = 'NEW CONTENT '.repeat(100);

function setup(fs: MemFs): MemFs {
  const h = fs.open('/db', 'create');
  h.writeAt(enc.encode(OLD), 0);
  h.sync();
  h.close();
  fs.syncDir('/');
  return fs;
}

/** write temp, fsync, rename over, fsync directory: the textbook atomic replace. */
function atomicReplace(fs: MemFs): void {
  const h = fs.open('/db.tmp', 'create-truncate');
  h.writeAt(enc.encode(NEW), 0);
  h.sync();
  h.close();
  fs.rename('/db.tmp', '/db');
  fs.syncDir('/');
}

function inPlaceOverwrite(fs: MemFs): void {
  const h = fs.open('/db', 'readwrite');
  h.writeAt(enc.encode(NEW), 0);
  h.sync();
  h.close();
}

const contentOf = (fs: MemFs) => dec.decode(fs.peek('/db')!);

describe('forEachCrashPoint', () => {
  it('visits every mutating call before it runs, plus after the last one', () => {
    const points: CrashPoint[] = [];
    const result = forEachCrashPoint(setup, (fs) => atomicReplace(fs), (_fs, point) => void points.push(point));
    const mutating = result.calls.filter((c) => c.mutating);
    expect(mutating.map((c) => c.description)).toEqual([
      'open(/db.tmp, create-truncate)',
      'writeAt(/db.tmp, 0, 1200)',
      'sync(/db.tmp)',
      'rename(/db.tmp, /db)',
      'syncDir(/)',
    ]);
    expect(points.map((p) => `${p.call.index}:${p.when}`)).toEqual(
      [...mutating.map((c) => `${c.index}:before`), `${mutating.at(-1)!.index}:after`],
    );
    expect(result.visited).toBe(points.length);
    expect(points[1].label).toBe('#1 before writeAt(/db.tmp, 0, 1200) [random seed 1]');
  });

  it('with include-all and both, visits before and after each call, for each mode and seed', () => {
    let visited = 0;
    const result = forEachCrashPoint(setup, (fs) => atomicReplace(fs), () => visited++, {
      include: () => true,
      when: 'both',
      modes: ['random', 'drop', 'keep'],
      seeds: [1, 2, 3],
    });
    // random: 3 seeds, drop and keep: one each.
    expect(visited).toBe(result.calls.length * 2 * 5);
    expect(result.visited).toBe(visited);
  });

  it('hands the verifier the rebooted filesystem', () => {
    forEachCrashPoint(setup, (fs) => atomicReplace(fs), (fs, point) => {
      expect(fs.crashed).toBe(false);
      expect(fs.calls).toEqual([]);
      expect(point.call.index).toBeGreaterThanOrEqual(0);
    });
  });

  it('an atomic replace leaves the old or the new content at every crash point', () => {
    const outcomes = new Set<string>();
    forEachCrashPoint(
      setup,
      (fs) => atomicReplace(fs),
      (fs, point) => {
        const text = contentOf(fs);
        expect([OLD, NEW], point.label).toContain(text);
        outcomes.add(text === OLD ? 'old' : 'new');
      },
      { when: 'both', modes: ['random', 'drop', 'keep'], seeds: [1, 2, 3, 4, 5, 6, 7, 8] },
    );
    expect(outcomes).toEqual(new Set(['old', 'new']));
  });

  it('catches the torn state an in-place overwrite can leave', () => {
    const bad: string[] = [];
    forEachCrashPoint(
      setup,
      (fs) => inPlaceOverwrite(fs),
      (fs, point) => {
        const text = contentOf(fs);
        if (text !== OLD && text !== NEW) bad.push(point.label);
      },
      { seeds: Array.from({ length: 20 }, (_, i) => i + 1) },
    );
    expect(bad.length).toBeGreaterThan(0);
    expect(bad.every((label) => label.includes('before sync(/db)'))).toBe(true);
  });

  it('lets the operation swallow the crash error without confusing the helper', () => {
    let visits = 0;
    forEachCrashPoint(
      setup,
      (fs) => {
        try {
          atomicReplace(fs);
        } catch {
          // a careless engine ignoring I/O errors: later calls fail too, and nothing lands
          try {
            fs.remove('/db.tmp');
          } catch (e) {
            expect(isModelVaultError(e, 'Io.SimulatedCrash')).toBe(true);
          }
        }
      },
      () => visits++,
    );
    expect(visits).toBe(6);
  });

  it('reports a nondeterministic operation as a usage error', () => {
    let run = 0;
    expectCode(
      () =>
        forEachCrashPoint(
          setup,
          (fs) => {
            run++;
            if (run === 1) atomicReplace(fs);
            else inPlaceOverwrite(fs);
          },
          () => {},
        ),
      'Usage.NondeterministicOperation',
    );
  });

  it('propagates errors that are not the crash', () => {
    expect(() =>
      forEachCrashPoint(
        setup,
        (fs) => {
          fs.open('/db', 'readwrite').close();
          fs.open('/missing', 'read');
        },
        () => {},
      ),
    ).toThrow(/missing/);
  });
});

describe('forEachFaultPoint', () => {
  it('fails every call once per errno and shows what the operation made of it', () => {
    const seen: string[] = [];
    const result = forEachFaultPoint(
      setup,
      (fs) => atomicReplace(fs),
      (fs, point, error) => {
        seen.push(`${point.call.index}:${point.errno}`);
        // Every injected failure surfaces as the typed error, since atomicReplace handles none.
        expect(isModelVaultError(error)).toBe(true);
        const code = (error as { code: string }).code;
        expect(code, point.label).toBe(point.errno === 'ENOSPC' ? 'Io.NoSpace' : 'Io.IoError');
        // Whatever failed, the target after a power loss is still old or new.
        expect([OLD, NEW]).toContain(contentOf(fs.crash({ mode: 'drop' })));
      },
      { errnos: ['EIO', 'ENOSPC'], partial: 'random' },
    );
    expect(result.calls.length).toBe(6);
    expect(seen.length).toBe(12);
    expect(result.visited).toBe(12);
  });
});
