/**
 * Same-process handles on one database file: one writer and any number of read-only views
 * share one in-memory state, so a view sees every write of the writer as soon as it is
 * committed. Writes staged in the writer's open explicit transaction are applied to that
 * state in place, so meanwhile a view reads the writer's committed state instead
 * (`Database.state` → `Writer.committedState` → `TxnScope.committedState`): no dirty reads.
 *
 * The group holds one OS lock: the writer's exclusive lock, reference-counted by the writer
 * and its views. Views therefore keep other processes from writing until the last of them
 * closes (as a reader's shared lock would), and a new writer of this process joins the
 * group (re-pointing the views to its state) instead of conflicting with it.
 *
 * Keys are the writer registry's normalised absolute paths, per filesystem adapter.
 */
import { usageError } from '../errors.ts';
import type { FsOps, LockHandle } from '../fs/types.ts';
import { normalizeDatabasePath } from './writer-registry.ts';

export interface GroupMember<S> {
  readonly state: S;
}

interface Group<H> {
  writer: H | null;
  readonly views: Set<H>;
  readonly lock: LockHandle;
  refs: number;
}

const groups = new WeakMap<FsOps, Map<string, Group<unknown>>>();

function groupsOf(fs: FsOps): Map<string, Group<unknown>> {
  let m = groups.get(fs);
  if (m === undefined) {
    m = new Map();
    groups.set(fs, m);
  }
  return m;
}

function member<H>(fs: FsOps, key: string, g: Group<H>, leave: () => void): LockHandle {
  g.refs++;
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      leave();
      if (--g.refs === 0) {
        groupsOf(fs).delete(key);
        g.lock.release();
      }
    },
  };
}

/**
 * The writer's lock handle: joins the existing group of `path` (views left by an earlier
 * writer) or creates one with `acquire()` (the OS exclusive lock). `setWriter` must follow
 * once the handle exists.
 */
export function writerLock(fs: FsOps, path: string, acquire: () => LockHandle): { lock: LockHandle; setWriter: <H>(h: H) => H[] } {
  const key = normalizeDatabasePath(path);
  const all = groupsOf(fs);
  let g = all.get(key) as Group<unknown> | undefined;
  if (g === undefined) {
    g = { writer: null, views: new Set(), lock: acquire(), refs: 0 };
    all.set(key, g);
  }
  const group = g;
  let self: unknown = null;
  const lock = member(fs, key, group, () => {
    if (group.writer === self) group.writer = null;
  });
  return {
    lock,
    setWriter<H>(h: H): H[] {
      self = h;
      group.writer = h;
      return [...group.views] as H[];
    },
  };
}

/** The open writer handle of `path` in this process, if any. */
export function writerOf<H>(fs: FsOps, path: string): H | undefined {
  const w = groupsOf(fs).get(normalizeDatabasePath(path))?.writer;
  return w === null || w === undefined ? undefined : (w as H);
}

/** Joins `path`'s group as a view; `register` is called with the view once it exists. */
export function viewLock(fs: FsOps, path: string): { lock: LockHandle; register: <H>(h: H) => void } {
  const key = normalizeDatabasePath(path);
  const g = groupsOf(fs).get(key);
  if (g === undefined) throw usageError('InvalidState', `no open writer to share: ${key}`, { path: key });
  let self: unknown = null;
  const lock = member(fs, key, g, () => g.views.delete(self));
  return {
    lock,
    register<H>(h: H): void {
      self = h;
      g.views.add(h);
    },
  };
}

/** Every open handle (writer first, then views) of `path` in this process. */
export function handlesOf<H>(fs: FsOps, path: string): H[] {
  const g = groupsOf(fs).get(normalizeDatabasePath(path));
  if (g === undefined) return [];
  return [...(g.writer === null ? [] : [g.writer]), ...g.views] as H[];
}
