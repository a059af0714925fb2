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

export function hasField(target: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(target, key);
}

export function isPlainObjectValue(v: unknown): v is { [key: string]: Value } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}
