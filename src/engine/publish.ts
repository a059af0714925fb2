/**
 * Publishing (FORMAT.md §3.5): append a Manifest at the end of the log, then write the next
 * superblock into the slot that is not current, then fsync. The superblock write is the
 * commit point of a publish; the untouched slot keeps the previous state as a fallback.
 */
import {
  SEGMENT_START,
  SegmentType,
  SUPERBLOCK_A_OFFSET,
  SUPERBLOCK_B_OFFSET,
  SUPERBLOCK_SIZE,
} from '../format/constants.ts';
import { encodeManifest } from '../format/manifest.ts';
import { encodeSegment } from '../format/segment.ts';
import type { Superblock } from '../format/superblock.ts';
import { EMPTY_SUPERBLOCK, encodeSuperblock, nextSuperblock, selectSuperblock } from '../format/superblock.ts';
import type { Store } from '../storage/store.ts';

export interface PublishResult {
  manifestOffset: number;
  /** The slot written by this publish. */
  slot: 'A' | 'B';
  superblock: Superblock;
}

/** The Manifest segment (header + 18-byte payload) for a manifest at `offset`. */
export function manifestSegment(offset: number): Uint8Array {
  return encodeSegment(SegmentType.Manifest, encodeManifest(offset));
}

/**
 * §3.5 steps 2–5 for a Manifest already written at `manifestOffset` (a writer may append it
 * in the same write as its commit group). `checkpoint` replaces the checkpoint pointer;
 * omitted, the current one is carried forward.
 */
export function publishSuperblock(
  store: Store,
  manifestOffset: number,
  checkpoint?: { offset: number; len: number },
): PublishResult {
  const slots = store.readAt(SUPERBLOCK_A_OFFSET, 2 * SUPERBLOCK_SIZE);
  const selected = selectSuperblock(slots.subarray(0, SUPERBLOCK_SIZE), slots.subarray(SUPERBLOCK_SIZE));
  const current = selected?.sb ?? EMPTY_SUPERBLOCK;
  const currentSlot = selected?.slot ?? 'A';
  const next = nextSuperblock(current, manifestOffset, checkpoint);
  const slot = currentSlot === 'A' ? 'B' : 'A';
  store.writeAt(slot === 'A' ? SUPERBLOCK_A_OFFSET : SUPERBLOCK_B_OFFSET, encodeSuperblock(next));
  store.sync();
  return { manifestOffset, slot, superblock: { version: 1, ...next } };
}

/** The whole §3.5 publish: Manifest at `max(length, 8224)`, superblock rotation, fsync. */
export function publish(store: Store, checkpoint?: { offset: number; len: number }): PublishResult {
  const at = Math.max(store.length(), SEGMENT_START);
  store.writeAt(at, manifestSegment(at));
  return publishSuperblock(store, at, checkpoint);
}
