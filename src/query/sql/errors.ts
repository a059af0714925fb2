/**
 * SQL errors carry the 0-based offset of the offending token in `details.position`; the
 * message names it 1-based ("at position 15"), like an editor column.
 *
 * Codes: `Sql.Syntax` (malformed text; the reference's messages where it has one),
 * `Sql.Unsupported` (valid SQL this subset does not run — the construct is named),
 * `Sql.Invalid` (well-formed but meaningless, e.g. a non-grouped column next to an
 * aggregate), `Sql.Parameters` (wrong parameter count or container). Schema problems
 * (unknown field, type mismatch) keep their `Query.*` codes.
 */
import { ModelVaultError } from '../../errors.ts';

export function sqlError(
  variant: 'Syntax' | 'Unsupported' | 'Invalid' | 'Parameters',
  message: string,
  position: number | null,
  details: Record<string, unknown> = {},
): ModelVaultError {
  const where = position === null ? '' : ` at position ${position + 1}`;
  return new ModelVaultError(`Sql.${variant}`, `${message}${where}`, { ...details, message, position });
}
