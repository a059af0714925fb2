/**
 * Query values → the engine's scalar representation of the field's type. Every comparison
 * value passes through here, so a predicate can never compare across kinds (the reference
 * compares raw values, and an index lookup with the wrong kind matches where a scan does
 * not, BEHAVIOR.md §6.3).
 */
import type { ScalarType } from '../schema/types.ts';
import type { ScalarValue } from '../schema/values.ts';
import { uuidFromText } from '../schema/tagged-json.ts';
import { isModelVaultError } from '../errors.ts';
import { queryError } from './fields.ts';

const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
const U64_MAX = (1n << 64n) - 1n;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v instanceof Uint8Array) return 'bytes';
  if (Array.isArray(v)) return 'list';
  return typeof v;
}

function mismatch(path: readonly string[], type: ScalarType, v: unknown, why?: string): never {
  const p = path.join('.');
  throw queryError('TypeMismatch', why ?? `cannot compare field ${JSON.stringify(p)} of type ${type} with a ${describe(v)} value`, {
    path: [...path],
    type,
    got: describe(v),
  });
}

function toBigInt(path: readonly string[], type: ScalarType, v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v === 'number' && Number.isInteger(v)) {
    mismatch(path, type, v, `integer ${v} for field ${JSON.stringify(path.join('.'))} is not exact as a JS number; pass a bigint`);
  }
  return mismatch(path, type, v);
}

export function coerceScalar(path: readonly string[], type: ScalarType, v: unknown): ScalarValue {
  switch (type) {
    case 'bool':
      return typeof v === 'boolean' ? v : mismatch(path, type, v);
    case 'int64':
    case 'timestamp': {
      const b = toBigInt(path, type, v);
      if (b < I64_MIN || b > I64_MAX) mismatch(path, type, v, `value ${b} is out of range for ${type} field ${JSON.stringify(path.join('.'))}`);
      return b;
    }
    case 'uint64': {
      const b = toBigInt(path, type, v);
      if (b < 0n || b > U64_MAX) mismatch(path, type, v, `value ${b} is out of range for uint64 field ${JSON.stringify(path.join('.'))}`);
      return b;
    }
    case 'float64':
      if (typeof v === 'number') return v;
      if (typeof v === 'bigint' && BigInt(Number(v)) === v) return Number(v);
      return mismatch(path, type, v);
    case 'string':
      return typeof v === 'string' ? v : mismatch(path, type, v);
    case 'bytes':
      return v instanceof Uint8Array ? v : mismatch(path, type, v);
    case 'uuid':
      if (v instanceof Uint8Array) return v.length === 16 ? v : mismatch(path, type, v, `a uuid is 16 bytes, got ${v.length}`);
      if (typeof v === 'string') {
        try {
          return uuidFromText(v);
        } catch (e) {
          if (isModelVaultError(e)) mismatch(path, type, v, `invalid uuid text ${JSON.stringify(v)}`);
          throw e;
        }
      }
      return mismatch(path, type, v);
  }
}
