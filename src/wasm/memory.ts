/**
 * The kernel module's linear memory as seen from JS:
 *
 *   [0, copyBase)                    kernel tables (built by init(), owned by assembly/)
 *   [copyBase, copyBase + COPY_WINDOW)  copy-in window: crc32c() copies caller bytes here
 *   [arenaBase, memory end)          the arena (arena.ts), grown on demand
 *
 * Memory only grows through `ensureArenaBytes`, so the cached byte view is refreshed in
 * exactly one place and the hot paths never re-read `memory.buffer`.
 */
import { ioError } from '../errors.ts';
import { kernels } from './module.ts';
import type { KernelExports } from './module.ts';

/** Size of the copy-in window; larger inputs are checksummed in chunks of this size. */
export const COPY_WINDOW = 64 * 1024;
const PAGE = 64 * 1024;
/** wasm32 addresses are u32: memory cannot exceed 65536 pages (4 GiB). */
const MAX_PAGES = 65536;

export interface Heap {
  readonly k: KernelExports;
  /** View over the whole memory; replaced (the old one detached) when memory grows. */
  u8: Uint8Array;
  readonly copyBase: number;
  readonly arenaBase: number;
}

let current: Heap | null = null;

export function heap(): Heap {
  if (current !== null) return current;
  const k = kernels();
  const copyBase = k.scratchBase();
  current = { k, u8: new Uint8Array(k.memory.buffer), copyBase, arenaBase: copyBase + COPY_WINDOW };
  return current;
}

/** Bytes the arena can hold without growing. */
export function arenaCapacity(h: Heap = heap()): number {
  return h.u8.length - h.arenaBase;
}

/** Largest arena size the address space allows. */
export function arenaLimit(h: Heap = heap()): number {
  return MAX_PAGES * PAGE - h.arenaBase;
}

/**
 * Makes the arena at least `bytes` long, growing memory if needed. Growing detaches every
 * view handed out before (their length drops to 0); callers re-fetch views afterwards.
 */
export function ensureArenaBytes(bytes: number, h: Heap = heap()): void {
  const need = h.arenaBase + bytes;
  if (need <= h.u8.length) return;
  const pages = Math.ceil((need - h.u8.length) / PAGE);
  if (h.u8.length / PAGE + pages > MAX_PAGES) {
    throw ioError('OutOfMemory', `WebAssembly arena cannot grow to ${bytes} bytes (4 GiB address space)`, {
      requested: bytes,
    });
  }
  try {
    h.k.memory.grow(pages);
  } catch (e) {
    throw ioError('OutOfMemory', `WebAssembly memory could not grow by ${pages} pages`, { requested: bytes }, e);
  }
  h.u8 = new Uint8Array(h.k.memory.buffer);
}
