import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { Database } from '../../src/engine/database.ts';
import { createMemFs } from '../../src/fs/memfs.ts';
import { CHANNEL_NAME } from '../../src/maintenance/events.ts';
import type { MaintenanceEvent } from '../../src/maintenance/events.ts';
import { openDb, populate } from './helpers.ts';

const PATH = '/db/app.typra';

describe('maintenance events', () => {
  it('open, recovery, compaction, export and restore emit start and success with numbers', () => {
    const fs = createMemFs({ directories: ['/db'] });
    const db = openDb(fs);
    populate(db, 5);
    const events: MaintenanceEvent[] = [];
    const onEvent = (e: MaintenanceEvent) => void events.push(e);
    db.compactTo('/db/c.typra', { onEvent });
    db.exportSnapshotTo('/db/s.typra', { onEvent });
    db.close();
    // A torn tail: 5 garbage bytes at the end.
    const h = fs.open(PATH, 'readwrite');
    h.writeAt(new Uint8Array(5), h.length());
    h.close();
    Database.open(PATH, { fs, onEvent }).close();
    Database.restoreSnapshotTo('/db/s.typra', '/db/r.typra', { fs, onEvent });
    const summary = events.map((e) => `${e.op}:${e.phase}`);
    expect(summary).toEqual([
      'compact:start',
      'compact:success',
      'export:start',
      'checkpoint:start',
      'checkpoint:success',
      'export:success',
      'open:start',
      'recovery:start',
      'recovery:success',
      'open:success',
      'restore:start',
      'restore:success',
    ]);
    const recovery = events.find((e) => e.op === 'recovery' && e.phase === 'success')!;
    expect(recovery.data).toMatchObject({ truncatedBytes: 5, reason: 'torn_tail', healed: true });
    const compact = events.find((e) => e.op === 'compact' && e.phase === 'success')!;
    expect(compact.data!.bytesAfter).toBeLessThan(compact.data!.bytesBefore as number);
    expect(events.every((e) => e.phase === 'start' || typeof e.durationMs === 'number')).toBe(true);
  });

  it('reports failures with the error code, and publishes on the diagnostics channel', () => {
    const fs = createMemFs({ directories: ['/db'] });
    const seen: MaintenanceEvent[] = [];
    const listener = (m: unknown) => void seen.push(m as MaintenanceEvent);
    subscribe(CHANNEL_NAME, listener);
    try {
      expect(() => Database.restoreSnapshotTo('/db/missing', PATH, { fs })).toThrow();
      expect(() => Database.open('/db/nope', { fs, readOnly: true })).toThrow();
    } finally {
      unsubscribe(CHANNEL_NAME, listener);
    }
    expect(seen.map((e) => `${e.op}:${e.phase}`)).toEqual(['restore:start', 'restore:failure', 'open:start', 'open:failure']);
    expect(seen[1]!.error!.code).toMatch(/^Io\./);
  });

  it('a throwing listener does not fail the operation', () => {
    const fs = createMemFs({ directories: ['/db'] });
    const db = Database.open(PATH, {
      fs,
      onEvent: () => {
        throw new Error('listener bug');
      },
    });
    expect(db.isClosed).toBe(false);
    db.close();
  });
});
