/**
 * `db.migrate(Model, { backfill, dryRun })`: moves a collection to the model's schema in one
 * transaction — the new schema version and every rewritten row commit together or not at
 * all. A dry run computes the same plan and the rewritten rows (so backfill mistakes and
 * unique-index collisions surface before anything is written) and writes nothing.
 *
 * After a real migration of a file-backed database a checkpoint is taken (unless
 * `checkpoint: false`): the Rust reference engine replays log records only at the current
 * schema version (BEHAVIOR.md §3.6), so the checkpoint keeps the file openable there.
 */
import { schemaError, txnError, usageError } from '../errors.ts';
import type { ModelVaultError } from '../errors.ts';
import type { Database } from '../engine/database.ts';
import { canonicalKeyString } from '../format/canonical-key.ts';
import type { MigrationPlan, SchemaChange } from '../schema/evolution.ts';
import { pathsEqual, resolvePath } from '../schema/field-paths.ts';
import type { CollectionDef, IndexDef, ScalarType, Type } from '../schema/types.ts';
import { isEnum, isObject, isOptional, isScalarType } from '../schema/types.ts';
import { validateRow } from '../schema/validate.ts';
import type { Row, Value } from '../schema/values.ts';
import { isModel } from './model.ts';
import type { AnyModel, Infer, InferRow } from './model.ts';
import { isSubsetModel, migrationNeededError, sameSchema, stepText } from './collection.ts';
import { explainWriteError, showValue } from './errors.ts';
import { decodeShape, encodeShape, expectedOf, fieldAtPath } from './types.ts';
import type { Shape } from './types.ts';

export interface MigrateOptions<M extends AnyModel, F extends AnyModel | undefined = undefined> {
  /**
   * Produces each row under the new model from the stored row. Called once per existing row
   * (in primary-key order). Without `from`, the old row is the stored row as the engine holds
   * it (64-bit integers as bigint, uuids as bytes, every field of the old schema).
   */
  readonly backfill?: (oldRow: F extends AnyModel ? InferRow<F> : Row) => NoInfer<Infer<M>>;
  /** The model the rows were written with: `backfill` then receives typed rows of it. */
  readonly from?: F;
  /** Compute and validate everything, write nothing. */
  readonly dryRun?: boolean;
  /** Checkpoint a file-backed database after the migration commits (default true). */
  readonly checkpoint?: boolean;
}

export type MigrationAction =
  /** The collection does not exist: it is registered. */
  | 'create'
  /** The stored schema already equals the model and no backfill was given. */
  | 'none'
  /** A subset model: it reads the collection as it is; nothing to migrate. */
  | 'subset'
  /** A new schema version (and rewritten rows where a backfill or a new index needs them). */
  | 'migrate';

export interface MigrationReport {
  readonly collection: string;
  readonly action: MigrationAction;
  /** The engine's classification of the schema change (null for create/none/subset). */
  readonly change: SchemaChange | null;
  /** What the change needs, in words (`backfill field "x" in every existing row`, `rebuild indexes`). */
  readonly steps: readonly string[];
  /** Why the migration cannot run as asked (null when it can). */
  readonly blocker: string | null;
  readonly fromVersion: number | null;
  readonly toVersion: number | null;
  readonly rowsTotal: number;
  /** Rows whose stored value differs after the migration. */
  readonly rowsChanged: number;
  /** Rows written again (changed rows, or all rows when a new index needs entries). */
  readonly rowsRewritten: number;
  readonly dryRun: boolean;
  /** Whether the migration wrote anything (always false for a dry run). */
  readonly applied: boolean;
}

interface Planned {
  report: Omit<MigrationReport, 'dryRun' | 'applied'>;
  plan: MigrationPlan | null;
  def: CollectionDef | undefined;
  /** [stored rows to write] */
  writes: Row[];
  blockerError: ModelVaultError | null;
}

