/**
 * `db.collection(Model)`: the typed handle over one collection, and the check that ties a
 * model to what the file's catalog holds (register when missing, nothing when identical, a
 * new schema version for a safe change, a typed error carrying the plan otherwise).
 */
import { ModelVaultError, schemaError, usageError } from '../errors.ts';
import type { Database } from '../engine/database.ts';
import { fieldEquals, indexEquals, typeEquals } from '../schema/equality.ts';
import { pathsEqual } from '../schema/field-paths.ts';
import type { MigrationPlan, MigrationStep } from '../schema/evolution.ts';
import type { CollectionDef } from '../schema/types.ts';
import type { Row, Value } from '../schema/values.ts';
import { explainKeyError, explainQueryError, explainWriteError, valueAt } from './errors.ts';
import { isModel } from './model.ts';
import type { AnyModel, Infer, InferRow, PrimaryKeyType } from './model.ts';
import { decodeShape, encodeShape, expectedOf, fieldAtPath } from './types.ts';
import type { Shape } from './types.ts';
import { toEngineQuery, wherePredicate } from './where.ts';
import type { FindOptions, Where } from './where.ts';

/** The model's field and index lists equal the stored ones exactly (order included). */
export function sameSchema(def: CollectionDef, m: AnyModel): boolean {
  return (
    def.fields.length === m.fields.length &&
    def.fields.every((f, i) => fieldEquals(f, m.fields[i]!)) &&
    def.indexes.length === m.indexes.length &&
    def.indexes.every((d, i) => indexEquals(d, m.indexes[i]!))
  );
}

/** Every model field exists in the collection with the identical type, and the collection has more (a read-through-fewer-fields model, §6.5). */
export function isSubsetModel(def: CollectionDef, m: AnyModel): boolean {
  return (
    m.fields.length < def.fields.length &&
    m.fields.every((f) => def.fields.some((g) => pathsEqual(f.path, g.path) && typeEquals(f.type, g.type)))
  );
}

export function stepText(step: MigrationStep): string {
  return step.kind === 'rebuild_indexes' ? 'rebuild indexes' : `backfill field "${step.path.join('.')}" in every existing row`;
}

function checkPrimaryKey(def: CollectionDef, m: AnyModel): void {
  if (def.primaryField !== m.primaryKey) {
    throw schemaError(
      'PrimaryFieldNotFound',
      `model "${m.name}" declares primary key "${m.primaryKey}" but the stored collection uses ${def.primaryField === null ? 'none (legacy file)' : `"${def.primaryField}"`}; a primary key cannot change`,
      { name: m.primaryKey, collection: m.name },
    );
  }
}

/** The typed error for a model that the file cannot take without a migration. */
export function migrationNeededError(m: AnyModel, plan: MigrationPlan, rowCount: number): ModelVaultError {
  const c = plan.change;
  if (c.kind === 'breaking') {
    return new ModelVaultError(
      'Schema.IncompatibleSchemaChange',
      `model "${m.name}" does not match the stored collection: ${c.reason}. This cannot be applied automatically; ` +
        `rewrite the ${rowCount} existing row(s) with db.migrate(model, { backfill: (oldRow) => newRow }) ` +
        `(preview with { dryRun: true } or \`modelvault migrate FILE --plan --models …\`)`,
      { collection: m.name, reason: c.kind === 'breaking' ? c.reason : '', plan },
    );
  }
  const steps = plan.allSteps.map(stepText).join('; ');
  return new ModelVaultError(
    'Schema.MigrationRequired',
    `model "${m.name}" needs a migration before it can be used: ${c.kind === 'needs_migration' ? c.reason : ''}. ` +
      `Plan: ${steps || 'none'} (${rowCount} existing row(s)). Run db.migrate(model, { backfill: (oldRow) => newRow }) ` +
      `(preview with { dryRun: true } or \`modelvault migrate FILE --plan --models …\`)`,
    { collection: m.name, reason: c.kind === 'needs_migration' ? c.reason : '', plan },
  );
}

