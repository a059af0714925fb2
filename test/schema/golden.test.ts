/**
 * The reference engine's own verdicts on writes and registrations (golden op scripts):
 * every insert it accepted must validate, every insert it refused for a validation/schema
 * reason must be refused with the same display text, and registrations must agree.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isModelVaultError } from '../../src/errors.ts';
import type { ModelVaultError } from '../../src/errors.ts';
import { fieldFromJson, indexFromJson, rowFromJson } from '../../src/schema/tagged-json.ts';
import type { Json } from '../../src/schema/tagged-json.ts';
import type { CollectionDef } from '../../src/schema/types.ts';
import { validateRow } from '../../src/schema/validate.ts';
import { checkCollectionRegistration, checkSchemaVersion } from '../../src/schema/registration.ts';

const GOLDEN = '/work/shared/golden';

/** The reference's `Display` of a DbError, rebuilt from code + details. */
function display(e: ModelVaultError): string {
  if (e.kind === 'Validation') {
    const path = e.details.path as string[];
    const msg = e.details.message as string;
    return path.length ? `validation error at ${path.join('.')}: ${msg}` : `validation error: ${msg}`;
  }
  return `${e.kind.toLowerCase()} error: ${e.message}`;
}

function outcome(fn: () => unknown): { ok: true } | { ok: false; display: string; code: string } {
  try {
    fn();
    return { ok: true };
  } catch (e) {
    if (!isModelVaultError(e)) throw e;
    return { ok: false, display: display(e), code: e.code };
  }
}

type Op = { op: string; expect?: { ok: boolean; error_kind?: string; error_display?: string; error_debug?: string } } & Record<string, Json>;

const scripts = readdirSync(GOLDEN).filter((f) => f.endsWith('.ops.json')).sort();

describe('golden op scripts', () => {
  it('there are scripts to check', () => {
    expect(scripts.length).toBeGreaterThan(5);
  });

  for (const script of scripts) {
    it(script, () => {
      const doc = JSON.parse(readFileSync(join(GOLDEN, script), 'utf8')) as { ops: Op[] };
      const byName = new Map<string, CollectionDef>();
      let checkedInserts = 0;
      for (const op of doc.ops) {
        if (op.op === 'create' || op.op === 'open') byName.clear();
        if (op.op === 'open') {
          // Reopened databases keep their catalog; the scripts only reopen files they wrote.
          continue;
        }
        if (op.op === 'register_collection') {
          const fields = (op.fields as Json[]).map(fieldFromJson);
          const indexes = ((op.indexes ?? []) as Json[]).map(indexFromJson);
          const r = outcome(() =>
            checkCollectionRegistration(
              { name: op.name as string, fields, primaryField: op.primary_field as string, indexes },
              (n) => byName.has(n),
            ),
          );
          expect(r.ok, `${script}: register ${String(op.name)}`).toBe(op.expect!.ok);
          if (op.expect!.ok) {
            const checked = checkCollectionRegistration(
              { name: op.name as string, fields, primaryField: op.primary_field as string, indexes },
              () => false,
            );
            byName.set(checked.name, {
              id: byName.size + 1,
              name: checked.name,
              schemaVersion: 1,
              fields,
              indexes,
              primaryField: checked.primaryField,
            });
          }
        }
        if (op.op === 'register_schema_version') {
          const cur = byName.get(op.collection as string)!;
          const fields = (op.fields as Json[]).map(fieldFromJson);
          const indexes = ((op.indexes ?? []) as Json[]).map(indexFromJson);
          const r = outcome(() => checkSchemaVersion(cur, fields, indexes));
          expect(r, script).toEqual(op.expect!.ok ? { ok: true } : expect.objectContaining({ ok: false, display: op.expect!.error_display }));
          if (op.expect!.ok) {
            expect(checkSchemaVersion(cur, fields, indexes)).toBe((op.expect as unknown as { schema_version: number }).schema_version);
            byName.set(cur.name, { ...cur, fields, indexes, schemaVersion: cur.schemaVersion + 1 });
          }
        }
        if (op.op === 'insert') {
          const def = byName.get(op.collection as string);
          if (def === undefined) continue;
          const row = rowFromJson(op.row!);
          const r = outcome(() => validateRow(def, row));
          const exp = op.expect!;
          const label = `${script}: ${JSON.stringify(op.row).slice(0, 200)}`;
          if (exp.ok || exp.error_debug === 'Schema(UniqueIndexViolation)') {
            expect(r, label).toEqual({ ok: true });
          } else {
            expect(r, label).toEqual(expect.objectContaining({ ok: false, display: exp.error_display }));
          }
          checkedInserts++;
        }
      }
      if (doc.ops.some((o) => o.op === 'insert')) expect(checkedInserts).toBeGreaterThan(0);
    });
  }
});
