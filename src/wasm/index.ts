// The WebAssembly layer: kernel loading, the arena, and the CRC entry points.
export { crc32c, crc32cUpdate } from './crc32c.ts';
export {
  arenaAlloc, arenaCommitted, arenaReset, arenaUsed, arenaView, crc32cArena, crc32cScratch, wasmScratch,
} from './arena.ts';
export { ready } from './module.ts';
