/**
 * Structured events for opens, recoveries and maintenance operations (the reference's
 * tracing spans): `start`, then `success` or `failure`, with bytes, offsets and duration.
 *
 * Two sinks: the `modelvault:maintenance` channel of `node:diagnostics_channel` where the
 * runtime has it (found through `process.getBuiltinModule`, so browser bundles import no
 * Node built-in), and an `onEvent` callback passed to each operation. Zero cost when nobody
 * listens: `span()` returns null and no event object is built.
 */
import { ModelVaultError } from '../errors.ts';

export type MaintenanceOp = 'open' | 'recovery' | 'checkpoint' | 'compact' | 'export' | 'restore';

export interface MaintenanceEvent {
  op: MaintenanceOp;
  phase: 'start' | 'success' | 'failure';
  path: string;
  /** Milliseconds since `start` (success/failure only). */
  durationMs?: number;
  /** Operation-specific numbers: bytesBefore/bytesAfter, offset, payloadLength, rows… */
  data?: Record<string, number | string | boolean | null>;
  /** `failure` only. */
  error?: { code: string; message: string };
}

export type EventListener = (event: MaintenanceEvent) => void;

export const CHANNEL_NAME = 'modelvault:maintenance';

interface Channel {
  readonly hasSubscribers: boolean;
  publish(message: unknown): void;
}

let channel: Channel | null | undefined;

function diagnosticsChannel(): Channel | null {
  if (channel !== undefined) return channel;
  channel = null;
  try {
    const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const dc = p?.getBuiltinModule?.('node:diagnostics_channel') as { channel(name: string): Channel } | undefined;
    if (dc !== undefined) channel = dc.channel(CHANNEL_NAME);
  } catch {
    channel = null;
  }
  return channel;
}

export class Span {
  private readonly t0 = now();
  constructor(
    private readonly op: MaintenanceOp,
    private readonly path: string,
    private readonly listener: EventListener | undefined,
  ) {
    this.emit({ op, phase: 'start', path });
  }

  succeed(data?: MaintenanceEvent['data']): void {
    this.emit({ op: this.op, phase: 'success', path: this.path, durationMs: now() - this.t0, ...(data ? { data } : {}) });
  }

  fail(e: unknown, data?: MaintenanceEvent['data']): void {
    const error =
      e instanceof ModelVaultError ? { code: e.code, message: e.message } : { code: 'Unknown', message: String(e) };
    this.emit({ op: this.op, phase: 'failure', path: this.path, durationMs: now() - this.t0, error, ...(data ? { data } : {}) });
  }

  private emit(event: MaintenanceEvent): void {
    // A throwing listener must not turn a successful operation into a failed one.
    try {
      this.listener?.(event);
    } catch {
      /* ignored */
    }
    const ch = diagnosticsChannel();
    if (ch !== null && ch.hasSubscribers) ch.publish(event);
  }
}

/** A span when someone listens (callback or channel subscriber), else null. */
export function span(op: MaintenanceOp, path: string, listener?: EventListener): Span | null {
  if (listener === undefined) {
    const ch = diagnosticsChannel();
    if (ch === null || !ch.hasSubscribers) return null;
  }
  return new Span(op, path, listener);
}

/** Runs `fn` inside a span: start, then success with `data(result)` or failure. */
export function traced<T>(
  op: MaintenanceOp,
  path: string,
  listener: EventListener | undefined,
  fn: () => T,
  data?: (result: T) => MaintenanceEvent['data'],
): T {
  const s = span(op, path, listener);
  if (s === null) return fn();
  let result: T;
  try {
    result = fn();
  } catch (e) {
    s.fail(e);
    throw e;
  }
  s.succeed(data?.(result));
  return result;
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/** What an open reports (a structural subset of `Database`, to keep this module engine-free). */
interface OpenedHandle {
  readonly store: { length(): number };
  readonly formatMinor: number;
  readonly recoveryInfo: {
    truncatedBytes: number;
    reason: string | null;
    safeEnd: number;
    healed: boolean;
    checkpoint: string;
  };
}

/**
 * An `open` span around `fn`, plus a `recovery` event (start and success) when the open
 * cut a torn tail or healed the superblock.
 */
export function traceOpen<T extends OpenedHandle>(path: string, listener: EventListener | undefined, fn: () => T): T {
  const s = span('open', path, listener);
  if (s === null) return fn();
  let db: T;
  try {
    db = fn();
  } catch (e) {
    s.fail(e);
    throw e;
  }
  const info = db.recoveryInfo;
  if (info.truncatedBytes > 0 || info.healed) {
    const r = new Span('recovery', path, listener);
    r.succeed({ truncatedBytes: info.truncatedBytes, reason: info.reason, safeEnd: info.safeEnd, healed: info.healed });
  }
  s.succeed({ bytes: db.store.length(), minor: db.formatMinor, checkpoint: info.checkpoint, safeEnd: info.safeEnd });
  return db;
}
