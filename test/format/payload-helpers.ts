import { expect } from 'vitest';
import { ModelVaultError } from '../../src/errors.ts';

export function hex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

export function unhex(s: string): Uint8Array {
  const clean = s.replace(/[^0-9a-fA-F]/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Runs `fn`, asserts it throws a ModelVaultError with `code`, and returns the error. */
export function expectCode(fn: () => unknown, code: string, details?: Record<string, unknown>): ModelVaultError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected ${code}`).toBeInstanceOf(ModelVaultError);
  const err = caught as ModelVaultError;
  expect(err.code).toBe(code);
  if (details) expect(err.details).toMatchObject(details);
  return err;
}
