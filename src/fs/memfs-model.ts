/**
 * The state model behind the crash-simulating memfs: a page cache in miniature.
 *
 * Every file (inode) keeps its durable content (as of its last fsync) and the ordered list
 * of writes/truncates made since; every directory keeps its durable entries and the ordered
 * list of entry operations (link, unlink, rename) made since its last fsync. Reads see the
 * volatile view. A power loss replays, per file and per directory independently, some
 * prefix of the pending list onto the durable state — the freedom a real kernel has when
 * it writes back dirty pages and directory blocks in no particular order.
 */
import type { SeededRng } from './rng.ts';

export const SECTOR = 512;

/** A growable byte array whose bytes past `size` are always zero. */
export class GrowableBytes {
  private buf: Uint8Array;
  size: number;

  constructor(initial?: Uint8Array) {
    this.size = initial?.length ?? 0;
    this.buf = new Uint8Array(Math.max(64, this.size));
    if (initial !== undefined) this.buf.set(initial);
  }

  read(target: Uint8Array, position: number): number {
    if (position >= this.size) return 0;
    const n = Math.min(target.length, this.size - position);
    target.set(this.buf.subarray(position, position + n));
    return n;
  }

  write(bytes: Uint8Array, position: number): void {
    // Like pwrite(2): writing nothing never extends the file.
    if (bytes.length === 0) return;
    const end = position + bytes.length;
    this.reserve(end);
    this.buf.set(bytes, position);
    if (end > this.size) this.size = end;
  }

  truncate(length: number): void {
    if (length < this.size) this.buf.fill(0, length, this.size);
    else this.reserve(length);
    this.size = length;
  }

  snapshot(): Uint8Array {
    return this.buf.slice(0, this.size);
  }

  clone(): GrowableBytes {
    return new GrowableBytes(this.buf.subarray(0, this.size));
  }

  private reserve(size: number): void {
    if (size <= this.buf.length) return;
    let capacity = this.buf.length;
    while (capacity < size) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.buf.subarray(0, this.size));
    this.buf = next;
  }
}

export type DataOp =
  | { readonly kind: 'write'; readonly position: number; readonly bytes: Uint8Array }
  | { readonly kind: 'truncate'; readonly length: number };

function applyDataOp(target: GrowableBytes, op: DataOp): void {
  if (op.kind === 'write') target.write(op.bytes, op.position);
  else target.truncate(op.length);
}

export class Inode {
  readonly current: GrowableBytes;
  readonly durable: GrowableBytes;
  pending: DataOp[] = [];

  constructor(initial?: Uint8Array) {
    this.current = new GrowableBytes(initial);
    this.durable = new GrowableBytes(initial);
  }

  write(bytes: Uint8Array, position: number): void {
    this.current.write(bytes, position);
    this.pending.push({ kind: 'write', position, bytes: bytes.slice() });
  }

  truncate(length: number): void {
    this.current.truncate(length);
    this.pending.push({ kind: 'truncate', length });
  }

  /**
   * A failed fsync: the kernel marked the dirty pages clean, so what was written stays
   * readable but never reaches the disk (the "fsyncgate" lesson). The durable content
   * becomes the view the disk will have: durable state plus none of the lost writes.
   */
  loseUnsynced(): void {
    this.pending = [];
  }

  /** fsync: everything written so far reaches the durable content. */
  sync(): void {
    for (const op of this.pending) applyDataOp(this.durable, op);
    this.pending = [];
  }
}

export type DirOp =
  | { readonly kind: 'link'; readonly path: string; readonly inode: Inode }
  | { readonly kind: 'unlink'; readonly path: string }
  | { readonly kind: 'rename'; readonly from: string; readonly to: string; readonly inode: Inode };

export function applyDirOp(names: Map<string, Inode>, op: DirOp): void {
  switch (op.kind) {
    case 'link':
      names.set(op.path, op.inode);
      break;
    case 'unlink':
      names.delete(op.path);
      break;
    case 'rename':
      names.delete(op.from);
      names.set(op.to, op.inode);
      break;
  }
}

/**
 * - `drop`: only fsynced data and fsynced directory entries survive;
 * - `keep`: everything reached the disk just before the power went;
 * - `random`: per file and per directory a random prefix of the pending operations
 *   survives, the last surviving write possibly torn at a 512-byte sector boundary.
 */
export type CrashMode = 'random' | 'drop' | 'keep';

function survivingCount(n: number, mode: CrashMode, rng: SeededRng): number {
  if (mode === 'drop') return 0;
  if (mode === 'keep') return n;
  return rng.upTo(n);
}

/** A prefix `[position, b)` of a write where `b` is a sector boundary strictly inside it. */
function tornWrite(op: DataOp, rng: SeededRng): DataOp | undefined {
  if (op.kind !== 'write') return undefined;
  const end = op.position + op.bytes.length;
  const firstBoundary = Math.floor(op.position / SECTOR) * SECTOR + SECTOR;
  if (firstBoundary >= end) return undefined;
  const boundaries = Math.floor((end - 1 - firstBoundary) / SECTOR) + 1;
  const cut = firstBoundary + rng.upTo(boundaries - 1) * SECTOR;
  return { kind: 'write', position: op.position, bytes: op.bytes.subarray(0, cut - op.position) };
}

/** The content an inode has after a power loss. */
export function contentAfterCrash(inode: Inode, mode: CrashMode, rng: SeededRng): Uint8Array {
  const kept = survivingCount(inode.pending.length, mode, rng);
  if (kept === 0) return inode.durable.snapshot();
  const result = inode.durable.clone();
  for (let i = 0; i < kept - 1; i++) applyDataOp(result, inode.pending[i]);
  const last = inode.pending[kept - 1];
  const torn = mode === 'random' && rng.coin() ? tornWrite(last, rng) : undefined;
  applyDataOp(result, torn ?? last);
  return result.snapshot();
}

/** The directory entries that exist after a power loss. */
export function namesAfterCrash(
  durable: ReadonlyMap<string, Inode>,
  pendingByDir: ReadonlyMap<string, readonly DirOp[]>,
  mode: CrashMode,
  rng: SeededRng,
): Map<string, Inode> {
  const names = new Map(durable);
  // Sorted so a seed means the same thing regardless of the order directories were touched.
  for (const dir of [...pendingByDir.keys()].sort()) {
    const ops = pendingByDir.get(dir) ?? [];
    const kept = survivingCount(ops.length, mode, rng);
    for (let i = 0; i < kept; i++) applyDirOp(names, ops[i]);
  }
  return names;
}
