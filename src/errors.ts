/**
 * Every failure the library reports is a `ModelVaultError`.
 *
 * `code` is stable and machine-readable: `<Kind>.<Variant>` named after the reference
 * engine's taxonomy (FORMAT.md §17, BEHAVIOR.md §10), e.g. `Format.UncleanLogTail`,
 * `Schema.UnknownCollection`, `Io.WouldBlock`. `kind` is the part before the dot.
 * `details` carries the variant's fields (offsets as bigint/number, names, …) so callers
 * and tests can assert on them without parsing messages.
 */
export type ErrorKind =
  | 'Io'
  | 'Format'
  | 'Schema'
  | 'Validation'
  | 'Transaction'
  | 'Query'
  | 'Sql'
  | 'Usage';

export class ModelVaultError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: string,
    message: string,
    details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'ModelVaultError';
    this.code = code;
    this.kind = code.slice(0, code.indexOf('.') < 0 ? code.length : code.indexOf('.')) as ErrorKind;
    this.details = details;
  }
}

export function isModelVaultError(e: unknown, code?: string): e is ModelVaultError {
  return e instanceof ModelVaultError && (code === undefined || e.code === code);
}

/** Shorthands keep call sites short; each fixes the code's kind. */
export const formatError = (variant: string, message: string, details: Record<string, unknown> = {}) =>
  new ModelVaultError(`Format.${variant}`, message, details);
export const schemaError = (variant: string, message: string, details: Record<string, unknown> = {}) =>
  new ModelVaultError(`Schema.${variant}`, message, details);
export const ioError = (variant: string, message: string, details: Record<string, unknown> = {}, cause?: unknown) =>
  new ModelVaultError(`Io.${variant}`, message, details, cause !== undefined ? { cause } : undefined);
export const txnError = (variant: string, message: string, details: Record<string, unknown> = {}) =>
  new ModelVaultError(`Transaction.${variant}`, message, details);
export const usageError = (variant: string, message: string, details: Record<string, unknown> = {}) =>
  new ModelVaultError(`Usage.${variant}`, message, details);

/**
 * Validation failures carry the field path they concern (BEHAVIOR.md §2): `details.path`
 * is the array of path segments (empty for row-level problems), `details.message` the
 * reference's message text.
 */
export const validationError = (path: readonly string[], message: string, extra: Record<string, unknown> = {}) =>
  new ModelVaultError(
    'Validation.Invalid',
    path.length ? `validation error at ${path.join('.')}: ${message}` : `validation error: ${message}`,
    { path: [...path], message, ...extra },
  );
