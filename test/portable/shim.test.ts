/**
 * The runtime shim (test/runtime/harness/) decides whether Deno, Bun and the browser pass,
 * so it must fail when vitest would: matcher semantics and runner bookkeeping.
 */
import { describe, expect, it } from 'vitest';
import { makeExpect } from '../runtime/harness/expect.ts';
import * as shim from '../runtime/harness/vitest-shim.ts';

const e = makeExpect();
const fails = (fn: () => void) => expect(fn).toThrow();

describe('runtime shim: expect', () => {
  it('toEqual: typed arrays by type and content, undefined properties ignored, bigint exact', () => {
    e(new Uint8Array([1, 2])).toEqual(new Uint8Array([1, 2]));
    fails(() => e(new Uint8Array([1, 2])).toEqual(new Uint8Array([1, 3])));
    fails(() => e(new Uint8Array([1])).toEqual(new Int8Array([1])));
    fails(() => e(new Uint8Array([1])).toEqual([1]));
    e({ a: 1, b: undefined }).toEqual({ a: 1 });
    fails(() => e({ a: 1, b: undefined }).toStrictEqual({ a: 1 }));
    fails(() => e({ a: 1n }).toEqual({ a: 1 }));
    fails(() => e([1, [2, 3]]).toEqual([1, [2, 4]]));
    fails(() => e(0).toEqual(-0));
    e(NaN).toBe(NaN);
  });

  it('toMatchObject is a recursive subset; arrays must match in length', () => {
    e({ a: { b: 1, c: 2 }, d: 3 }).toMatchObject({ a: { b: 1 } });
    fails(() => e({ a: { b: 1 } }).toMatchObject({ a: { b: 2 } }));
    fails(() => e({ a: [1, 2] }).toMatchObject({ a: [1] }));
  });

  it('toThrow, not, toContain, toMatch, comparisons', () => {
    e(() => {
      throw new Error('boom here');
    }).toThrow('boom');
    fails(() => e(() => {}).toThrow());
    fails(() =>
      e(() => {
        throw new Error('x');
      }).toThrow(/y/),
    );
    e(1).not.toBe(2);
    fails(() => e(1).not.toBe(1));
    e([1, 2]).toContain(2);
    fails(() => e('abc').toMatch(/d/));
    fails(() => e(1).toBeGreaterThan(1));
    fails(() => e(null).not.toBeNull());
  });
});

describe('runtime shim: runner', () => {
  it('counts passes, failures (incl. hooks and async), skips and runIf', async () => {
    const order: string[] = [];
    shim.describe('outer', () => {
      shim.beforeEach(() => void order.push('before'));
      shim.afterEach(() => void order.push('after'));
      shim.it('passes', () => void order.push('pass'));
      shim.it('fails', () => shim.expect(1).toBe(2));
      shim.it('fails async', async () => {
        await Promise.resolve();
        throw new Error('late');
      });
      shim.it.runIf(false)('skipped', () => {
        throw new Error('must not run');
      });
      shim.it.skip('skipped too', () => {});
    });
    shim.describe('table', () => {
      shim.it.each([
        ['a', 1],
        ['b', 2],
      ])('row %s is %i', (name: string, n: number) => shim.expect(n).toBe(name === 'a' ? 1 : 3));
      shim.it('unreachable', () => shim.expect.unreachable());
    });
    const s = await shim.runRegistered();
    expect(s).toMatchObject({ passed: 2, failed: 4, skipped: 2 });
    expect(s.failures.map((f) => f.name)).toEqual(['outer > fails', 'outer > fails async', 'table > row b is 2', 'table > unreachable']);
    expect(order.slice(0, 3)).toEqual(['before', 'pass', 'after']);
  });
});
