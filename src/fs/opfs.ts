/**
 * `openOpfsFs()`: an FsOps for browsers over the Origin Private File System, built on
 * `FileSystemSyncAccessHandle` (dedicated workers only; no cross-origin isolation needed).
 *
 * Why a volume and not one OPFS file per path: FsOps is synchronous, but every OPFS call
 * that creates, opens, renames or removes a file is async; only reads, writes, truncate
 * and flush on an already open sync access handle are synchronous. So the adapter keeps a
 * small volume inside one OPFS directory:
 *   - `slot-<n>` data files, all opened once (async, at `openOpfsFs`) and kept open;
 *     a pool of empty spare slots is topped up in the background, so creating a file is
 *     just taking a spare slot;
 *   - `map-a` / `map-b`: the namespace (directories, path → slot), written alternately as
 *     `[u32 length][u32 crc32c][JSON]` and flushed on every namespace change, so a torn
 *     write of one copy leaves the other — renames are atomic and every directory change
 *     is durable when the call returns (`directorySync`).
 * Holding every slot's sync access handle also keeps any other tab or worker out of the
 * volume (a second `openOpfsFs` on the same directory fails with `Io.WouldBlock`), so the
 * locks of `lock()` only need to exclude handles of this adapter (`in-process`).
 */
import { ioError, isModelVaultError, type ModelVaultError } from '../errors.ts';
import { crc32c } from '../wasm/crc32c.ts';
import { checkOffset, checkRange, closedError, mapIoError, notWritable } from './errors.ts';
import { LockRegistry } from './lock-registry.ts';
import type { FileHandle, FsCapabilities, FsOps, LockHandle, LockMode, OpenMode } from './types.ts';

/** The part of `FileSystemSyncAccessHandle` the adapter uses. */
export interface OpfsSyncAccessHandle {
  read(buffer: Uint8Array, options?: { at?: number }): number;
  write(buffer: Uint8Array, options?: { at?: number }): number;
  truncate(size: number): void;
  getSize(): number;
  flush(): void;
  close(): void;
}

/** The part of `FileSystemFileHandle` the adapter uses. */
export interface OpfsFileEntry {
  readonly kind: 'file';
  createSyncAccessHandle(): Promise<OpfsSyncAccessHandle>;
}

/** The part of `FileSystemDirectoryHandle` the adapter uses. */
export interface OpfsDirectory {
  getFileHandle(name: string, options?: { create?: boolean }): Promise<OpfsFileEntry>;
  keys(): AsyncIterable<string>;
}

export interface OpfsOptions {
  /** The volume's directory; default `modelvault` under `navigator.storage.getDirectory()`. */
  directory?: OpfsDirectory;
  /** Spare empty slots kept ready for synchronous file creation (default 8, at least 1). */
  spareSlots?: number;
}

const MAP_NAMES = ['map-a', 'map-b'] as const;
const SLOT_PREFIX = 'slot-';
/** A namespace map larger than this is refused rather than read (bounds the allocation). */
const MAX_MAP_BYTES = 64 * 1024 * 1024;

interface MapState {
  seq: number;
  dirs: string[];
  files: Record<string, number>;
}

interface Slot {
  readonly id: number;
  readonly sah: OpfsSyncAccessHandle;
  /** Open FileHandles on this slot; a removed path's slot is recycled when this drops to 0. */
  opened: number;
  detached: boolean;
}

const CAPABILITIES: FsCapabilities = { directorySync: true, atomicRename: true, locks: 'in-process', persistent: true };

