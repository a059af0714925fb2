import { describe, expect, it, vi } from 'vitest';
import { KERNELS_WASM_BASE64, KERNELS_WASM_SIZE } from '../../src/wasm/generated/kernels.ts';
import { kernels, ready } from '../../src/wasm/module.ts';

const bytes = () => Uint8Array.from(atob(KERNELS_WASM_BASE64), (c) => c.charCodeAt(0));

describe('kernel module', () => {
  it('is small enough for synchronous compilation on a browser main thread (<= 4 KiB)', () => {
    expect(bytes().length).toBe(KERNELS_WASM_SIZE);
    expect(KERNELS_WASM_SIZE).toBeLessThanOrEqual(4096);
  });

  it('needs no imports and carries no data segments (tables are built by init)', () => {
    const mod = new WebAssembly.Module(bytes());
    expect(WebAssembly.Module.imports(mod)).toEqual([]);
    expect(WebAssembly.Module.exports(mod).map((e) => e.name).sort()).toEqual(
      ['checkpointHead', 'checkpointPieces', 'crc32c', 'init', 'memory', 'radixOrder', 'scratchBase'].sort(),
    );
    // Section id 11 is the data section; walk the section headers.
    const b = bytes();
    let i = 8;
    const ids: number[] = [];
    while (i < b.length) {
      const id = b[i++]!;
      let size = 0;
      let shift = 0;
      for (;;) {
        const x = b[i++]!;
        size |= (x & 0x7f) << shift;
        shift += 7;
        if (x < 0x80) break;
      }
      ids.push(id);
      i += size;
    }
    expect(i).toBe(b.length);
    expect(ids).not.toContain(11);
  });

  it('instantiates synchronously once, and ready() resolves to the same instance', async () => {
    const k = kernels();
    expect(kernels()).toBe(k);
    await ready();
    expect(kernels()).toBe(k);
    expect(k.scratchBase() % 65536).toBe(0);
  });

  it('reports a missing WebAssembly as Usage.WasmUnavailable (sync and async), then recovers', async () => {
    vi.resetModules();
    const fresh = await import('../../src/wasm/module.ts');
    vi.stubGlobal('WebAssembly', undefined);
    try {
      let err: unknown;
      try {
        fresh.kernels();
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({ name: 'ModelVaultError', code: 'Usage.WasmUnavailable' });
      await expect(fresh.ready()).rejects.toMatchObject({ code: 'Usage.WasmUnavailable' });
    } finally {
      vi.unstubAllGlobals();
    }
    await fresh.ready();
    expect(fresh.kernels().crc32c).toBeTypeOf('function');
  });
});
