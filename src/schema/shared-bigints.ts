/**
 * One shared bigint per small integer. V8 allocates every bigint as its own heap object, so
 * a field holding a few repeated small values (group ids, counters, status codes) would cost
 * one object per row — memory, and a cache miss on every comparison a scan or an index
 * re-check makes. Bigints are immutable and compare by value, so handing out one shared
 * object per value cannot be observed.
 */
const LOW = -128;
const HIGH = 1024;
const LOW_N = BigInt(LOW);
const HIGH_N = BigInt(HIGH);
const CACHE: readonly bigint[] = Array.from({ length: HIGH - LOW }, (_, i) => BigInt(i + LOW));

/** `v` itself, or the shared object holding its value when it is small. */
export function sharedBigInt(v: bigint): bigint {
  return v >= LOW_N && v < HIGH_N ? CACHE[Number(v) - LOW]! : v;
}

/** `BigInt(n)` for a safe integer, shared when small. */
export function bigIntOf(n: number): bigint {
  return n >= LOW && n < HIGH ? CACHE[n - LOW]! : BigInt(n);
}