/** Collapses `//`, `.` and `..`; every path is absolute within the volume. */
function normalize(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

function parentOf(path: string): string {
  const at = path.lastIndexOf('/');
  return at <= 0 ? '/' : path.slice(0, at);
}

/** DOM exceptions of the File System API → the Io.* taxonomy. */
function mapDomError(e: unknown, syscall: string, path: string): ModelVaultError {
  if (isModelVaultError(e)) return e;
  const name = e instanceof Error || (typeof e === 'object' && e !== null) ? (e as { name?: unknown }).name : undefined;
  const reason = e instanceof Error ? e.message : String(e);
  const details = { errno: typeof name === 'string' ? name : undefined, syscall, path };
  if (name === 'QuotaExceededError') return ioError('NoSpace', `${syscall} ${JSON.stringify(path)}: storage quota exceeded`, details, e);
  if (name === 'NoModificationAllowedError' || name === 'InvalidStateError') {
    return ioError('WouldBlock', `${syscall} ${JSON.stringify(path)}: the OPFS file is open in another tab or worker (${reason})`, details, e);
  }
  if (name === 'NotFoundError') return ioError('NotFound', `${syscall} ${JSON.stringify(path)}: ${reason}`, details, e);
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return ioError('PermissionDenied', `${syscall} ${JSON.stringify(path)}: ${reason}`, details, e);
  }
  return mapIoError(e, syscall, path);
}

function notFound(syscall: string, path: string): ModelVaultError {
  return ioError('NotFound', `${syscall} ${JSON.stringify(path)} failed: no such file or directory`, { errno: 'ENOENT', syscall, path });
}

function isDirectory(syscall: string, path: string): ModelVaultError {
  return ioError('IsDirectory', `${syscall} ${JSON.stringify(path)} failed: is a directory`, { errno: 'EISDIR', syscall, path });
}

function encodeMap(state: MapState): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(state));
  const out = new Uint8Array(8 + json.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, json.length, true);
  view.setUint32(4, crc32c(json), true);
  out.set(json, 8);
  return out;
}

/** The map in one copy, or null when the copy is empty, torn or not ours. */
function decodeMap(sah: OpfsSyncAccessHandle): MapState | null {
  const size = sah.getSize();
  if (size < 8 || size - 8 > MAX_MAP_BYTES) return null;
  const head = new Uint8Array(8);
  if (sah.read(head, { at: 0 }) !== 8) return null;
  const view = new DataView(head.buffer);
  const length = view.getUint32(0, true);
  if (length > size - 8) return null;
  const json = new Uint8Array(length);
  if (sah.read(json, { at: 8 }) !== length || crc32c(json) !== view.getUint32(4, true)) return null;
  try {
    const state = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json)) as MapState;
    if (!Number.isSafeInteger(state.seq) || !Array.isArray(state.dirs) || typeof state.files !== 'object' || state.files === null) return null;
    return state;
  } catch {
    return null;
  }
}

async function defaultDirectory(): Promise<OpfsDirectory> {
  const storage = (globalThis as { navigator?: { storage?: { getDirectory?: () => Promise<unknown> } } }).navigator?.storage;
  if (storage?.getDirectory === undefined) {
    throw ioError('PermissionDenied', 'the Origin Private File System is not available here (navigator.storage.getDirectory)', {
      syscall: 'open',
      path: '/',
    });
  }
  const root = (await storage.getDirectory()) as { getDirectoryHandle(name: string, o: { create: boolean }): Promise<OpfsDirectory> };
  return root.getDirectoryHandle('modelvault', { create: true });
}

/**
 * Opens (creating if needed) the volume in `options.directory` and returns its FsOps.
 * Call `close()` to let another tab or worker open it.
 */
