/**
 * Engine errors re-told for people: which collection, which field, which value. The `code`
 * and the engine's `details` are kept (tests and programs match on them); the engine error
 * becomes the `cause`.
 */
import { ModelVaultError } from '../errors.ts';

const MAX_SHOWN = 80;

/** A value as a TypeScript programmer would write it, cut to a readable length. */
export function showValue(v: unknown): string {
  let s: string;
  if (v === undefined) return 'nothing';
  if (v === null) s = 'null';
  else if (typeof v === 'bigint') s = `${v}n`;
  else if (typeof v === 'string') s = JSON.stringify(v);
  else if (v instanceof Date) s = Number.isNaN(v.getTime()) ? 'Invalid Date' : `Date(${v.toISOString()})`;
  else if (v instanceof Uint8Array) s = `Uint8Array(${v.length}) [${Array.from(v.subarray(0, 16)).join(', ')}${v.length > 16 ? ', …' : ''}]`;
  else if (typeof v === 'object') {
    try {
      s = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? `Uint8Array(${x.length})` : x)) ?? String(v);
    } catch {
      s = Array.isArray(v) ? `an array of ${v.length}` : 'an object';
    }
  } else s = String(v);
  return s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN - 1)}…` : s;
}

const TS_NAMES: Record<string, string> = {
  bool: 'a boolean',
  int64: 'an int64 (bigint)',
  uint64: 'a uint64 (non-negative bigint)',
  float64: 'a number',
  string: 'a string',
  bytes: 'a Uint8Array',
  uuid: 'a uuid (16 bytes or its text form)',
  timestamp: 'a timestamp',
  list: 'an array',
  object: 'an object',
  'string (enum)': 'one of the enum strings',
};

/** The engine's validation wording, phrased as the end of "field "x" …". */
export function friendlyReason(message: string, expects?: string): string {
  switch (message) {
    case 'missing field':
    case 'missing object field':
      return 'is required but missing';
    case 'unexpected null for required field':
      return 'is required and cannot be null';
    case 'unknown field':
      return 'is not a field of this collection';
    case 'unknown field in object':
      return 'is not a member of this object';
  }
  const expected = /^expected (.+)$/.exec(message);
  if (expected !== null) return `must be ${expects ?? TS_NAMES[expected[1]!] ?? expected[1]}`;
  return `has an invalid value: ${message}`;
}

/** The value at `path` in a user's row (list indexes as decimal segments); undefined when absent. */
export function valueAt(row: unknown, path: readonly string[]): unknown {
  let v: unknown = row;
  for (const seg of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = Object.hasOwn(v, seg) ? (v as Record<string, unknown>)[seg] : undefined;
  }
  return v;
}

export interface WriteContext {
  /** E.g. `cannot insert into "users"`. */
  readonly action: string;
  readonly collection: string;
  /** The row as the caller gave it (values are shown from here). */
  readonly input: unknown;
  /** Names the index and value behind a unique violation, when it can be found. */
  readonly uniqueDetail?: () => { index: string; path: readonly string[]; value: unknown } | null;
  /** What the model says a value at `path` must be ("a Date", "a bigint" …). */
  readonly expects?: (path: readonly string[]) => string | undefined;
}

/** Re-tells a write failure; anything that is not a ModelVaultError is returned unchanged. */
export function explainWriteError(e: unknown, ctx: WriteContext): unknown {
  if (!(e instanceof ModelVaultError)) return e;
  const d = e.details;
  let text: string | null = null;
  let extra: Record<string, unknown> = {};
  if (e.kind === 'Validation' && Array.isArray(d.path) && typeof d.message === 'string') {
    const path = d.path as string[];
    const value = valueAt(ctx.input, path);
    if (path.length === 0) text = d.message;
    else text = `field "${path.join('.')}" ${friendlyReason(d.message, ctx.expects?.(path))} (got ${showValue(value)})`;
    extra = { value };
  } else if (e.code === 'Schema.RowMissingPrimary') {
    text = `the primary key "${String(d.name)}" is missing`;
  } else if (e.code === 'Schema.RowMissingField') {
    text = `field "${String(d.name)}" is required but missing`;
  } else if (e.code === 'Schema.RowUnknownField') {
    text = `field "${String(d.name)}" is not a field of this collection`;
  } else if (e.code === 'Schema.UniqueIndexViolation') {
    const u = ctx.uniqueDetail?.() ?? null;
    if (u !== null) {
      text = `another row already has ${u.path.join('.')} = ${showValue(u.value)} (unique index "${u.index}")`;
      extra = { index: u.index, path: [...u.path], value: u.value };
    } else text = 'the row repeats a value of a unique index';
  }
  if (text === null) return e;
  return new ModelVaultError(e.code, `${ctx.action}: ${text}`, { ...d, collection: ctx.collection, ...extra }, { cause: e });
}

/** Query failures gain the collection they concern (`query on "users": …`). */
export function explainQueryError(e: unknown, collection: string): unknown {
  if (!(e instanceof ModelVaultError) || e.kind !== 'Query') return e;
  return new ModelVaultError(e.code, `query on "${collection}": ${e.message}`, { ...e.details, collection }, { cause: e });
}

/** A primary-key argument of the wrong kind (get/delete/update), said in the model's terms. */
export function explainKeyError(e: unknown, action: string, collection: string, pkName: string, pk: unknown, expects: string | undefined): unknown {
  if (!(e instanceof ModelVaultError) || e.code !== 'Format.RecordPayloadTypeMismatch') return e;
  return new ModelVaultError(
    e.code,
    `${action}: the primary key "${pkName}" must be ${expects ?? 'of its declared type'} (got ${showValue(pk)})`,
    { ...e.details, collection, value: pk },
    { cause: e },
  );
}