function valueEquals(a: Value | undefined, b: Value | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b);
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length && a.every((x, i) => x === b[i]);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => valueEquals(x, b[i]));
  }
  if (typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && valueEquals(a[k], b[k]));
  }
  return false;
}

/** The scalar type an index path resolves to (an exact field path, or through object members); null otherwise. */
function indexType(fields: CollectionDef['fields'], path: readonly string[]): ScalarType | null {
  const leaf = (t: Type): ScalarType | null => {
    while (isOptional(t)) t = t.optional;
    return isScalarType(t) ? t : isEnum(t) ? 'string' : null;
  };
  const exact = fields.find((f) => pathsEqual(f.path, path));
  if (exact !== undefined) return leaf(exact.type);
  let list = fields;
  let t: Type | undefined;
  for (const seg of path) {
    const f = list.find((x) => x.path[0] === seg);
    if (f === undefined) return null;
    t = f.type;
    while (isOptional(t)) t = t.optional;
    list = isObject(t) ? t.object : [];
  }
  return t === undefined ? null : leaf(t);
}

/** The first pair of rows that would share a key of a unique index, in words. */
function uniqueCollision(collection: string, fields: CollectionDef['fields'], indexes: readonly IndexDef[], rows: readonly Row[]): string | null {
  for (const ix of indexes) {
    if (ix.kind !== 'unique') continue;
    const t = indexType(fields, ix.path);
    if (t === null) continue;
    const seen = new Set<string>();
    for (const row of rows) {
      const v = resolvePath(row, ix.path);
      if (v === undefined || v === null || typeof v === 'object' && !(v instanceof Uint8Array)) continue;
      const k = canonicalKeyString(t, v);
      if (seen.has(k)) return `two rows of "${collection}" would share ${ix.path.join('.')} = ${showValue(v)} under unique index "${ix.name}"`;
      seen.add(k);
    }
  }
  return null;
}

/** A model known only by its catalog form (`Model.toJSON()` read back by the CLI): enough to plan and to apply changes that need no backfill. */
function isCatalogForm(m: unknown): boolean {
  if (typeof m !== 'object' || m === null) return false;
  const c = m as Partial<AnyModel>;
  return typeof c.name === 'string' && typeof c.primaryKey === 'string' && Array.isArray(c.fields) && Array.isArray(c.indexes);
}