export async function openOpfsFs(options: OpfsOptions = {}): Promise<OpfsFs> {
  const directory = options.directory ?? (await defaultDirectory());
  const opened: OpfsSyncAccessHandle[] = [];
  const openHandle = async (name: string): Promise<OpfsSyncAccessHandle> => {
    try {
      const entry = await directory.getFileHandle(name, { create: true });
      const sah = await entry.createSyncAccessHandle();
      opened.push(sah);
      return sah;
    } catch (e) {
      throw mapDomError(e, 'open', name);
    }
  };
  try {
    const maps = [await openHandle(MAP_NAMES[0]), await openHandle(MAP_NAMES[1])] as const;
    const slotIds: number[] = [];
    for await (const name of directory.keys()) {
      if (!name.startsWith(SLOT_PREFIX)) continue;
      const id = Number(name.slice(SLOT_PREFIX.length));
      if (Number.isSafeInteger(id) && id >= 0 && `${SLOT_PREFIX}${id}` === name) slotIds.push(id);
    }
    slotIds.sort((a, b) => a - b);
    const slots = new Map<number, OpfsSyncAccessHandle>();
    for (const id of slotIds) slots.set(id, await openHandle(`${SLOT_PREFIX}${id}`));
    const fs = new OpfsFs(directory, maps, slots, Math.max(1, options.spareSlots ?? 8));
    await fs.ready();
    return fs;
  } catch (e) {
    for (const sah of opened) sah.close();
    throw mapDomError(e, 'open', '/');
  }
}

export class OpfsFs implements FsOps {
  readonly name = 'opfs';
  readonly supports = CAPABILITIES;
  private readonly locks = new LockRegistry();
  private readonly slots = new Map<number, Slot>();
  private readonly spare: Slot[] = [];
  private state: MapState;
  /** Index into MAP_NAMES of the copy holding `state`. */
  private current: number;
  private nextSlotId: number;
  private filling: Promise<void> | null = null;
  private closed = false;

  /** @internal use `openOpfsFs` */
  constructor(
    private readonly directory: OpfsDirectory,
    private readonly maps: readonly [OpfsSyncAccessHandle, OpfsSyncAccessHandle],
    slots: Map<number, OpfsSyncAccessHandle>,
    private readonly spareTarget: number,
  ) {
    const a = decodeMap(maps[0]);
    const b = decodeMap(maps[1]);
    const newest = a !== null && (b === null || a.seq >= b.seq) ? 0 : b !== null ? 1 : -1;
    this.state = newest === 0 ? a! : newest === 1 ? b! : { seq: 0, dirs: [], files: {} };
    this.current = newest === -1 ? 1 : newest;
    let next = 0;
    for (const [id, sah] of slots) {
      this.slots.set(id, { id, sah, opened: 0, detached: false });
      next = Math.max(next, id + 1);
    }
    this.nextSlotId = next;
    // Paths whose slot file is gone are dropped; slots no path names (a crash between
    // taking a spare and publishing the map, or a removed file) are emptied and reused.
    const used = new Set<number>();
    for (const [path, id] of Object.entries(this.state.files)) {
      if (this.slots.has(id) && !used.has(id)) used.add(id);
      else delete this.state.files[path];
    }
    for (const slot of this.slots.values()) {
      if (used.has(slot.id)) continue;
      if (slot.sah.getSize() !== 0) slot.sah.truncate(0);
      this.spare.push(slot);
    }
  }

  /** Resolves once the pool of spare slots is full (creating files never waits on it). */
  ready(): Promise<void> {
    if (this.filling !== null) return this.filling;
    if (this.closed || this.spare.length >= this.spareTarget) return Promise.resolve();
    this.filling = (async () => {
      try {
        while (!this.closed && this.spare.length < this.spareTarget) {
          const id = this.nextSlotId++;
          const name = `${SLOT_PREFIX}${id}`;
          let sah: OpfsSyncAccessHandle;
          try {
            sah = await (await this.directory.getFileHandle(name, { create: true })).createSyncAccessHandle();
          } catch (e) {
            throw mapDomError(e, 'open', name);
          }
          if (this.closed) {
            sah.close();
            return;
          }
          const slot: Slot = { id, sah, opened: 0, detached: false };
          this.slots.set(id, slot);
          this.spare.push(slot);
        }
      } finally {
        this.filling = null;
      }
    })();
    return this.filling;
  }

