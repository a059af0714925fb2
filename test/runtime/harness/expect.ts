/**
 * `expect` for the runtime shim: vitest's semantics for the matchers the shared suites
 * use (toEqual ignores undefined properties and compares typed arrays by type and
 * content; toMatchObject is a recursive subset; primitives compare with Object.is).
 */

export class AssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssertionError';
  }
}

function show(v: unknown): string {
  try {
    if (typeof v === 'bigint') return `${v}n`;
    if (v instanceof Uint8Array) return `Uint8Array(${v.length})[${Array.from(v.subarray(0, 16)).join(',')}${v.length > 16 ? ',…' : ''}]`;
    const s = JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? `<bytes ${x.length}>` : x));
    if (s === undefined) return String(v);
    return s.length > 300 ? `${s.slice(0, 300)}…` : s;
  } catch {
    return String(v);
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function definedKeys(o: Record<string, unknown>): string[] {
  return Object.keys(o).filter((k) => o[k] !== undefined);
}

export function deepEqual(a: unknown, b: unknown, strict = false): boolean {
  if (Object.is(a, b)) return true;
  if (!isObj(a) || !isObj(b)) return false;
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || a.constructor !== b.constructor) return false;
    const x = a as unknown as ArrayLike<unknown>;
    const y = b as unknown as ArrayLike<unknown>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
    return true;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    return a.every((v, i) => deepEqual(v, b[i], strict));
  }
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map && b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !deepEqual(v, b.get(k), strict)) return false;
    return true;
  }
  if (a instanceof Set || b instanceof Set) {
    if (!(a instanceof Set && b instanceof Set) || a.size !== b.size) return false;
    for (const v of a) if (!b.has(v)) return false;
    return true;
  }
  if (a instanceof Error && b instanceof Error) return a.message === b.message;
  if (strict && Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const ka = strict ? Object.keys(a) : definedKeys(a);
  const kb = strict ? Object.keys(b) : definedKeys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k], strict));
}

function matchesObject(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((v, i) => matchesObject(actual[i], v));
  }
  if (isObj(expected) && !ArrayBuffer.isView(expected) && !(expected instanceof Date)) {
    if (!isObj(actual)) return false;
    return Object.keys(expected).every((k) => k in actual && matchesObject(actual[k], expected[k]));
  }
  return deepEqual(actual, expected);
}

type Matchers = {
  toBe(expected: unknown): void;
  toEqual(expected: unknown): void;
  toStrictEqual(expected: unknown): void;
  toMatchObject(expected: unknown): void;
  toBeNull(): void;
  toBeUndefined(): void;
  toBeDefined(): void;
  toBeTruthy(): void;
  toBeFalsy(): void;
  toContain(item: unknown): void;
  toHaveLength(n: number): void;
  toBeGreaterThan(n: number | bigint): void;
  toBeGreaterThanOrEqual(n: number | bigint): void;
  toBeLessThan(n: number | bigint): void;
  toBeLessThanOrEqual(n: number | bigint): void;
  toBeInstanceOf(ctor: abstract new (...args: never[]) => unknown): void;
  toMatch(pattern: RegExp | string): void;
  toThrow(expected?: RegExp | string | (abstract new (...args: never[]) => unknown)): void;
};

export type Assertion = Matchers & { not: Matchers };

function matchers(actual: unknown, negate: boolean, message: string | undefined): Matchers {
  const check = (pass: boolean, what: string) => {
    if (pass === negate) throw new AssertionError(`${message !== undefined ? `${message}: ` : ''}expected ${show(actual)} ${negate ? 'not ' : ''}${what}`);
  };
  return {
    toBe: (e) => check(Object.is(actual, e), `to be ${show(e)}`),
    toEqual: (e) => check(deepEqual(actual, e), `to equal ${show(e)}`),
    toStrictEqual: (e) => check(deepEqual(actual, e, true), `to strictly equal ${show(e)}`),
    toMatchObject: (e) => check(matchesObject(actual, e), `to match object ${show(e)}`),
    toBeNull: () => check(actual === null, 'to be null'),
    toBeUndefined: () => check(actual === undefined, 'to be undefined'),
    toBeDefined: () => check(actual !== undefined, 'to be defined'),
    toBeTruthy: () => check(Boolean(actual), 'to be truthy'),
    toBeFalsy: () => check(!actual, 'to be falsy'),
    toContain: (item) =>
      check(
        typeof actual === 'string' ? actual.includes(String(item)) : Array.from(actual as Iterable<unknown>).includes(item),
        `to contain ${show(item)}`,
      ),
    toHaveLength: (n) => check((actual as { length?: unknown }).length === n, `to have length ${n}`),
    toBeGreaterThan: (n) => check((actual as number) > n, `to be > ${show(n)}`),
    toBeGreaterThanOrEqual: (n) => check((actual as number) >= n, `to be >= ${show(n)}`),
    toBeLessThan: (n) => check((actual as number) < n, `to be < ${show(n)}`),
    toBeLessThanOrEqual: (n) => check((actual as number) <= n, `to be <= ${show(n)}`),
    toBeInstanceOf: (ctor) => check(actual instanceof ctor, `to be an instance of ${ctor.name}`),
    toMatch: (p) => check(typeof actual === 'string' && (typeof p === 'string' ? actual.includes(p) : p.test(actual)), `to match ${String(p)}`),
    toThrow: (expected) => {
      if (typeof actual !== 'function') throw new AssertionError('toThrow needs a function');
      let threw = false;
      let error: unknown;
      try {
        (actual as () => unknown)();
      } catch (e) {
        threw = true;
        error = e;
      }
      const text = error instanceof Error ? error.message : String(error);
      let pass = threw;
      if (threw && expected !== undefined) {
        if (typeof expected === 'string') pass = text.includes(expected);
        else if (expected instanceof RegExp) pass = expected.test(text);
        else pass = error instanceof expected;
      }
      if (pass === negate) {
        throw new AssertionError(
          `${message !== undefined ? `${message}: ` : ''}expected function ${negate ? 'not ' : ''}to throw${expected !== undefined ? ` ${String(expected)}` : ''}${threw ? `, got ${text}` : ', nothing was thrown'}`,
        );
      }
    },
  };
}

export type Expect = ((actual: unknown, message?: string) => Assertion) & { unreachable(message?: string): never };

export function makeExpect(): Expect {
  return Object.assign(
    (actual: unknown, message?: string) => Object.assign(matchers(actual, false, message), { not: matchers(actual, true, message) }),
    {
      unreachable(message?: string): never {
        throw new AssertionError(message ?? 'expected this line not to be reached');
      },
    },
  );
}
