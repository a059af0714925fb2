/**
 * `modelvault migrate FILE --models PATH (--plan | --apply) [--json]`: compares models with
 * the collections stored in FILE.
 *
 * `--models` names either a JSON file (an array of `Model.toJSON()` objects, or
 * `{ "models": [...] }`) or a JavaScript module (`.js`, `.mjs`, `.cjs`) whose exports
 * include models (any export that is a model, or an array of them). Modules are loaded
 * synchronously with `require`, which for ES modules needs Node ≥ 20.19 and a module without
 * top-level await.
 *
 * `--plan` opens FILE read-only and prints, per model, what `db.migrate(model)` would do:
 * create / none / subset / migrate, the change classification, the steps, how many rows
 * exist, and what blocks it. `--apply` performs the migrations that need no backfill
 * (creating collections, safe changes, new indexes); a change that needs new values for
 * existing rows is reported and left for `db.migrate(model, { backfill })` in code. Exit
 * status 1 when anything is blocked.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { CliCommand } from '../command.ts';
import { EXIT_FAILURE, EXIT_OK } from '../command.ts';
import { Database } from '../../engine/database.ts';
import { isModelVaultError, usageError } from '../../errors.ts';
import { isModel } from '../../model/model.ts';
import type { AnyModel } from '../../model/model.ts';
import { describeReport, migrate, planModelMigration } from '../../model/migrate.ts';
import type { MigrationReport } from '../../model/migrate.ts';
import { fieldFromJson, indexFromJson } from '../../schema/tagged-json.ts';
import type { Json } from '../../schema/tagged-json.ts';
import type { FieldDef, IndexDef } from '../../schema/types.ts';
import { parseArgs } from './file-args.ts';

/** What the command needs of a model: its catalog form (a JSON model has no TypeScript shape). */
export interface ModelSchema {
  readonly name: string;
  readonly primaryKey: string;
  readonly fields: readonly FieldDef[];
  readonly indexes: readonly IndexDef[];
}

const MAX_MODELS = 10_000;

function schemaFromJson(j: Json, at: string): ModelSchema {
  if (typeof j !== 'object' || j === null || Array.isArray(j)) throw usageError('InvalidModels', `${at}: a model must be an object`);
  const { name, primaryKey, fields, indexes } = j;
  if (typeof name !== 'string' || typeof primaryKey !== 'string' || !Array.isArray(fields)) {
    throw usageError('InvalidModels', `${at}: a model needs "name", "primaryKey" and "fields" (the form Model.toJSON() writes)`);
  }
  if (indexes !== undefined && !Array.isArray(indexes)) throw usageError('InvalidModels', `${at}: "indexes" must be an array`);
  try {
    return { name, primaryKey, fields: fields.map(fieldFromJson), indexes: (indexes ?? []).map(indexFromJson) };
  } catch (e) {
    throw usageError('InvalidModels', `${at} (model "${name}"): ${e instanceof Error ? e.message : String(e)}`);
  }
}

function modelsFromModule(exports: unknown): ModelSchema[] {
  const out: AnyModel[] = [];
  const visit = (v: unknown): void => {
    if (isModel(v)) {
      if (!out.includes(v)) out.push(v);
    } else if (Array.isArray(v)) v.forEach(visit);
  };
  if (isModel(exports) || Array.isArray(exports)) visit(exports);
  else if (typeof exports === 'object' && exports !== null) for (const v of Object.values(exports)) visit(v);
  return out;
}

/** Reads the model definitions named by `--models`. */
export function loadModels(path: string): ModelSchema[] {
  const abs = isAbsolute(path) ? path : resolve(process.cwd(), path);
  let models: ModelSchema[];
  if (abs.endsWith('.json')) {
    let j: Json;
    try {
      j = JSON.parse(readFileSync(abs, 'utf8')) as Json;
    } catch (e) {
      throw usageError('InvalidModels', `cannot read models from ${path}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const list = Array.isArray(j) ? j : typeof j === 'object' && j !== null && Array.isArray((j as { models?: Json }).models) ? ((j as { models: Json[] }).models) : null;
    if (list === null) throw usageError('InvalidModels', `${path}: expected an array of models or { "models": [...] }`);
    if (list.length > MAX_MODELS) throw usageError('InvalidModels', `${path}: more than ${MAX_MODELS} models`);
    models = list.map((m, i) => schemaFromJson(m, `${path}[${i}]`));
  } else {
    let exports: unknown;
    try {
      exports = createRequire(import.meta.url)(abs);
    } catch (e) {
      throw usageError('InvalidModels', `cannot load models from ${path}: ${e instanceof Error ? e.message : String(e)}`);
    }
    models = modelsFromModule(exports);
  }
  if (models.length === 0) throw usageError('InvalidModels', `${path} defines no models`);
  return models;
}

/** A JSON-safe report (bigint-free; the plan's reasons are plain strings). */
function reportJson(r: MigrationReport): Record<string, unknown> {
  return {
    action: r.action,
    applied: r.applied,
    blocker: r.blocker,
    change: r.change === null ? null : r.change.kind,
    collection: r.collection,
    from_version: r.fromVersion,
    reason: r.change !== null && r.change.kind !== 'safe' ? r.change.reason : null,
    rows_changed: r.rowsChanged,
    rows_total: r.rowsTotal,
    steps: [...r.steps],
    to_version: r.toVersion,
  };
}

export const migrateCommand: CliCommand = {
  summary: 'compare model definitions with a database: --plan prints what db.migrate would do, --apply runs what needs no backfill',
  usage: '<file> --models <models.json|module.mjs> (--plan | --apply) [--json]',
  run(args, io) {
    const parsed = parseArgs(args, ['--plan', '--apply', '--json'], ['--models']);
    const plan = parsed.flags.has('--plan');
    const apply = parsed.flags.has('--apply');
    if (plan === apply) throw usageError('MissingValue', 'give exactly one of --plan or --apply');
    const modelsPath = parsed.options.get('--models');
    if (modelsPath === undefined) throw usageError('MissingValue', '--models <path> is required (a JSON file of Model.toJSON() objects or a module exporting models)');
    const models = loadModels(modelsPath);
    const db = plan ? Database.open(parsed.file, { readOnly: true }) : Database.open(parsed.file);
    const reports: MigrationReport[] = [];
    try {
      for (const m of models) {
        // The engine side of a migration reads only the catalog form, so a JSON model works
        // wherever a TypeScript one does (there is no backfill here).
        const asModel = m as unknown as AnyModel;
        if (plan) reports.push(planModelMigration(db, asModel));
        else {
          const r = planModelMigration(db, asModel);
          if (r.blocker !== null) reports.push(r);
          else {
            try {
              reports.push(migrate(db, asModel));
            } catch (e) {
              if (!isModelVaultError(e)) throw e;
              reports.push({ ...r, blocker: `${e.code}: ${e.message}` });
            }
          }
        }
      }
    } finally {
      db.close();
    }
    if (parsed.flags.has('--json')) io.stdout(`${JSON.stringify({ file: parsed.file, mode: plan ? 'plan' : 'apply', models: reports.map(reportJson) }, null, 2)}\n`);
    else for (const r of reports) io.stdout(describeReport(r) + (apply ? `  applied: ${r.applied}\n` : ''));
    return reports.some((r) => r.blocker !== null) ? EXIT_FAILURE : EXIT_OK;
  },
};