  /** Closes every sync access handle; the volume can then be opened elsewhere. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const slot of this.slots.values()) slot.sah.close();
    for (const sah of this.maps) sah.close();
    this.slots.clear();
    this.spare.length = 0;
  }

  /** Creates a directory (its parent must exist); an existing one is left as it is. */
  mkdir(path: string): void {
    this.assertOpen('mkdir', path);
    const p = normalize(path);
    if (this.isDir(p)) return;
    if (this.state.files[p] !== undefined) throw ioError('AlreadyExists', `mkdir ${JSON.stringify(path)}: a file exists`, { errno: 'EEXIST', syscall: 'mkdir', path });
    if (!this.isDir(parentOf(p))) throw notFound('mkdir', path);
    this.commit((s) => s.dirs.push(p));
  }

  /** Removes a directory and everything under it (a missing one is fine). */
  removeTree(path: string): void {
    this.assertOpen('rmdir', path);
    const p = normalize(path);
    if (p === '/') throw ioError('PermissionDenied', 'cannot remove the volume root', { syscall: 'rmdir', path });
    const under = (q: string) => q === p || q.startsWith(`${p}/`);
    const gone = Object.keys(this.state.files).filter(under);
    const ids = gone.map((f) => this.state.files[f]!);
    this.commit((s) => {
      for (const f of gone) delete s.files[f];
      s.dirs = s.dirs.filter((d) => !under(d));
    });
    for (const id of ids) this.detach(id);
  }

  open(path: string, mode: OpenMode): FileHandle {
    this.assertOpen('open', path);
    const p = normalize(path);
    if (this.isDir(p)) throw isDirectory('open', path);
    let id = this.state.files[p];
    if (id === undefined) {
      if (mode === 'read' || mode === 'readwrite') throw notFound('open', path);
      if (!this.isDir(parentOf(p))) throw notFound('open', path);
      const slot = this.takeSpare('open', path);
      this.commit((s) => (s.files[p] = slot.id));
      id = slot.id;
    } else if (mode === 'create-new') {
      throw ioError('AlreadyExists', `open ${JSON.stringify(path)} failed: file exists`, { errno: 'EEXIST', syscall: 'open', path });
    }
    const slot = this.slots.get(id)!;
    if (mode === 'create-truncate') this.guard('truncate', path, () => slot.sah.truncate(0));
    return this.handle(slot, path, mode !== 'read');
  }

  exists(path: string): boolean {
    this.assertOpen('stat', path);
    const p = normalize(path);
    return this.isDir(p) || this.state.files[p] !== undefined;
  }

  remove(path: string): void {
    this.assertOpen('unlink', path);
    const p = normalize(path);
    if (this.isDir(p)) throw isDirectory('unlink', path);
    if (this.state.files[p] === undefined) throw notFound('unlink', path);
    const id = this.state.files[p]!;
    this.commit((s) => delete s.files[p]);
    this.detach(id);
  }

  rename(from: string, to: string): void {
    this.assertOpen('rename', from);
    const f = normalize(from);
    const t = normalize(to);
    if (this.isDir(f)) throw isDirectory('rename', from);
    const id = this.state.files[f];
    if (id === undefined) throw notFound('rename', from);
    if (this.isDir(t)) throw isDirectory('rename', to);
    if (!this.isDir(parentOf(t))) throw notFound('rename', to);
    if (f === t) return;
    const replaced = this.state.files[t];
    this.commit((s) => {
      delete s.files[f];
      s.files[t] = id;
    });
    if (replaced !== undefined) this.detach(replaced);
  }

  copy(from: string, to: string): void {
    const src = this.open(from, 'read');
    try {
      const bytes = new Uint8Array(src.length());
      src.readAt(bytes, 0);
      const dst = this.open(to, 'create-truncate');
      try {
        dst.writeAt(bytes, 0);
      } finally {
        dst.close();
      }
    } finally {
      src.close();
    }
  }

  syncDir(dir: string): void {
    this.assertOpen('fsync', dir);
    // Every namespace change is flushed before it returns; only check the directory.
    if (!this.isDir(normalize(dir))) throw notFound('fsync', dir);
  }

