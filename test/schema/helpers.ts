import { isModelVaultError } from '../../src/errors.ts';
import type { CollectionDef, Constraint, FieldDef, IndexDef, Type } from '../../src/schema/types.ts';

export const field = (path: string | string[], type: Type, constraints: Constraint[] = []): FieldDef => ({
  path: typeof path === 'string' ? [path] : path,
  type,
  constraints,
});

export const index = (name: string, path: string | string[], kind: IndexDef['kind'] = 'non_unique'): IndexDef => ({
  name,
  path: typeof path === 'string' ? [path] : path,
  kind,
});

export function collection(fields: FieldDef[], primaryField: string | null = 'id', indexes: IndexDef[] = []): CollectionDef {
  return { id: 7, name: 'c', schemaVersion: 1, fields, indexes, primaryField };
}

/** The error `fn` throws, as {code, path?, message}; fails the test if it does not throw a ModelVaultError. */
export function errorOf(fn: () => unknown): { code: string; message: string; path?: string[]; details: Record<string, unknown> } {
  try {
    fn();
  } catch (e) {
    if (!isModelVaultError(e)) throw new Error(`expected a ModelVaultError, got ${String(e)}`);
    const details = e.details as Record<string, unknown>;
    return e.code === 'Validation.Invalid'
      ? { code: e.code, message: details.message as string, path: details.path as string[], details }
      : { code: e.code, message: e.message, details };
  }
  throw new Error('expected an error, none thrown');
}
