/**
 * The single place where runtime I/O failures become `ModelVaultError`s.
 *
 * Adapters hand over whatever the runtime threw (a Node `SystemError` with `code`/`errno`,
 * a Deno `Deno.errors.*` instance, or a simulated errno from memfs); callers above `src/fs/`
 * only ever see stable `Io.*` codes, with the original kept as `cause`.
 */
import { ioError, isModelVaultError, type ModelVaultError } from '../errors.ts';

/** Stable variants reported by every adapter. */
export type IoVariant =
  | 'NotFound'
  | 'AlreadyExists'
  | 'PermissionDenied'
  | 'NoSpace'
  | 'IoError'
  | 'WouldBlock'
  | 'UnexpectedEof'
  | 'IsDirectory'
  | 'Closed'
  | 'InvalidArgument';

const ERRNO_VARIANT: Readonly<Record<string, IoVariant>> = {
  ENOENT: 'NotFound',
  ENOTDIR: 'NotFound',
  EEXIST: 'AlreadyExists',
  ENOTEMPTY: 'AlreadyExists',
  EACCES: 'PermissionDenied',
  EPERM: 'PermissionDenied',
  EROFS: 'PermissionDenied',
  ENOSPC: 'NoSpace',
  EDQUOT: 'NoSpace',
  EFBIG: 'NoSpace',
  EAGAIN: 'WouldBlock',
  EWOULDBLOCK: 'WouldBlock',
  EISDIR: 'IsDirectory',
  EBADF: 'Closed',
  EINVAL: 'InvalidArgument',
};

/** Deno reports errors as classes rather than errno strings. */
const DENO_CLASS_VARIANT: Readonly<Record<string, IoVariant>> = {
  NotFound: 'NotFound',
  AlreadyExists: 'AlreadyExists',
  PermissionDenied: 'PermissionDenied',
  NotCapable: 'PermissionDenied',
  WouldBlock: 'WouldBlock',
  IsADirectory: 'IsDirectory',
  BadResource: 'Closed',
  InvalidData: 'InvalidArgument',
};

/** The errno-like code of a runtime error (`ENOENT`), when it carries one. */
export function errnoOf(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Converts a runtime failure from `syscall` on `path` into a typed `Io.*` error.
 * A `ModelVaultError` passes through unchanged, so wrapping layers never double-wrap.
 */
export function mapIoError(e: unknown, syscall: string, path: string): ModelVaultError {
  if (isModelVaultError(e)) return e;
  const errno = errnoOf(e);
  let variant: IoVariant | undefined = errno !== undefined ? ERRNO_VARIANT[errno] : undefined;
  if (variant === undefined && e instanceof Error) variant = DENO_CLASS_VARIANT[e.name];
  if (variant === undefined) variant = 'IoError';
  const reason = e instanceof Error ? e.message : String(e);
  return ioError(
    variant,
    `${syscall} ${JSON.stringify(path)} failed: ${reason}`,
    { errno: errno ?? (e instanceof Error ? e.name : undefined), syscall, path },
    e,
  );
}

/** A lock held elsewhere: the non-blocking acquire fails instead of waiting. */
export function wouldBlock(path: string, holder: string, cause?: unknown): ModelVaultError {
  return ioError(
    'WouldBlock',
    `database is locked by ${holder}: ${JSON.stringify(path)}`,
    { errno: 'EWOULDBLOCK', syscall: 'lock', path },
    cause,
  );
}

export function closedError(path: string, syscall: string): ModelVaultError {
  return ioError('Closed', `${syscall} on closed file ${JSON.stringify(path)}`, { syscall, path });
}

/** Writing through a handle opened with mode `read` (EBADF from the OS, reported clearly). */
export function notWritable(path: string, syscall: string): ModelVaultError {
  return ioError('PermissionDenied', `${syscall} on ${JSON.stringify(path)}: file was opened read-only`, {
    errno: 'EBADF',
    syscall,
    path,
  });
}

export function unexpectedEof(path: string, position: number, wanted: number, got: number): ModelVaultError {
  return ioError(
    'UnexpectedEof',
    `short read of ${JSON.stringify(path)} at ${position}: wanted ${wanted} bytes, got ${got}`,
    { syscall: 'read', path, position, wanted, got },
  );
}

/**
 * Positions and lengths are plain numbers; anything that is not a non-negative safe
 * integer would silently misbehave in the runtimes' APIs, so it is refused up front.
 */
export function checkOffset(value: number, what: string, syscall: string, path: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw ioError(
      'InvalidArgument',
      `${syscall} ${JSON.stringify(path)}: ${what} must be a non-negative safe integer, got ${String(value)}`,
      { errno: 'EINVAL', syscall, path, [what]: value },
    );
  }
}

/** `position + length` must stay a safe integer too (files beyond 2^53 bytes are refused). */
export function checkRange(position: number, length: number, syscall: string, path: string): void {
  checkOffset(position, 'position', syscall, path);
  if (length > Number.MAX_SAFE_INTEGER - position) {
    throw ioError(
      'InvalidArgument',
      `${syscall} ${JSON.stringify(path)}: range ${position}+${length} exceeds 2^53`,
      { errno: 'EINVAL', syscall, path, position, length },
    );
  }
}