function planMigration<M extends AnyModel>(db: Database, m: M, options: MigrateOptions<M, AnyModel | undefined>): Planned {
  if (!isModel(m) && !isCatalogForm(m)) throw usageError('InvalidArgument', 'db.migrate() takes a model from model()');
  if (options.backfill !== undefined && !isModel(m)) throw usageError('InvalidArgument', 'a backfill needs a model from model() (its shape converts the rows)');
  if (options.from !== undefined && !isModel(options.from)) throw usageError('InvalidArgument', 'migrate option "from" must be a model');
  if (options.backfill !== undefined && typeof options.backfill !== 'function') throw usageError('InvalidArgument', 'migrate option "backfill" must be a function');
  const def = db.collection(m.name);
  const base = { collection: m.name, change: null, steps: [], blocker: null, rowsChanged: 0, rowsRewritten: 0 };
  if (def === undefined) {
    return { report: { ...base, action: 'create', fromVersion: null, toVersion: 1, rowsTotal: 0 }, plan: null, def, writes: [], blockerError: null };
  }
  const rowsTotal = db.rowCount(def.id);
  if (def.primaryField !== m.primaryKey) {
    const blocker = `the primary key cannot change (stored: ${def.primaryField === null ? 'none' : `"${def.primaryField}"`}, model: "${m.primaryKey}")`;
    return {
      report: { ...base, action: 'migrate', blocker, fromVersion: def.schemaVersion, toVersion: null, rowsTotal },
      plan: null,
      def,
      writes: [],
      blockerError: schemaError('PrimaryFieldNotFound', `cannot migrate "${m.name}": ${blocker}`, { name: m.primaryKey, collection: m.name }),
    };
  }
  const identical = sameSchema(def, m);
  if (options.backfill === undefined && identical) {
    return { report: { ...base, action: 'none', fromVersion: def.schemaVersion, toVersion: def.schemaVersion, rowsTotal }, plan: null, def, writes: [], blockerError: null };
  }
  if (options.backfill === undefined && isSubsetModel(def, m)) {
    return { report: { ...base, action: 'subset', fromVersion: def.schemaVersion, toVersion: def.schemaVersion, rowsTotal }, plan: null, def, writes: [], blockerError: null };
  }
  const plan = db.planSchemaVersion(def.id, m.fields, m.indexes);
  const steps = plan.allSteps.map(stepText);
  const toVersion = identical ? def.schemaVersion : def.schemaVersion + 1;
  const head = { ...base, action: 'migrate' as const, change: plan.change, steps, fromVersion: def.schemaVersion, toVersion, rowsTotal };
  // Without a backfill, existing rows can only stay as they are: fine for safe changes and
  // new indexes; a new required field or a breaking change needs a value from the caller.
  const needsRows = plan.change.kind === 'breaking' || plan.allSteps.some((s) => s.kind === 'backfill_top_level_field');
  if (options.backfill === undefined && needsRows && rowsTotal > 0) {
    const err = migrationNeededError(m, plan, rowsTotal);
    return { report: { ...head, blocker: `${plan.change.kind === 'breaking' ? plan.change.reason : steps.join('; ')}: pass a backfill to rewrite the ${rowsTotal} existing row(s)` }, plan, def, writes: [], blockerError: err };
  }
  // The rows as they will be stored: validated against the new schema now, so a dry run
  // reports every problem a real run would hit.
  const target: CollectionDef = { ...def, schemaVersion: toVersion, fields: m.fields, indexes: m.indexes };
  const pkName = m.primaryKey;
  const newNames = new Set(m.fields.map((f) => f.path[0]!));
  const addsIndex = m.indexes.some((ix) => !def.indexes.some((d) => d.name === ix.name));
  const writes: Row[] = [];
  const finalRows: Row[] = [];
  let changed = 0;
  for (const old of db.rows(def.id)) {
    let input: unknown;
    let produced: unknown;
    if (options.backfill !== undefined) {
      const arg = options.from !== undefined ? decodeShape(options.from.shape as Shape, old, { collection: m.name, path: [] }) : structuredCloneRow(old);
      produced = (options.backfill as (r: unknown) => unknown)(arg);
      input = encodeShape(m.shape as Shape, produced);
    } else {
      // Keep the stored values of fields the model still has (dropped fields go; new
      // optional fields become null).
      const kept: Record<string, Value> = {};
      for (const k of Object.keys(old)) if (newNames.has(k)) kept[k] = old[k]!;
      input = kept;
      produced = kept;
    }
    let stored: Row;
    try {
      stored = validateRow(target, input as Row);
    } catch (e) {
      throw explainWriteError(e, {
        action: `cannot migrate "${m.name}" row ${pkName} = ${showValue(old[pkName])}`,
        collection: m.name,
        input: produced,
        expects: (path) => (isModel(m) ? expectedOf(fieldAtPath(m.shape as Shape, path)) : undefined),
      });
    }
    if (db.pkKeyOf(db.lookup(def.id)!, stored[pkName]) !== db.pkKeyOf(db.lookup(def.id)!, old[pkName])) {
      throw usageError('PrimaryKeyChange', `cannot migrate "${m.name}": the backfill changed the primary key of row ${pkName} = ${showValue(old[pkName])} to ${showValue(stored[pkName])}`, {
        collection: m.name,
      });
    }
    finalRows.push(stored);
    const differs = !valueEquals(stored, old);
    if (differs) changed++;
    if (differs || addsIndex) writes.push(stored);
  }
  const collision = uniqueCollision(m.name, m.fields, m.indexes, finalRows);
  if (collision !== null) {
    return {
      report: { ...head, blocker: collision, rowsChanged: changed, rowsRewritten: writes.length },
      plan,
      def,
      writes: [],
      blockerError: schemaError('UniqueIndexViolation', `cannot migrate "${m.name}": ${collision}`, { collection: m.name }),
    };
  }
  return { report: { ...head, rowsChanged: changed, rowsRewritten: writes.length }, plan, def, writes, blockerError: null };
}

