/** Replays a golden operation script (NAME.ops.json) through our write API. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { Database } from '../../src/engine/database.ts';
import { isModelVaultError } from '../../src/errors.ts';
import type { FsOps } from '../../src/fs/types.ts';
import { bytesFromHex, fieldFromJson, indexFromJson, rowFromJson, scalarFromJson } from '../../src/schema/tagged-json.ts';
import type { Json } from '../../src/schema/tagged-json.ts';
import { GOLDEN_DIR } from './golden-files.ts';

export interface OpsScript {
  scenario: string;
  storage: 'file' | 'memory';
  file_size: number;
  ops: Array<Record<string, Json> & { op: string; expect?: Record<string, Json>; size_after: number }>;
}

export function opsNames(): string[] {
  return readdirSync(GOLDEN_DIR)
    .filter((f) => f.endsWith('.ops.json'))
    .map((f) => f.slice(0, -'.ops.json'.length))
    .sort();
}

export function loadOps(name: string): OpsScript {
  return JSON.parse(readFileSync(join(GOLDEN_DIR, `${name}.ops.json`), 'utf8')) as OpsScript;
}

/** Checks a refusal against the reference's error object (kind, variant, display for validation). */
export function expectSameError(error: unknown, want: Record<string, Json>, label: string): void {
  expect(isModelVaultError(error), `${label}: ${String(error)}`).toBe(true);
  const e = error as { code: string; message: string };
  const debug = want.error_debug as string;
  const kind = debug.slice(0, debug.indexOf('('));
  if (kind === 'Validation') {
    expect(e.code, label).toBe('Validation.Invalid');
    expect(e.message, label).toBe(want.error_display);
  } else {
    const variant = /^\w+\((\w+)/.exec(debug)![1];
    expect(e.code, label).toBe(`${kind}.${variant}`);
  }
}

export interface ReplayHooks {
  fs: FsOps;
  path: string;
  /** Bytes of the database file as it stands. */
  fileBytes(): Uint8Array;
  /** Applies a corruption edit list to the closed file. */
  writeFile(bytes: Uint8Array): void;
}

/**
 * Runs every op, checking outcomes and `size_after` after each; returns the final image
 * (the file, or the snapshot for memory scripts).
 */
export function replayOps(script: OpsScript, hooks: ReplayHooks): Uint8Array {
  let db: Database | null = null;
  let memoryImage: Uint8Array | null = null;
  const size = (): number => {
    if (script.storage === 'memory') return memoryImage?.length ?? db!.snapshotBytes().length;
    return hooks.fileBytes().length;
  };
  script.ops.forEach((op, i) => {
    const label = `${script.scenario} op #${i} ${op.op}`;
    if (op.op === 'corrupt') {
      let bytes = hooks.fileBytes();
      expect(bytes.length, label).toBe(op.size_before);
      for (const edit of op.edits as Array<{ offset: number; old: string; new: string }>) {
        const old = bytesFromHex(edit.old);
        const neu = bytesFromHex(edit.new);
        expect([...bytes.subarray(edit.offset, edit.offset + old.length)], label).toEqual([...old]);
        const next = new Uint8Array(bytes.length - old.length + neu.length);
        next.set(bytes.subarray(0, edit.offset));
        next.set(neu, edit.offset);
        next.set(bytes.subarray(edit.offset + old.length), edit.offset + neu.length);
        bytes = next;
      }
      hooks.writeFile(bytes);
      expect(bytes.length, label).toBe(op.size_after);
      return;
    }
    let result: unknown;
    let error: unknown;
    try {
      result = runOp(op);
    } catch (e) {
      error = e;
    }
    const want = op.expect!;
    if (want.ok === true) {
      if (error !== undefined) throw error;
      if (op.op === 'register_collection') {
        expect(result, label).toEqual({ id: want.collection_id, schemaVersion: want.schema_version });
      } else if (op.op === 'register_schema_version') {
        expect(result, label).toBe(want.schema_version);
      }
    } else {
      expectSameError(error, want, label);
    }
    expect(size(), label).toBe(op.size_after);
  });
  return script.storage === 'memory' ? memoryImage! : hooks.fileBytes();

  function runOp(op: Record<string, Json>): unknown {
    switch (op.op) {
      case 'create':
        if (op.in_memory === true) {
          db = Database.openInMemory();
          return undefined;
        }
        expect(hooks.fs.exists(hooks.path)).toBe(false);
        db = Database.open(hooks.path, { fs: hooks.fs });
        return undefined;
      case 'open':
        db = Database.open(hooks.path, { fs: hooks.fs });
        return undefined;
      case 'close':
        db?.close();
        return undefined;
      case 'register_collection':
        return db!.registerCollection(
          op.name as string,
          (op.fields as Json[]).map(fieldFromJson),
          op.primary_field as string,
          (op.indexes as Json[]).map(indexFromJson),
        );
      case 'register_schema_version':
        return db!.registerSchemaVersion(
          op.collection as string,
          (op.fields as Json[]).map(fieldFromJson),
          (op.indexes as Json[]).map(indexFromJson),
        );
      case 'insert':
        return db!.insert(op.collection as string, rowFromJson(op.row!));
      case 'delete':
        return db!.delete(op.collection as string, scalarFromJson(op.pk!).value);
      case 'begin':
        return db!.begin();
      case 'commit':
        return db!.commit();
      case 'rollback':
        return db!.rollback();
      case 'into_snapshot_bytes':
        memoryImage = db!.snapshotBytes();
        db!.close();
        return undefined;
      default:
        throw new Error(`unknown op ${String(op.op)}`);
    }
  }
}
