/**
 * Range checks for values handed to the framing encoders. DataView silently wraps
 * out-of-range numbers (and throws TypeError/RangeError for wrong kinds), which would
 * write a different value than the caller meant; refusing with a typed error instead
 * keeps every failure a ModelVaultError.
 */
import { usageError } from '../errors.ts';

export function requireUint(name: string, v: number, max: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > max) {
    throw usageError('InvalidArgument', `${name} must be an integer in 0..=${max}, got ${String(v)}`, {
      name,
      value: v,
    });
  }
  return v;
}

export function requireU64(name: string, v: bigint): bigint {
  if (typeof v !== 'bigint' || v < 0n || v > 0xffff_ffff_ffff_ffffn) {
    throw usageError('InvalidArgument', `${name} must be a u64 bigint, got ${String(v)}`, {
      name,
      value: v,
    });
  }
  return v;
}
