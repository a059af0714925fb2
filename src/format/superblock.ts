/**
 * The two 4096-byte superblock slots (FORMAT.md §3): decoding with the §3.3 checks in
 * order, selection of the active slot (§3.4) and the next superblock of a publish (§3.5).
 */
import { ModelVaultError, formatError } from '../errors.ts';
import { crc32c } from '../wasm/crc32c.ts';
import { CHECKSUM_KIND_CRC32C, MANIFEST_PAYLOAD_SIZE, SUPERBLOCK_SIZE, U32_MAX, U64_MAX, U8_MAX } from './constants.ts';
import { hasMagic } from './header.ts';
import { requireU64, requireUint } from './int-args.ts';

export interface Superblock {
  version: 0 | 1;
  generation: bigint;
  manifestOffset: bigint;
  manifestLen: number;
  checksumKind: number;
  checkpointOffset: bigint;
  checkpointLen: number;
}

/** ASCII `TSB0`. */
export const SUPERBLOCK_MAGIC: readonly number[] = [0x54, 0x53, 0x42, 0x30];
/** Bytes covered by the CRC: v1 +0..+47 (CRC at +48), v0 +0..+31 (CRC at +32). */
const V1_CRC_AT = 48;
const V0_CRC_AT = 32;

/** What publishing treats as `current` when neither slot is valid (§3.5 step 2). */
export const EMPTY_SUPERBLOCK: Superblock = Object.freeze({
  version: 1,
  generation: 0n,
  manifestOffset: 0n,
  manifestLen: 0,
  checksumKind: 0,
  checkpointOffset: 0n,
  checkpointLen: 0,
});

export function decodeSuperblock(bytes: Uint8Array): Superblock {
  if (bytes.length < SUPERBLOCK_SIZE) {
    throw formatError('TruncatedSuperblock', `truncated superblock: got ${bytes.length} bytes, expected ${SUPERBLOCK_SIZE}`, {
      got: bytes.length,
      expected: SUPERBLOCK_SIZE,
    });
  }
  if (!hasMagic(bytes, 0, SUPERBLOCK_MAGIC)) {
    const got = bytes.slice(0, 4);
    throw formatError('BadSuperblockMagic', `bad superblock magic bytes: expected "TSB0", got [${[...got].join(', ')}]`, { got });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, SUPERBLOCK_SIZE);
  const version = view.getUint16(4, true);
  if (version !== 0 && version !== 1) {
    throw formatError('UnsupportedVersion', `unsupported superblock version ${version}`, { major: 0, minor: version });
  }
  const checksumKind = bytes[28]!;
  if (checksumKind !== CHECKSUM_KIND_CRC32C) {
    throw formatError('UnsupportedVersion', `unsupported superblock checksum kind ${checksumKind}`, {
      major: 0,
      minor: checksumKind,
    });
  }
  const crcAt = version === 1 ? V1_CRC_AT : V0_CRC_AT;
  if (crc32c(bytes.subarray(0, crcAt)) !== view.getUint32(crcAt, true)) {
    throw formatError('BadSuperblockChecksum', 'superblock checksum mismatch');
  }
  return {
    version: version as 0 | 1,
    generation: view.getBigUint64(8, true),
    manifestOffset: view.getBigUint64(16, true),
    manifestLen: view.getUint32(24, true),
    checksumKind,
    // Version 0 has no checkpoint pointer (§3.2).
    checkpointOffset: version === 1 ? view.getBigUint64(36, true) : 0n,
    checkpointLen: version === 1 ? view.getUint32(44, true) : 0,
  };
}

/** Always layout version 1 (§3.1): current writers never write version 0. */
export function encodeSuperblock(sb: Omit<Superblock, 'version'>): Uint8Array {
  const out = new Uint8Array(SUPERBLOCK_SIZE);
  const view = new DataView(out.buffer);
  out.set(SUPERBLOCK_MAGIC, 0);
  view.setUint16(4, 1, true);
  view.setBigUint64(8, requireU64('generation', sb.generation), true);
  view.setBigUint64(16, requireU64('manifestOffset', sb.manifestOffset), true);
  view.setUint32(24, requireUint('manifestLen', sb.manifestLen, U32_MAX), true);
  out[28] = requireUint('checksumKind', sb.checksumKind, U8_MAX);
  view.setBigUint64(36, requireU64('checkpointOffset', sb.checkpointOffset), true);
  view.setUint32(44, requireUint('checkpointLen', sb.checkpointLen, U32_MAX), true);
  view.setUint32(V1_CRC_AT, crc32c(out.subarray(0, V1_CRC_AT)), true);
  return out;
}

function tryDecode(bytes: Uint8Array): Superblock | null {
  try {
    return decodeSuperblock(bytes);
  } catch (e) {
    if (e instanceof ModelVaultError) return null;
    throw e;
  }
}

/** §3.4: invalid slots are ignored; a generation tie selects A; null when neither is valid. */
export function selectSuperblock(slotA: Uint8Array, slotB: Uint8Array): { slot: 'A' | 'B'; sb: Superblock } | null {
  const a = tryDecode(slotA);
  const b = tryDecode(slotB);
  if (a !== null && (b === null || a.generation >= b.generation)) return { slot: 'A', sb: a };
  if (b !== null) return { slot: 'B', sb: b };
  return null;
}

/**
 * §3.5 step 3. The caller writes the result into the slot other than `current`'s.
 * A version-0 `current` has no checkpoint pointer, so it contributes 0/0.
 */
export function nextSuperblock(
  current: Superblock,
  manifestOffset: number,
  checkpoint?: { offset: number; len: number },
): Omit<Superblock, 'version'> {
  requireUint('manifestOffset', manifestOffset, Number.MAX_SAFE_INTEGER);
  const generation = current.generation >= U64_MAX ? U64_MAX : current.generation + 1n;
  let checkpointOffset = current.version === 1 ? current.checkpointOffset : 0n;
  let checkpointLen = current.version === 1 ? current.checkpointLen : 0;
  if (checkpoint !== undefined) {
    checkpointOffset = BigInt(requireUint('checkpoint.offset', checkpoint.offset, Number.MAX_SAFE_INTEGER));
    checkpointLen = requireUint('checkpoint.len', checkpoint.len, U32_MAX);
  }
  return {
    generation,
    manifestOffset: BigInt(manifestOffset),
    manifestLen: MANIFEST_PAYLOAD_SIZE,
    checksumKind: current.checksumKind,
    checkpointOffset,
    checkpointLen,
  };
}
