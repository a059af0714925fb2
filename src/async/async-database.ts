/**
 * `AsyncDatabase`: the `Database` API with promises, backed by the synchronous engine in a
 * Worker (browsers) or worker_threads (Node), so the calling thread never blocks on I/O.
 *
 * Every `Database` method is forwarded by name through a Proxy (typed by `Promisified`),
 * so the async API grows with `Database` without edits here. Results and arguments cross
 * by structured clone; errors come back as ModelVaultError with the engine's code.
 */
import type { Database, OpenOptions, RecoveryMode } from '../engine/database.ts';
import { usageError } from '../errors.ts';
import { toEndpoint, type Endpoint, type WorkerLike } from './endpoint.ts';
import { fromWireError, isResponse, workerGone, type Factory, type Request, type Response } from './protocol.ts';

type AnyFn = (...args: never[]) => unknown;

/** `T`'s methods, each returning a promise of its result. */
export type Promisified<T> = {
  [K in keyof T as T[K] extends AnyFn ? K : never]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};

/** What `open` accepts across the boundary (the worker supplies the filesystem). */
export type AsyncOpenOptions = Omit<OpenOptions, 'fs'>;

/** `Omit` applied to each member of a union (plain Omit merges the members). */
type RequestBody = Request extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

type Pending = { resolve(value: unknown): void; reject(error: unknown): void };

/** One worker's request/response channel, shared by every database opened through it. */
export class DatabaseWorkerClient {
  private readonly endpoint: Endpoint;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: string | null = null;

  constructor(target: WorkerLike | Endpoint) {
    this.endpoint = 'post' in target ? target : toEndpoint(target);
    this.endpoint.onMessage((m) => {
      if (!isResponse(m)) return;
      const p = this.pending.get(m.id);
      if (p === undefined) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.value);
      else p.reject(fromWireError((m as Extract<Response, { ok: false }>).error));
    });
    this.endpoint.onFailure((reason) => {
      if (this.failure !== null) return;
      this.failure = reason;
      for (const p of this.pending.values()) p.reject(workerGone(reason));
      this.pending.clear();
    });
  }

  /** @internal */
  request(req: RequestBody): Promise<unknown> {
    if (this.failure !== null) return Promise.reject(workerGone(this.failure));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      try {
        this.endpoint.post({ ...req, id });
      } catch (e) {
        this.pending.delete(id);
        reject(usageError('NotTransferable', `the arguments cannot be sent to the worker: ${e instanceof Error ? e.message : String(e)}`));
      }
    });
  }
}

const clients = new WeakMap<object, DatabaseWorkerClient>();

function clientOf(target: WorkerLike | DatabaseWorkerClient): DatabaseWorkerClient {
  if (target instanceof DatabaseWorkerClient) return target;
  let client = clients.get(target);
  if (client === undefined) {
    client = new DatabaseWorkerClient(target);
    clients.set(target, client);
  }
  return client;
}

export interface AsyncDatabase extends Omit<Promisified<Database>, 'close' | 'transaction' | 'property'> {}

export class AsyncDatabase {
  private closed = false;

  private constructor(
    private readonly client: DatabaseWorkerClient,
    private readonly handle: number,
  ) {
    // Unknown names are forwarded as method calls; `then` must stay undefined so an
    // AsyncDatabase is not mistaken for a promise by `await`.
    return new Proxy(this, {
      get(target, name, receiver) {
        if (typeof name !== 'string' || name in target || name === 'then') return Reflect.get(target, name, receiver);
        return (...args: unknown[]) => target.call(name, ...args);
      },
    });
  }

  private static async start(target: WorkerLike | DatabaseWorkerClient, factory: Factory, args: unknown[]): Promise<AsyncDatabase> {
    const client = clientOf(target);
    const handle = (await client.request({ kind: 'open', factory, args })) as number;
    return new AsyncDatabase(client, handle);
  }

  /** `Database.open(path, options)` in the worker, with the worker's filesystem. */
  static open(worker: WorkerLike | DatabaseWorkerClient, path: string, options: AsyncOpenOptions = {}): Promise<AsyncDatabase> {
    return AsyncDatabase.start(worker, 'open', [path, options]);
  }

  static openInMemory(worker: WorkerLike | DatabaseWorkerClient): Promise<AsyncDatabase> {
    return AsyncDatabase.start(worker, 'openInMemory', []);
  }

  static fromSnapshotBytes(worker: WorkerLike | DatabaseWorkerClient, bytes: Uint8Array): Promise<AsyncDatabase> {
    return AsyncDatabase.start(worker, 'fromSnapshotBytes', [bytes]);
  }

  static openImage(worker: WorkerLike | DatabaseWorkerClient, bytes: Uint8Array, options: { recovery?: RecoveryMode; readOnly?: boolean } = {}): Promise<AsyncDatabase> {
    return AsyncDatabase.start(worker, 'openImage', [bytes, options]);
  }

  /** Calls any `Database` method by name (what the typed methods do). */
  call(method: string, ...args: unknown[]): Promise<unknown> {
    if (this.closed) return Promise.reject(usageError('Closed', 'AsyncDatabase is closed'));
    return this.client.request({ kind: 'call', handle: this.handle, method, args });
  }

  /** Reads a `Database` property (`recoveryInfo`, `path`, `readOnly`, `formatMinor`, …). */
  property<K extends keyof Database>(name: K): Promise<Database[K]> {
    if (this.closed) return Promise.reject(usageError('Closed', 'AsyncDatabase is closed'));
    return this.client.request({ kind: 'prop', handle: this.handle, name }) as Promise<Database[K]>;
  }

  /** `fromSnapshotBytes` under the reference's name (`open_snapshot_bytes`). */
  static openSnapshotBytes(worker: WorkerLike | DatabaseWorkerClient, bytes: Uint8Array): Promise<AsyncDatabase> {
    return AsyncDatabase.fromSnapshotBytes(worker, bytes);
  }

  /** Another handle on the same database; the database closes when every handle has. */
  async cloneHandle(): Promise<AsyncDatabase> {
    if (this.closed) throw usageError('Closed', 'AsyncDatabase is closed');
    await this.client.request({ kind: 'clone', handle: this.handle });
    return new AsyncDatabase(this.client, this.handle);
  }

  /** The path the database was opened with (`:memory:` for in-memory ones). */
  pathString(): Promise<string> {
    return this.property('path');
  }

  /** Collection names in catalog order. */
  async collectionNames(): Promise<string[]> {
    return ((await this.call('collections')) as { name: string }[]).map((c) => c.name);
  }

  /**
   * Runs `fn` inside begin()/commit(); rolls back and rethrows if it throws or rejects.
   * Calls made on this database while `fn` runs — from anywhere — are part of the
   * transaction: the worker runs one handle's calls in order and has one open transaction.
   */
  async transaction<T>(fn: (db: this) => Promise<T> | T): Promise<T> {
    await this.call('begin');
    let result: T;
    try {
      result = await fn(this);
    } catch (e) {
      await this.call('rollback').catch(() => {});
      throw e;
    }
    await this.call('commit');
    return result;
  }

  /** Closes this handle (idempotent); the worker itself keeps running. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.request({ kind: 'close', handle: this.handle });
  }
}
