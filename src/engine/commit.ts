/**
 * Writing one commit group (FORMAT.md §10.2) and publishing it (§3.5):
 *
 *   append [TxnBegin id] body… [TxnCommit id] [Manifest]   — ONE write
 *   fsync                                                   — the group is durable (commit point)
 *   write the other superblock slot (generation + 1)
 *   fsync                                                   — the publish is durable
 *
 * Bytes are identical to the reference's; the fsyncs are ordered so that a superblock on
 * disk never points at a Manifest that is not (see docs/durability.md).
 *
 * If any call fails, the file is put back as it was: the superblock slot this commit wrote
 * (if it got that far) gets its previous bytes again, the file is truncated to its old
 * length, and that is fsynced. If even that fails, `CommitUndoFailed` tells the caller to
 * poison the handle, so nothing is ever appended after bytes of unknown state.
 */
import { ModelVaultError, ioError } from '../errors.ts';
import {
  HEADER_SIZE,
  MANIFEST_SEGMENT_SIZE,
  SEGMENT_HEADER_SIZE,
  SEGMENT_START,
  SegmentType,
  SUPERBLOCK_A_OFFSET,
  SUPERBLOCK_B_OFFSET,
  SUPERBLOCK_SIZE,
  TXN_MARKER_SIZE,
} from '../format/constants.ts';
import { decodeHeader, encodeHeader } from '../format/header.ts';
import { encodeManifest } from '../format/manifest.ts';
import { writeSegmentHeader } from '../format/segment.ts';
import { EMPTY_SUPERBLOCK, encodeSuperblock, nextSuperblock, selectSuperblock } from '../format/superblock.ts';
import { encodeTxnMarker } from '../format/txn-marker.ts';
import type { Store } from '../storage/store.ts';
import { crc32c } from '../wasm/crc32c.ts';

export interface BodySegment {
  readonly type: SegmentType.Schema | SegmentType.Index | SegmentType.Record;
  readonly payload: Uint8Array;
}

/** Largest commit group one append may carry (a JS typed array must hold it). */
const MAX_GROUP_BYTES = 2 ** 31 - 1;

/** The group plus its Manifest as one buffer, to be written at `start`. */
export function encodeCommitGroup(start: number, txnId: bigint, body: readonly BodySegment[]): Uint8Array {
  const markerSeg = SEGMENT_HEADER_SIZE + TXN_MARKER_SIZE;
  let total = 2 * markerSeg + MANIFEST_SEGMENT_SIZE;
  for (const s of body) {
    if (s.payload.length > MAX_GROUP_BYTES - total - SEGMENT_HEADER_SIZE) {
      throw ioError('TooLarge', 'commit group exceeds 2 GiB; split the transaction', { bytes: total + s.payload.length });
    }
    total += SEGMENT_HEADER_SIZE + s.payload.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  const put = (type: SegmentType, payload: Uint8Array) => {
    writeSegmentHeader(out, at, type, payload.length, crc32c(payload));
    out.set(payload, at + SEGMENT_HEADER_SIZE);
    at += SEGMENT_HEADER_SIZE + payload.length;
  };
  const marker = encodeTxnMarker(txnId);
  put(SegmentType.TxnBegin, marker);
  for (const s of body) put(s.type, s.payload);
  put(SegmentType.TxnCommit, marker);
  put(SegmentType.Manifest, encodeManifest(start + at));
  return out;
}

/** The undo of a failed commit itself failed: the file's tail is in an unknown state. */
export class CommitUndoFailed extends ModelVaultError {
  constructor(
    readonly original: unknown,
    readonly undoError: unknown,
  ) {
    super(
      'Io.HandlePoisoned',
      `a failed commit could not be undone (${describe(original)}; then ${describe(undoError)}); ` +
        'this handle refuses further writes — close and reopen the database',
      { original, undo: undoError },
      { cause: original },
    );
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Appends the commit group, publishes it and makes both durable. Returns the offset of the
 * new Manifest. On failure the store is restored (or `CommitUndoFailed` is thrown).
 */
export function writeCommitGroup(store: Store, txnId: bigint, body: readonly BodySegment[]): number {
  const start = Math.max(store.length(), SEGMENT_START);
  const group = encodeCommitGroup(start, txnId, body);
  const manifestOffset = start + group.length - MANIFEST_SEGMENT_SIZE;
  let slotOffset = -1;
  let previousSlot: Uint8Array | null = null;
  try {
    store.writeAt(start, group);
    store.sync();
    const slots = store.readAt(SUPERBLOCK_A_OFFSET, 2 * SUPERBLOCK_SIZE);
    const selected = selectSuperblock(slots.subarray(0, SUPERBLOCK_SIZE), slots.subarray(SUPERBLOCK_SIZE));
    const current = selected?.sb ?? EMPTY_SUPERBLOCK;
    const writeA = (selected?.slot ?? 'A') === 'B';
    slotOffset = writeA ? SUPERBLOCK_A_OFFSET : SUPERBLOCK_B_OFFSET;
    previousSlot = writeA ? slots.slice(0, SUPERBLOCK_SIZE) : slots.slice(SUPERBLOCK_SIZE);
    store.writeAt(slotOffset, encodeSuperblock(nextSuperblock(current, manifestOffset)));
    store.sync();
    return manifestOffset;
  } catch (e) {
    try {
      if (previousSlot !== null) store.writeAt(slotOffset, previousSlot);
      store.truncate(start);
      store.sync();
    } catch (undo) {
      throw new CommitUndoFailed(e, undo);
    }
    throw e;
  }
}

/**
 * Rewrites the header with `minor` (flags and header_size preserved, §19.3 item 1) and
 * fsyncs — the lazy upgrade of §13.4, done in one step since minors 4 and 5 change nothing
 * a writer of minor 6 relies on.
 */
export function raiseMinor(store: Store, minor: number): void {
  const h = decodeHeader(store.readAt(0, HEADER_SIZE));
  if (h.minor >= minor) return;
  store.writeAt(0, encodeHeader({ ...h, minor }));
  store.sync();
}