/** A deep copy of a stored row, so a backfill that mutates its argument cannot touch engine state. */
function structuredCloneRow(row: Row): Row {
  const copy = (v: Value): Value => {
    if (v instanceof Uint8Array) return v.slice();
    if (Array.isArray(v)) return v.map(copy);
    if (v !== null && typeof v === 'object') {
      const o: { [k: string]: Value } = {};
      for (const k of Object.keys(v)) Object.defineProperty(o, k, { value: copy(v[k]!), enumerable: true, writable: true, configurable: true });
      return o;
    }
    return v;
  };
  return copy(row) as Row;
}

/** What `migrate` would do, without writing or throwing for blocked migrations (the CLI's `--plan`). */
export function planModelMigration<M extends AnyModel, F extends AnyModel | undefined = undefined>(
  db: Database,
  m: M,
  options: Omit<MigrateOptions<M, F>, 'dryRun'> = {},
): MigrationReport {
  return { ...planMigration(db, m, options as MigrateOptions<M, AnyModel | undefined>).report, dryRun: true, applied: false };
}

/** Applies the model's schema to its collection in one transaction (see the module comment). */
export function migrate<M extends AnyModel, F extends AnyModel | undefined = undefined>(
  db: Database,
  m: M,
  options: MigrateOptions<M, F> = {},
): MigrationReport {
  db.assertOpen();
  if (db.inTransaction) throw txnError('NestedTransaction', `cannot migrate "${m?.name}" inside an open transaction: a migration is its own transaction`);
  const p = planMigration(db, m, options as MigrateOptions<M, AnyModel | undefined>);
  if (p.blockerError !== null) throw p.blockerError;
  const dryRun = options.dryRun === true;
  if (dryRun) return { ...p.report, dryRun, applied: false };
  const r = p.report;
  if (r.action === 'none' || r.action === 'subset') return { ...r, dryRun, applied: false };
  if (r.action === 'create') {
    db.registerCollection(m.name, m.fields, m.primaryKey, m.indexes);
    return { ...r, dryRun, applied: true };
  }
  const def = p.def!;
  const bump = r.toVersion !== r.fromVersion;
  if (!bump && p.writes.length === 0) return { ...r, dryRun, applied: false };
  db.transaction(() => {
    if (bump) db.registerSchemaVersion(def.id, m.fields, m.indexes, { force: p.plan!.change.kind !== 'safe' });
    for (const row of p.writes) db.insert(def.id, row);
  });
  if (options.checkpoint !== false && db.path !== ':memory:' && !db.readOnly) db.checkpoint();
  return { ...r, dryRun, applied: true };
}

export function describeReport(r: MigrationReport): string {
  const lines = [`collection "${r.collection}": ${r.action}`];
  if (r.fromVersion !== null || r.toVersion !== null) lines.push(`  schema version: ${r.fromVersion ?? '-'} -> ${r.toVersion ?? '-'}`);
  if (r.change !== null) lines.push(`  change: ${r.change.kind}${r.change.kind === 'safe' ? '' : ` (${r.change.reason})`}`);
  for (const s of r.steps) lines.push(`  step: ${s}`);
  lines.push(`  rows: ${r.rowsTotal} total, ${r.rowsChanged} change, ${r.rowsRewritten} rewritten`);
  if (r.blocker !== null) lines.push(`  blocked: ${r.blocker}`);
  return `${lines.join('\n')}\n`;
}

