/**
 * Loads the embedded kernel module (assembly/ → scripts/build-wasm.mjs) on first use.
 *
 * Instantiation is synchronous (`new WebAssembly.Module` + `new WebAssembly.Instance`) so
 * the engine API can stay synchronous; the module is under 4 KiB, the limit Chromium
 * enforces for synchronous compilation on the main thread. `ready()` is the asynchronous
 * alternative for hosts that refuse synchronous compilation anyway; after it resolves,
 * every later use is synchronous. Importing this file costs nothing until first use.
 */
import { KERNELS_WASM_BASE64 } from './generated/kernels.ts';
import { ModelVaultError } from '../errors.ts';

/** The raw exports of the kernel module (addresses are absolute byte offsets). */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  init(): void;
  /** First byte of the JS-managed region; everything below holds kernel tables. */
  scratchBase(): number;
  /** CRC-32C of `len` bytes at `ptr`, continuing the finished CRC `seed`; returns i32. */
  crc32c(ptr: number, len: number, seed: number): number;
  /** Writes a checkpoint payload's version and replay offset at `out`; returns the next address. */
  checkpointHead(out: number, replayLo: number, replayHi: number): number;
  /**
   * Writes `count` (if `withCount`), then `n` pieces of a (ptr, len) table behind u32 lengths
   * at `p` — entry i, or entry `perm[i]` when `perm` (n u32) is non-zero; returns the end.
   */
  checkpointPieces(desc: number, n: number, p: number, withCount: number, count: number, perm: number): number;
  /** Stable LSD radix order of `n` `w`-byte keys at `keys`; `a`, `b`: n-u32 work areas; returns the one holding it. */
  radixOrder(keys: number, n: number, w: number, a: number, b: number): number;
}

let instance: KernelExports | null = null;
let pending: Promise<void> | null = null;

function moduleBytes(): Uint8Array {
  const bin = atob(KERNELS_WASM_BASE64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function adopt(inst: WebAssembly.Instance): KernelExports {
  const k = inst.exports as unknown as KernelExports;
  k.init();
  instance = k;
  return k;
}

function unavailable(cause: unknown): never {
  throw new ModelVaultError(
    'Usage.WasmUnavailable',
    `cannot instantiate the WebAssembly kernels: ${cause instanceof Error ? cause.message : String(cause)}` +
      ' (await ready() first where synchronous compilation is refused)',
    {},
    { cause },
  );
}

/** The kernel exports, instantiating the module synchronously on first call. */
export function kernels(): KernelExports {
  if (instance !== null) return instance;
  try {
    return adopt(new WebAssembly.Instance(new WebAssembly.Module(moduleBytes() as BufferSource), {}));
  } catch (e) {
    return unavailable(e);
  }
}

/**
 * Resolves once the kernels are instantiated, compiling asynchronously. Optional
 * everywhere the module compiles synchronously (Node, Deno, Bun, workers, and browser main
 * threads for modules under 4 KiB).
 */
export function ready(): Promise<void> {
  if (instance !== null) return Promise.resolve();
  if (pending === null) {
    let compiled: Promise<WebAssembly.WebAssemblyInstantiatedSource>;
    try {
      compiled = WebAssembly.instantiate(moduleBytes() as BufferSource, {});
    } catch (e) {
      // No WebAssembly at all (or no atob): report it like every other failure.
      compiled = Promise.reject(e);
    }
    pending = compiled.then(
      (result) => {
        if (instance === null) adopt(result.instance);
      },
      (e: unknown) => {
        pending = null;
        unavailable(e);
      },
    );
  }
  return pending;
}
