/**
 * Per-process lock bookkeeping shared by every adapter.
 *
 * OS locks (flock) are per open file description, so two handles in one process conflict
 * exactly like two processes do. The registry reproduces that inside the process without
 * asking the OS, and makes shared locks cheap: the first shared holder takes the outer
 * (OS or marker-file) lock, later shared holders only bump a count, and the outer lock is
 * dropped when the last one releases.
 */
import type { LockHandle, LockMode } from './types.ts';
import { wouldBlock } from './errors.ts';

/** Takes the outer lock for a key; returns the function that drops it. */
export type OuterLock = () => () => void;

interface Held {
  readonly mode: LockMode;
  count: number;
  readonly releaseOuter: () => void;
}

export class LockRegistry {
  private readonly held = new Map<string, Held>();

  /**
   * `key` identifies the lock inside this process (adapters use a resolved path so that
   * `./a` and `a` collide); `path` is only for messages.
   */
  acquire(key: string, path: string, mode: LockMode, takeOuter: OuterLock): LockHandle {
    const current = this.held.get(key);
    if (current !== undefined) {
      if (current.mode === 'exclusive' || mode === 'exclusive') {
        throw wouldBlock(path, `this process (${current.mode} lock held)`);
      }
      current.count++;
      return this.handle(key, current);
    }
    const releaseOuter = takeOuter();
    const entry: Held = { mode, count: 1, releaseOuter };
    this.held.set(key, entry);
    return this.handle(key, entry);
  }

  /** The mode this process holds on `key`, if any (diagnostics and tests). */
  modeOf(key: string): LockMode | undefined {
    return this.held.get(key)?.mode;
  }

  /** Forgets every lock without touching the outer locks (memfs crash: the "process" died). */
  clear(): void {
    this.held.clear();
  }

  private handle(key: string, entry: Held): LockHandle {
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        if (--entry.count > 0) return;
        // A crash-cleared registry may already hold a newer entry under the same key.
        if (this.held.get(key) === entry) this.held.delete(key);
        entry.releaseOuter();
      },
    };
  }
}
