/**
 * The subset of vitest's API the shared suites use (describe/it/expect/hooks), so the very
 * same suite files run under Deno, Bun and in a browser page or worker, where vitest itself
 * does not run. The runtime bundles (scripts/runtime-bundle.mjs) alias `vitest` to this
 * module; `runRegistered()` then runs everything the imported suites registered.
 */
import { makeExpect } from './expect.ts';

type Fn = () => unknown;

interface TestCase {
  name: string;
  fn: Fn;
  skip: boolean;
}

interface Suite {
  name: string;
  beforeEach: Fn[];
  afterEach: Fn[];
  beforeAll: Fn[];
  afterAll: Fn[];
  children: (Suite | TestCase)[];
}

const newSuite = (name: string): Suite => ({ name, beforeEach: [], afterEach: [], beforeAll: [], afterAll: [], children: [] });

const root = newSuite('');
let current = root;

export function describe(name: string, body: () => void): void {
  const suite = newSuite(name);
  current.children.push(suite);
  const parent = current;
  current = suite;
  try {
    body();
  } finally {
    current = parent;
  }
}
describe.skip = (_name: string, _body: () => void): void => {};

function register(name: string, fn: Fn, skip: boolean): void {
  current.children.push({ name, fn, skip });
}

/** vitest's printf-style test names for `it.each`: %s %d %i %f %j %o %%. */
function formatName(name: string, args: readonly unknown[]): string {
  let i = 0;
  return name.replace(/%[sdifjo%]/g, (m) => {
    if (m === '%%') return '%';
    const v = args[i++];
    if (m === '%j' || m === '%o') {
      try {
        return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x));
      } catch {
        return String(v);
      }
    }
    return m === '%d' || m === '%i' ? String(Math.trunc(Number(v))) : String(v);
  });
}

type ItFn = ((name: string, fn: Fn, timeout?: number) => void) & {
  skip: (name: string, fn: Fn, timeout?: number) => void;
  runIf: (cond: boolean) => (name: string, fn: Fn, timeout?: number) => void;
  skipIf: (cond: boolean) => (name: string, fn: Fn, timeout?: number) => void;
  each: <T>(table: readonly T[]) => (name: string, fn: (...args: any[]) => unknown, timeout?: number) => void;
};

export const it: ItFn = Object.assign((name: string, fn: Fn) => register(name, fn, false), {
  skip: (name: string, fn: Fn) => register(name, fn, true),
  runIf: (cond: boolean) => (name: string, fn: Fn) => register(name, fn, !cond),
  skipIf: (cond: boolean) => (name: string, fn: Fn) => register(name, fn, cond),
  each:
    <T,>(table: readonly T[]) =>
    (name: string, fn: (...args: any[]) => unknown) => {
      for (const row of table) {
        const args = Array.isArray(row) ? (row as unknown[]) : [row];
        register(formatName(name, args), () => fn(...args), false);
      }
    },
});
export const test = it;

export const beforeEach = (fn: Fn): void => void current.beforeEach.push(fn);
export const afterEach = (fn: Fn): void => void current.afterEach.push(fn);
export const beforeAll = (fn: Fn): void => void current.beforeAll.push(fn);
export const afterAll = (fn: Fn): void => void current.afterAll.push(fn);

export const expect = makeExpect();

export interface RunSummary {
  passed: number;
  failed: number;
  skipped: number;
  failures: { name: string; error: string }[];
}

function describeError(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return `${e.name}${typeof code === 'string' ? ` [${code}]` : ''}: ${e.message}`;
  }
  return String(e);
}

/** Runs every registered test in order; a filter keeps tests whose full name contains it. */
export async function runRegistered(options: { filter?: string; log?: (line: string) => void } = {}): Promise<RunSummary> {
  const log = options.log ?? (() => {});
  const summary: RunSummary = { passed: 0, failed: 0, skipped: 0, failures: [] };
  const walk = async (suite: Suite, prefix: string, eaches: { before: Fn[]; after: Fn[] }) => {
    const before = [...eaches.before, ...suite.beforeEach];
    const after = [...suite.afterEach, ...eaches.after];
    try {
      for (const h of suite.beforeAll) await h();
    } catch (e) {
      summary.failed++;
      summary.failures.push({ name: `${prefix}(beforeAll)`, error: describeError(e) });
      return;
    }
    for (const child of suite.children) {
      if ('children' in child) {
        await walk(child, `${prefix}${child.name} > `, { before, after });
        continue;
      }
      const name = `${prefix}${child.name}`;
      if (child.skip || (options.filter !== undefined && !name.includes(options.filter))) {
        summary.skipped++;
        continue;
      }
      let error: unknown = undefined;
      let failed = false;
      try {
        for (const h of before) await h();
        await child.fn();
      } catch (e) {
        failed = true;
        error = e;
      }
      try {
        for (const h of after) await h();
      } catch (e) {
        if (!failed) {
          failed = true;
          error = e;
        }
      }
      if (failed) {
        summary.failed++;
        summary.failures.push({ name, error: describeError(error) });
        log(`FAIL ${name}: ${describeError(error)}`);
      } else {
        summary.passed++;
      }
    }
    for (const h of suite.afterAll) await h();
  };
  await walk(root, '', { before: [], after: [] });
  return summary;
}