/** Resolves (registering or evolving when safe) the collection behind `m` and returns its typed handle. */
export function openCollection<M extends AnyModel>(db: Database, m: M): ModelCollection<M> {
  if (!isModel(m)) throw usageError('InvalidArgument', 'db.collection() takes a collection name, an id, or a model from model()');
  let def = db.collection(m.name);
  if (def === undefined) {
    if (db.readOnly) {
      throw schemaError('UnknownCollectionName', `collection "${m.name}" does not exist in ${db.path}, and a read-only handle cannot create it`, { name: m.name });
    }
    db.registerCollection(m.name, m.fields, m.primaryKey, m.indexes);
    return new ModelCollection(db, m, db.collection(m.name)!, false);
  }
  checkPrimaryKey(def, m);
  if (sameSchema(def, m)) return new ModelCollection(db, m, def, false);
  if (isSubsetModel(def, m)) return new ModelCollection(db, m, def, true);
  const plan = db.planSchemaVersion(def.id, m.fields, m.indexes);
  if (plan.change.kind !== 'safe') throw migrationNeededError(m, plan, db.rowCount(def.id));
  // A read-only handle reads through a safely newer model as is (new optional fields read
  // as null); writing the new version is left to a writer.
  if (db.readOnly) return new ModelCollection(db, m, def, false);
  db.registerSchemaVersion(def.id, m.fields, m.indexes);
  def = db.collection(def.id)!;
  return new ModelCollection(db, m, def, false);
}

/** A typed view of one collection. Rows go in as `Infer<M>` and come out as `InferRow<M>`. */
export class ModelCollection<M extends AnyModel> {
  constructor(
    readonly db: Database,
    readonly model: M,
    /** The catalog entry when the handle was opened. */
    readonly def: CollectionDef,
    /** A subset model reads a wider collection; it cannot write rows (they would lose the other fields). */
    readonly subset: boolean,
  ) {}

  get name(): string {
    return this.def.name;
  }

  private get shape(): Shape {
    return this.model.shape as Shape;
  }

  private decode(row: Row): InferRow<M> {
    return decodeShape(this.shape, row, { collection: this.name, path: [] }) as InferRow<M>;
  }

  private encodePk(pk: unknown): unknown {
    return this.shape[this.model.primaryKey]!.encode(pk);
  }

  /** Canonical key text of a primary-key value (numbers, uuid text and bytes compare by what they store). */
  private pkKey(pk: unknown): string | null {
    const state = this.db.lookup(this.def.id);
    if (state === undefined) return null;
    try {
      return this.db.pkKeyOf(state, pk);
    } catch {
      return null;
    }
  }

  private refuseSubsetWrite(action: string): void {
    if (this.subset) {
      throw usageError(
        'SubsetModelWrite',
        `cannot ${action} "${this.name}" through model "${this.model.name}": it names only ${this.model.fields.length} of the collection's ${this.def.fields.length} fields, so the write would drop the others; use the full model`,
        { collection: this.name },
      );
    }
  }

  private write(action: string, input: unknown, encoded: unknown): void {
    try {
      this.db.insert(this.def.id, encoded as Row);
    } catch (e) {
      throw explainWriteError(e, {
        action: `cannot ${action} "${this.name}"`,
        collection: this.name,
        input,
        uniqueDetail: () => this.uniqueConflict(encoded),
        expects: (path) => expectedOf(fieldAtPath(this.shape, path)),
      });
    }
  }

  /** Which unique index a row collides on, for the error message. */
  private uniqueConflict(encoded: unknown): { index: string; path: readonly string[]; value: unknown } | null {
    const pkName = this.def.primaryField!;
    const current = this.db.collection(this.def.id);
    for (const ix of current?.indexes ?? []) {
      if (ix.kind !== 'unique') continue;
      const value = valueAt(encoded, ix.path);
      if (value === undefined || value === null) continue;
      try {
        const hits = this.db.query(this.def.id, { where: { eq: { path: [...ix.path], value } }, limit: 2 });
        const pk = this.pkKey(valueAt(encoded, [pkName]));
        if (hits.some((r) => this.pkKey(r[pkName]) !== pk)) return { index: ix.name, path: ix.path, value };
      } catch {
        // the value did not even coerce to the index type; the engine's error stands
      }
    }
    return null;
  }

  /** Inserts the row, or replaces the row with the same primary key. */
  insert(row: Infer<M>): void {
    this.refuseSubsetWrite('insert into');
    this.write('insert into', row, encodeShape(this.shape, row));
  }

