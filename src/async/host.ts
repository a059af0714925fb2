/**
 * The worker side: runs the synchronous engine and answers `AsyncDatabase` requests in
 * arrival order. Methods are forwarded by name, so the async API follows `Database` as it
 * grows; only what cannot cross a worker boundary is refused.
 */
import { Database } from '../engine/database.ts';
import type { OpenOptions } from '../engine/database.ts';
import { usageError } from '../errors.ts';
import type { FsOps } from '../fs/types.ts';
import { toEndpoint, type Endpoint, type WorkerLike } from './endpoint.ts';
import { isRequest, toWireError, type Request, type Response } from './protocol.ts';

export interface DatabaseHostOptions {
  /** The filesystem for `open(path)` (an FsOps cannot be sent from the caller's thread). */
  fs?: () => FsOps | Promise<FsOps>;
}

const INTERNAL = 'an engine internal (its arguments or result are live engine objects)';

/** Methods that take callbacks or hand out engine internals. */
const NOT_FORWARDED: Readonly<Record<string, string>> = {
  transaction: 'transaction(fn) takes a callback, which cannot cross to the worker; use begin()/commit()/rollback()',
  constructor: 'not a method',
  openView: INTERNAL,
  shareStateOf: INTERNAL,
  adoptStore: INTERNAL,
  resetWriter: INTERNAL,
  queryContext: INTERNAL,
  lookup: INTERNAL,
  require: INTERNAL,
  pkKeyOf: INTERNAL,
};

function ownMethod(db: Database, name: string): (...args: unknown[]) => unknown {
  const reason = Object.hasOwn(NOT_FORWARDED, name) ? NOT_FORWARDED[name] : name.startsWith('_') ? 'internal' : undefined;
  const fn = reason === undefined ? (db as unknown as Record<string, unknown>)[name] : undefined;
  if (typeof fn !== 'function') {
    throw usageError('UnknownMethod', `AsyncDatabase cannot call ${JSON.stringify(name)}${reason !== undefined ? `: ${reason}` : ': no such method'}`, {
      method: name,
    });
  }
  return fn as (...args: unknown[]) => unknown;
}

export function serveDatabases(target: WorkerLike | Endpoint, options: DatabaseHostOptions = {}): void {
  const endpoint = 'post' in target ? target : toEndpoint(target);
  const handles = new Map<number, Database>();
  /** AsyncDatabase objects sharing each handle (cloneHandle); the last close closes it. */
  const refs = new Map<number, number>();
  let nextHandle = 1;
  let fs: FsOps | undefined;
  let queue: Promise<void> = Promise.resolve();

  const database = (handle: number): Database => {
    const db = handles.get(handle);
    if (db === undefined) throw usageError('Closed', `database handle ${handle} is closed`, { handle });
    return db;
  };

  const handleRequest = async (req: Request): Promise<unknown> => {
    switch (req.kind) {
      case 'open': {
        let db: Database;
        if (req.factory === 'open') {
          const [path, opts] = req.args as [string, Omit<OpenOptions, 'fs'> | undefined];
          if (fs === undefined && options.fs !== undefined) fs = await options.fs();
          db = Database.open(path, { ...(opts ?? {}), ...(fs !== undefined ? { fs } : {}) });
        } else if (req.factory === 'openInMemory') db = Database.openInMemory();
        else if (req.factory === 'fromSnapshotBytes') db = Database.fromSnapshotBytes(req.args[0] as Uint8Array);
        else if (req.factory === 'openImage') db = Database.openImage(req.args[0] as Uint8Array, req.args[1] as { readOnly?: boolean });
        else throw usageError('UnknownMethod', `unknown factory ${JSON.stringify(req.factory)}`);
        const handle = nextHandle++;
        handles.set(handle, db);
        refs.set(handle, 1);
        return handle;
      }
      case 'call': {
        const db = database(req.handle);
        const value = ownMethod(db, req.method).apply(db, req.args);
        if (value instanceof Promise) return await value;
        return value === db ? undefined : value;
      }
      case 'prop': {
        const value = (database(req.handle) as unknown as Record<string, unknown>)[req.name];
        if (typeof value === 'function') throw usageError('UnknownMethod', `${JSON.stringify(req.name)} is a method, not a property`, { name: req.name });
        return value;
      }
      case 'clone': {
        database(req.handle);
        refs.set(req.handle, (refs.get(req.handle) ?? 0) + 1);
        return req.handle;
      }
      case 'close': {
        const left = (refs.get(req.handle) ?? 1) - 1;
        if (left > 0) {
          refs.set(req.handle, left);
          return undefined;
        }
        const db = handles.get(req.handle);
        handles.delete(req.handle);
        refs.delete(req.handle);
        db?.close();
        return undefined;
      }
    }
  };

  const reply = (res: Response) => {
    try {
      endpoint.post(res);
    } catch (e) {
      // A result that structured clone refuses (a function, a class with private state).
      endpoint.post({
        id: res.id,
        ok: false,
        error: toWireError(usageError('NotTransferable', `the result cannot be sent from the worker: ${e instanceof Error ? e.message : String(e)}`)),
      } satisfies Response);
    }
  };

  endpoint.onMessage((message) => {
    if (!isRequest(message)) return;
    queue = queue.then(async () => {
      try {
        reply({ id: message.id, ok: true, value: await handleRequest(message) });
      } catch (e) {
        reply({ id: message.id, ok: false, error: toWireError(e) });
      }
    });
  });
}
