/**
 * The messages between an `AsyncDatabase` and the worker that runs the synchronous engine.
 * Everything crosses by structured clone (bigint, Uint8Array and plain objects survive);
 * errors cross as `{ code, message, details }` and are rebuilt as ModelVaultError.
 */
import { ModelVaultError, usageError } from '../errors.ts';

export type Factory = 'open' | 'openInMemory' | 'fromSnapshotBytes' | 'openImage';

export type Request =
  | { id: number; kind: 'open'; factory: Factory; args: unknown[] }
  | { id: number; kind: 'call'; handle: number; method: string; args: unknown[] }
  | { id: number; kind: 'prop'; handle: number; name: string }
  | { id: number; kind: 'clone'; handle: number }
  | { id: number; kind: 'close'; handle: number };

export interface WireError {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

export type Response = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WireError };

/** The error as it can cross a structured clone (the cause and stack stay behind). */
export function toWireError(e: unknown): WireError {
  if (e instanceof ModelVaultError) return { code: e.code, message: e.message, details: { ...e.details } };
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return { code: 'Usage.WorkerFailure', message: `the database worker failed: ${message}`, details: {} };
}

export function fromWireError(w: WireError): ModelVaultError {
  return new ModelVaultError(w.code, w.message, w.details);
}

export function isRequest(m: unknown): m is Request {
  return typeof m === 'object' && m !== null && typeof (m as { id?: unknown }).id === 'number' && typeof (m as { kind?: unknown }).kind === 'string';
}

export function isResponse(m: unknown): m is Response {
  return typeof m === 'object' && m !== null && typeof (m as { id?: unknown }).id === 'number' && typeof (m as { ok?: unknown }).ok === 'boolean';
}

export function workerGone(reason: string): ModelVaultError {
  return usageError('WorkerFailure', `the database worker is gone: ${reason}`);
}