  /** Inserts every row in one transaction (or in the caller's open one); returns how many. */
  insertMany(rows: Iterable<Infer<M>>): number {
    this.refuseSubsetWrite('insert into');
    let n = 0;
    const run = (): void => {
      for (const row of rows) {
        this.insert(row);
        n++;
      }
    };
    if (this.db.inTransaction) run();
    else this.db.transaction(run);
    return n;
  }

  /** The row with this primary key, or null. */
  get(pk: PrimaryKeyType<M>): InferRow<M> | null {
    const row = this.byKey('cannot get from', pk, (key) => this.db.get(this.def.id, key));
    return row === null ? null : this.decode(row);
  }

  /** Runs `f` with the encoded key, re-telling a key of the wrong kind. */
  private byKey<T>(action: string, pk: unknown, f: (key: unknown) => T): T {
    try {
      return f(this.encodePk(pk));
    } catch (e) {
      const pkName = this.model.primaryKey;
      throw explainKeyError(e, `${action} "${this.name}"`, this.name, pkName, pk, expectedOf(this.shape[pkName]));
    }
  }

  /** Runs a query, naming the collection in query errors. */
  private run<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      throw explainQueryError(e, this.name);
    }
  }

  /** Deletes by primary key; returns whether a row was there. */
  delete(pk: PrimaryKeyType<M>): boolean {
    return this.byKey('cannot delete from', pk, (key) => this.db.delete(this.def.id, key));
  }

  /**
   * Read-modify-write: `patch` is merged over the stored row (top-level fields) and the
   * result validated and written. The primary key cannot change. Returns the new row.
   */
  update(pk: PrimaryKeyType<M>, patch: Partial<Infer<M>>): InferRow<M> {
    this.refuseSubsetWrite('update');
    const key = this.encodePk(pk);
    const stored = this.byKey('cannot update', pk, (k) => this.db.get(this.def.id, k));
    if (stored === null) {
      throw usageError('RowNotFound', `cannot update "${this.name}": no row with ${this.model.primaryKey} = ${String(pk)}`, {
        collection: this.name,
      });
    }
    const pkName = this.model.primaryKey;
    const enc = encodeShape(this.shape, patch) as Record<string, Value>;
    if (Object.hasOwn(enc, pkName) && this.pkKey(enc[pkName]) !== this.pkKey(stored[pkName])) {
      throw usageError('PrimaryKeyChange', `cannot update "${this.name}": the primary key "${pkName}" cannot change (insert a new row and delete the old one)`, {
        collection: this.name,
      });
    }
    const merged: Record<string, unknown> = { ...stored, ...enc };
    this.write('update', { ...stored, ...patch }, merged);
    return this.decode(this.db.get(this.def.id, key)!);
  }

  /** Matching rows (filter, then order, then offset/limit). */
  query(options?: FindOptions<M['shape']>): InferRow<M>[] {
    return this.run(() => this.db.query(this.def.id, toEngineQuery(this.name, this.shape, options as FindOptions<Shape>))).map((r) => this.decode(r));
  }

  /** Every row, in primary-key order. */
  all(): InferRow<M>[] {
    return this.query();
  }

  /** The first matching row, or null. */
  first(options?: FindOptions<M['shape']>): InferRow<M> | null {
    return this.query({ ...options, limit: 1 })[0] ?? null;
  }

  /** Lazy results; rows are converted as they are pulled. */
  *iter(options?: FindOptions<M['shape']>): IterableIterator<InferRow<M>> {
    const rows = this.run(() => this.db.queryIter(this.def.id, toEngineQuery(this.name, this.shape, options as FindOptions<Shape>)));
    for (const r of rows) yield this.decode(r);
  }

  /** How many rows match (all rows without `where`). */
  count(where?: Where<M['shape']>): number {
    return this.run(() => this.db.count(this.def.id, where === undefined ? {} : { where: wherePredicate(this.name, this.shape, where) }));
  }

  /** The plan the engine would run (IndexLookup / CollectionScan …). */
  explain(options?: FindOptions<M['shape']>): string {
    return this.run(() => this.db.explain(this.def.id, toEngineQuery(this.name, this.shape, options as FindOptions<Shape>)));
  }
}
