/**
 * One shape over the two kinds of message channel: web Workers / DedicatedWorkerGlobalScope
 * (EventTarget, payload in `event.data`) and Node's worker_threads Worker / parentPort
 * (EventEmitter, payload passed directly).
 */

export interface Endpoint {
  post(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once if the other side dies (error or exit); not every channel reports it. */
  onFailure(listener: (reason: string) => void): void;
}

interface EmitterLike {
  postMessage(message: unknown): void;
  on(event: string, listener: (value: unknown) => void): unknown;
}

interface EventTargetLike {
  postMessage(message: unknown): void;
  addEventListener(event: string, listener: (event: { data?: unknown; message?: unknown }) => void): void;
}

export type WorkerLike = EmitterLike | EventTargetLike;

function describeFailure(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === 'number') return `exited with code ${value}`;
  const message = (value as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message !== '' ? message : 'worker error';
}

export function toEndpoint(target: WorkerLike): Endpoint {
  if (typeof (target as EmitterLike).on === 'function') {
    const t = target as EmitterLike;
    return {
      post: (m) => t.postMessage(m),
      onMessage: (fn) => void t.on('message', fn),
      onFailure: (fn) => {
        t.on('error', (e) => fn(describeFailure(e)));
        t.on('exit', (code) => fn(describeFailure(code)));
      },
    };
  }
  const t = target as EventTargetLike;
  return {
    post: (m) => t.postMessage(m),
    onMessage: (fn) => t.addEventListener('message', (e) => fn(e.data)),
    onFailure: (fn) => {
      t.addEventListener('error', (e) => fn(describeFailure(e)));
      t.addEventListener('messageerror', () => fn('a message could not be deserialized'));
    },
  };
}
