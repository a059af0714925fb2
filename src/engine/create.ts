/**
 * Initialising a database image (FORMAT.md §3.6): header, zero-filled superblock area,
 * slot A generation 1 and slot B generation 0, then one publish. The result for minor 6 is
 * the 8274-byte image of §18.1. The same steps (with minor 3) upgrade a header-only minor-2
 * file (§13.2 step 4).
 */
import { HEADER_SIZE, SEGMENT_START, SUPERBLOCK_A_OFFSET, SUPERBLOCK_B_OFFSET } from '../format/constants.ts';
import { encodeHeader } from '../format/header.ts';
import { encodeSuperblock } from '../format/superblock.ts';
import type { Store } from '../storage/store.ts';
import { publish } from './publish.ts';

const emptySuperblock = (generation: bigint) =>
  encodeSuperblock({
    generation,
    manifestOffset: 0n,
    manifestLen: 0,
    checksumKind: 0,
    checkpointOffset: 0n,
    checkpointLen: 0,
  });

export function initializeImage(store: Store, minor: number): void {
  store.writeAt(0, encodeHeader({ major: 0, minor, headerSize: HEADER_SIZE, flags: 0n }));
  store.writeAt(SEGMENT_START - 1, new Uint8Array(1));
  store.writeAt(SUPERBLOCK_A_OFFSET, emptySuperblock(1n));
  store.writeAt(SUPERBLOCK_B_OFFSET, emptySuperblock(0n));
  publish(store);
}
