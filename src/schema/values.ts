/**
 * The in-memory value model (BEHAVIOR.md §1.4). JavaScript cannot tell int64 from float64
 * from a `number`, so values are interpreted through the schema, and 64-bit integers are
 * always `bigint`:
 *
 * | schema type          | JS value                      |
 * |----------------------|-------------------------------|
 * | bool                 | boolean                       |
 * | int64/uint64/timestamp | bigint                      |
 * | float64              | number                        |
 * | string / enum        | string                        |
 * | bytes                | Uint8Array                    |
 * | uuid                 | Uint8Array of length 16       |
 * | optional (absent)    | null                          |
 * | list                 | Value[]                       |
 * | object               | plain object keyed by member name |
 */
export type Value = null | boolean | bigint | number | string | Uint8Array | Value[] | { [key: string]: Value };
export type Row = { [field: string]: Value };
export type ScalarValue = boolean | bigint | number | string | Uint8Array;

/**
 * Field names come from files and users; `__proto__` must become an own property rather
 * than re-parenting the object, so all row/object construction goes through here.
 */
export function setField(target: { [key: string]: Value }, key: string, value: Value): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/**
 * Freezes a stored row and every object and list inside it (bytes stay as they are: a
 * typed array with elements cannot be frozen). Stored rows are shared with callers and
 * index buckets verify a row once for as long as it is stored (engine/index-state.ts), so a
 * row must not change after it is stored; writes replace rows, they never mutate them.
 */
export function freezeRow(row: Row): Row {
  for (const k in row) freezeValue(row[k]!);
  return Object.freeze(row);
}

function freezeValue(v: Value): void {
  if (typeof v !== 'object' || v === null || v instanceof Uint8Array) return;
  if (Array.isArray(v)) for (let i = 0; i < v.length; i++) freezeValue(v[i]!);
  else for (const k in v) freezeValue(v[k]!);
  Object.freeze(v);
}

export function hasField(target: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(target, key);
}

export function isPlainObjectValue(v: unknown): v is { [key: string]: Value } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}
