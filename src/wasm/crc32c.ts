// PLACEHOLDER until the WebAssembly kernel lands (helper task "wasm-crc"): same API.
// Reflected CRC-32C (Castagnoli), FORMAT.md §15. `seed` continues a finished CRC.
const T = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  T[i] = c >>> 0;
}
export function crc32c(bytes: Uint8Array, seed = 0): number {
  let c = ~seed >>> 0;
  for (let i = 0; i < bytes.length; i++) c = T[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
export const crc32cUpdate = (crc: number, bytes: Uint8Array): number => crc32c(bytes, crc);
