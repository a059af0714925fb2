/**
 * Constraint checks (BEHAVIOR.md §1.5). They run after the value has passed its type check,
 * in declaration order; the first failure is reported with the reference's exact text.
 * A constraint that does not fit the value's kind is not a registration error in the
 * reference — it fails every write, with its own message — and that is mirrored here.
 */
import { validationError } from '../errors.ts';
import type { Constraint } from './types.ts';
import type { Value } from './values.ts';
import { compileRegex, regexFinds } from './regex.ts';
import { formatF64 } from './rust-display.ts';
import { utf8ByteLength } from './text.ts';

/** The runtime kind of a validated, non-null value (enums are plain strings). */
export type ValueKind = 'bool' | 'int64' | 'uint64' | 'float64' | 'string' | 'bytes' | 'uuid' | 'timestamp' | 'list' | 'object';

const LENGTH_KINDS = { string: 'string', bytes: 'bytes', list: 'list' } as const;

function lengthOf(kind: ValueKind, value: Value): { label: string; len: number } | null {
  if (kind === 'string') return { label: LENGTH_KINDS.string, len: utf8ByteLength(value as string) };
  if (kind === 'bytes') return { label: LENGTH_KINDS.bytes, len: (value as Uint8Array).length };
  if (kind === 'list') return { label: LENGTH_KINDS.list, len: (value as Value[]).length };
  return null;
}

/** Applies `constraints` to `value` (of `kind`); throws the first failure at `path`. */
export function applyConstraints(path: readonly string[], kind: ValueKind, value: Value, constraints: readonly Constraint[]): void {
  for (const c of constraints) {
    const failure = checkConstraint(kind, value, c);
    if (failure !== null) throw validationError(path, failure);
  }
}

/** The failure message for one constraint, or null when it holds. */
export function checkConstraint(kind: ValueKind, value: Value, c: Constraint): string | null {
  switch (c.kind) {
    case 'min_i64':
    case 'max_i64':
      if (kind !== 'int64') return `${c.kind === 'min_i64' ? 'MinI64' : 'MaxI64'} constraint requires int64`;
      return compareBound(value as bigint, c.value, c.kind === 'min_i64');
    case 'min_u64':
    case 'max_u64':
      if (kind !== 'uint64') return `${c.kind === 'min_u64' ? 'MinU64' : 'MaxU64'} constraint requires uint64`;
      return compareBound(value as bigint, c.value, c.kind === 'min_u64');
    case 'min_f64':
    case 'max_f64': {
      if (kind !== 'float64') return `${c.kind === 'min_f64' ? 'MinF64' : 'MaxF64'} constraint requires float64`;
      const v = value as number;
      // `!(v < x)` rather than `v >= x`: NaN (on either side) passes, as in the reference.
      if (c.kind === 'min_f64') return v < c.value ? `value ${formatF64(v)} is below minimum ${formatF64(c.value)}` : null;
      return v > c.value ? `value ${formatF64(v)} is above maximum ${formatF64(c.value)}` : null;
    }
    case 'min_length':
    case 'max_length': {
      const l = lengthOf(kind, value);
      if (l === null) return `${c.kind === 'min_length' ? 'MinLength' : 'MaxLength'} applies to string, bytes, or list`;
      const len = BigInt(l.len);
      if (c.kind === 'min_length') return len < c.value ? `${l.label} length ${l.len} is below minimum ${c.value}` : null;
      return len > c.value ? `${l.label} length ${l.len} is above maximum ${c.value}` : null;
    }
    case 'regex': {
      if (kind !== 'string') return 'Regex constraint requires string';
      const compiled = compileRegex(c.value);
      if (!compiled.ok) return `invalid regex in schema: ${compiled.error}`;
      return regexFinds(compiled.re, value as string) ? null : 'string does not match regex';
    }
    case 'email': {
      if (kind !== 'string') return 'Email constraint requires string';
      const s = value as string;
      return s.includes('@') && s.includes('.') ? null : 'string is not a valid email shape';
    }
    case 'url': {
      if (kind !== 'string') return 'Url constraint requires string';
      const s = value as string;
      return s.startsWith('http://') || s.startsWith('https://') ? null : 'string must be an http(s) URL';
    }
    case 'non_empty': {
      const l = lengthOf(kind, value);
      if (l === null) return 'NonEmpty applies to string, bytes, or list';
      return l.len > 0 ? null : `${l.label} must be non-empty`;
    }
    default: {
      // Constraint objects can come from untyped callers; an unknown kind must not pass.
      const unknown: { kind?: unknown } = c;
      return `unknown constraint kind ${JSON.stringify(String(unknown.kind))}`;
    }
  }
}

function compareBound(v: bigint, bound: bigint, isMin: boolean): string | null {
  if (isMin) return v < bound ? `value ${v} is below minimum ${bound}` : null;
  return v > bound ? `value ${v} is above maximum ${bound}` : null;
}