  lock(path: string, mode: LockMode): LockHandle {
    this.assertOpen('lock', path);
    const p = normalize(path);
    if (this.state.files[p] === undefined) this.open(p, 'create').close();
    // Other contexts are already kept out by the volume's sync access handles.
    return this.locks.acquire(p, path, mode, () => () => {});
  }

  private isDir(p: string): boolean {
    return p === '/' || this.state.dirs.includes(p);
  }

  private assertOpen(syscall: string, path: string): void {
    if (this.closed) throw closedError(path, syscall);
  }

  private guard<T>(syscall: string, path: string, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw mapDomError(e, syscall, path);
    }
  }

  private takeSpare(syscall: string, path: string): Slot {
    const slot = this.spare.shift();
    if (slot === undefined) {
      void this.ready().catch(() => {});
      throw ioError('NoSpace', `${syscall} ${JSON.stringify(path)}: no spare OPFS slot ready; await fs.ready() and retry`, {
        errno: 'ENOSPC',
        syscall,
        path,
      });
    }
    if (this.spare.length < this.spareTarget) void this.ready().catch(() => {});
    return slot;
  }

  /** Applies `change` to a copy of the map and writes it to the other copy, flushed. */
  private commit(change: (s: MapState) => void): void {
    const next: MapState = { seq: this.state.seq + 1, dirs: [...this.state.dirs], files: { ...this.state.files } };
    change(next);
    const target = 1 - this.current;
    const sah = this.maps[target]!;
    const bytes = encodeMap(next);
    this.guard('write', MAP_NAMES[target], () => {
      sah.truncate(0);
      if (sah.write(bytes, { at: 0 }) !== bytes.length) throw ioError('NoSpace', 'short write of the OPFS map', { syscall: 'write', path: MAP_NAMES[target] });
      sah.flush();
    });
    this.state = next;
    this.current = target;
  }

  private detach(id: number): void {
    const slot = this.slots.get(id);
    if (slot === undefined) return;
    slot.detached = true;
    if (slot.opened === 0) this.recycle(slot);
  }

  private recycle(slot: Slot): void {
    slot.detached = false;
    try {
      slot.sah.truncate(0);
      this.spare.push(slot);
    } catch {
      // A slot that cannot be emptied is left out of the pool; the next open sweeps it.
    }
  }

  private handle(slot: Slot, path: string, writable: boolean): FileHandle {
    slot.opened++;
    let closed = false;
    const live = (syscall: string) => {
      if (closed || this.closed) throw closedError(path, syscall);
    };
    const writing = (syscall: string) => {
      live(syscall);
      if (!writable) throw notWritable(path, syscall);
    };
    return {
      readAt: (buf, position) => {
        live('read');
        checkRange(position, buf.length, 'read', path);
        return this.guard('read', path, () => slot.sah.read(buf, { at: position }));
      },
      writeAt: (buf, position) => {
        writing('write');
        checkRange(position, buf.length, 'write', path);
        if (buf.length === 0) return;
        this.guard('write', path, () => {
          const n = slot.sah.write(buf, { at: position });
          if (n !== buf.length) throw ioError('NoSpace', `short write of ${JSON.stringify(path)}`, { errno: 'ENOSPC', syscall: 'write', path });
        });
      },
      length: () => {
        live('fstat');
        return this.guard('fstat', path, () => slot.sah.getSize());
      },
      truncate: (length) => {
        writing('ftruncate');
        checkOffset(length, 'length', 'ftruncate', path);
        this.guard('ftruncate', path, () => slot.sah.truncate(length));
      },
      sync: () => {
        live('fsync');
        this.guard('fsync', path, () => slot.sah.flush());
      },
      close: () => {
        if (closed) return;
        closed = true;
        if (--slot.opened === 0 && slot.detached && !this.closed) this.recycle(slot);
      },
    };
  }

  /** Diagnostics: paths, directories and pool size (tests, debugging). */
  describe(): { files: string[]; dirs: string[]; spare: number } {
    return { files: Object.keys(this.state.files).sort(), dirs: [...this.state.dirs].sort(), spare: this.spare.length };
  }
}
