/**
 * Exhaustive crash and I/O-error testing over the memfs simulator, SQLite style: run an
 * operation once to number its I/O calls, then re-run it from the same starting state once
 * per call, losing power (or failing) exactly there, and let the test inspect the result.
 *
 *   forEachCrashPoint(
 *     (fs) => openDatabase(fs, '/db.typra'),          // setup: not counted
 *     (db) => db.insert('users', row),                // operation under test
 *     (fs, point) => {                                // fs: the rebooted filesystem
 *       const db = openDatabase(fs, '/db.typra');
 *       expect(rowsOf(db)).toSatisfy(r => isBefore(r) || isAfter(r));
 *     },
 *   );
 *
 * The setup runs again on a fresh filesystem for every point, so it must be deterministic
 * (it usually is: memfs is).
 */
import { usageError, isModelVaultError } from '../errors.ts';
import { createMemFs, type CallInfo, type FaultErrno, type MemFs, type MemFsOptions } from './memfs.ts';
import type { CrashMode } from './memfs-model.ts';

export interface CrashPoint {
  /** The call at which power was lost. */
  readonly call: CallInfo;
  readonly when: 'before' | 'after';
  readonly mode: CrashMode;
  readonly seed: number;
  /** `#index before|after description [mode seed]`, for assertion messages. */
  readonly label: string;
}

export interface CrashPointOptions {
  /**
   * `auto` (default): before every selected call, plus after the last one (a crash after
   * call i is the same as a crash before call i+1). `both`: before and after each.
   */
  when?: 'auto' | 'before' | 'after' | 'both';
  /** Crash outcomes to try at each point (default `['random']`). */
  modes?: readonly CrashMode[];
  /** Seeds to try for each `random` point (default `[1]`). */
  seeds?: readonly number[];
  /** Which calls are crash points (default: mutating calls). */
  include?: (call: CallInfo) => boolean;
  /** Options for each fresh filesystem (the seed there drives partial writes only). */
  fs?: Omit<MemFsOptions, 'crashMode'>;
}

export interface EnumerationResult {
  /** The calls of the undisturbed run. */
  readonly calls: readonly CallInfo[];
  /** How many times `verify` ran. */
  readonly visited: number;
}

function dryRun<C>(
  setup: (fs: MemFs) => C,
  operation: (ctx: C, fs: MemFs) => void,
  fsOptions: MemFsOptions | undefined,
): CallInfo[] {
  const fs = createMemFs(fsOptions);
  const ctx = setup(fs);
  fs.resetCalls();
  operation(ctx, fs);
  return [...fs.calls];
}

function nondeterministic(expected: CallInfo, actual: CallInfo | undefined) {
  return usageError(
    'NondeterministicOperation',
    `call #${expected.index} was ${expected.description} in the counting run but ` +
      `${actual?.description ?? 'never happened'} when replayed`,
    { index: expected.index },
  );
}

/**
 * For every selected I/O call of `operation`: reset to the state `setup` builds, lose power
 * at that call, and hand the rebooted filesystem to `verify`.
 */
export function forEachCrashPoint<C>(
  setup: (fs: MemFs) => C,
  operation: (ctx: C, fs: MemFs) => void,
  verify: (fs: MemFs, point: CrashPoint) => void,
  options: CrashPointOptions = {},
): EnumerationResult {
  const calls = dryRun(setup, operation, options.fs);
  const include = options.include ?? ((c: CallInfo) => c.mutating);
  const selected = calls.filter(include);
  const when = options.when ?? 'auto';
  const modes = options.modes ?? ['random'];
  const seeds = options.seeds ?? [1];
  let visited = 0;

  const points: Array<{ call: CallInfo; when: 'before' | 'after' }> = [];
  selected.forEach((call, i) => {
    if (when === 'before' || when === 'both' || when === 'auto') points.push({ call, when: 'before' });
    if (when === 'after' || when === 'both' || (when === 'auto' && i === selected.length - 1)) {
      points.push({ call, when: 'after' });
    }
  });

  for (const { call, when: at } of points) {
    for (const mode of modes) {
      for (const seed of mode === 'random' ? seeds : seeds.slice(0, 1)) {
        const fs = createMemFs(options.fs);
        const ctx = setup(fs);
        fs.resetCalls();
        fs.crashAt(call.index, { when: at, mode, seed });
        try {
          operation(ctx, fs);
        } catch (e) {
          // Whatever the operation made of the power loss is irrelevant; other errors are bugs.
          if (!fs.crashed) throw e;
        }
        if (!fs.crashed || fs.crashedAt?.description !== call.description) {
          throw nondeterministic(call, fs.crashedAt ?? fs.calls[call.index]);
        }
        const label = `#${call.index} ${at} ${call.description} [${mode} seed ${seed}]`;
        verify(fs.recovered(), { call, when: at, mode, seed, label });
        visited++;
      }
    }
  }
  return { calls, visited };
}

export interface FaultPoint {
  readonly call: CallInfo;
  readonly errno: FaultErrno;
  readonly label: string;
}

export interface FaultPointOptions {
  /** Errors to inject at each point (default `['EIO']`). */
  errnos?: readonly FaultErrno[];
  /** What a failing write applies first (default `none`). */
  partial?: 'none' | 'random';
  /** Which calls fail (default: every call). */
  include?: (call: CallInfo) => boolean;
  fs?: Omit<MemFsOptions, 'crashMode'>;
}

/**
 * For every selected I/O call of `operation`: reset, make that call fail with each errno,
 * run the operation, and hand `verify` the still-running filesystem (crash it there to
 * test what a failed commit leaves on disk) and what the operation threw, if anything.
 */
export function forEachFaultPoint<C>(
  setup: (fs: MemFs) => C,
  operation: (ctx: C, fs: MemFs) => void,
  verify: (fs: MemFs, point: FaultPoint, error: unknown, ctx: C) => void,
  options: FaultPointOptions = {},
): EnumerationResult {
  const calls = dryRun(setup, operation, options.fs);
  const selected = calls.filter(options.include ?? (() => true));
  const errnos = options.errnos ?? ['EIO'];
  let visited = 0;
  for (const call of selected) {
    for (const errno of errnos) {
      const fs = createMemFs(options.fs);
      const ctx = setup(fs);
      fs.resetCalls();
      fs.failAt(call.index, errno, { partial: options.partial ?? 'none' });
      let error: unknown;
      try {
        operation(ctx, fs);
      } catch (e) {
        error = e;
      }
      const seen = fs.calls[call.index];
      if (seen === undefined || seen.description !== call.description) throw nondeterministic(call, seen);
      if (error !== undefined && !isModelVaultError(error)) throw error;
      verify(fs, { call, errno, label: `#${call.index} ${call.description} ${errno}` }, error, ctx);
      visited++;
    }
  }
  return { calls, visited };
}
