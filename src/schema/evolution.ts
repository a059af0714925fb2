/**
 * Schema evolution policy (BEHAVIOR.md §3.3–§3.4): how a proposed field/index list relates
 * to the current one, and what a caller must do before registering it.
 *
 * The rules and reason texts are the reference's. Where it iterates hash maps (so which
 * field a reason names is unspecified), this iterates in schema order, making the answer
 * deterministic. Every problem is collected; the first one in rule order is the
 * reference's verdict.
 */
import { debugPath, pathKey } from './field-paths.ts';
import { constraintsEqual, fieldEquals, indexEquals, typeEquals } from './equality.ts';
import { debugString } from './rust-display.ts';
import { isEnum, isOptional } from './types.ts';
import type { CollectionDef, FieldDef, IndexDef, Type } from './types.ts';

export type SchemaChange =
  | { readonly kind: 'safe' }
  | { readonly kind: 'needs_migration'; readonly reason: string }
  | { readonly kind: 'breaking'; readonly reason: string };

/**
 * `field` holds the top-level field NAME (the reference puts its whole reason sentence
 * there — BEHAVIOR §13 item 16). `path` is the full path of the new field; for a
 * multi-segment path the value to backfill belongs at that nested leaf.
 */
export type MigrationStep =
  | { readonly kind: 'backfill_top_level_field'; readonly field: string; readonly path: readonly string[] }
  | { readonly kind: 'rebuild_indexes' };

export interface SchemaProblem {
  readonly kind: 'needs_migration' | 'breaking';
  readonly reason: string;
  /** What resolves it, for needs-migration problems. */
  readonly step?: MigrationStep;
}

export interface MigrationPlan {
  /** The reference's classification (the first problem in rule order, or safe). */
  readonly change: SchemaChange;
  /** The reference's plan: at most one step, for the first problem; empty unless needs_migration. */
  readonly steps: readonly MigrationStep[];
  /** Every problem found, in rule order (the first equals `change` when not safe). */
  readonly problems: readonly SchemaProblem[];
  /** Steps resolving every needs-migration problem (deduplicated); empty when anything is breaking. */
  readonly allSteps: readonly MigrationStep[];
}

type SchemaShape = Pick<CollectionDef, 'fields' | 'indexes'>;

/** Top-level enums may gain variants (order irrelevant); nested enums must stay identical. */
function typeCompatible(oldType: Type, newType: Type): boolean {
  if (isEnum(oldType) && isEnum(newType)) {
    const next = new Set(newType.enum);
    return oldType.enum.every((v) => next.has(v));
  }
  return typeEquals(oldType, newType);
}

/** All problems, in the reference's rule order (§3.3 rules 1–4). */
export function collectSchemaProblems(current: SchemaShape, fields: readonly FieldDef[], indexes: readonly IndexDef[]): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const newByPath = new Map<string, FieldDef>();
  for (const f of fields) if (!newByPath.has(pathKey(f.path))) newByPath.set(pathKey(f.path), f);
  const oldPaths = new Set(current.fields.map((f) => pathKey(f.path)));

  // Rule 1: existing fields keep their path, constraints and type.
  for (const old of current.fields) {
    const next = newByPath.get(pathKey(old.path));
    if (next === undefined) {
      problems.push({ kind: 'breaking', reason: `field removed: ${debugPath(old.path)}` });
      continue;
    }
    if (!constraintsEqual(old.constraints, next.constraints)) {
      problems.push({ kind: 'breaking', reason: `constraints changed for field ${debugPath(old.path)}` });
    }
    if (!typeCompatible(old.type, next.type)) {
      problems.push({ kind: 'breaking', reason: `type changed for field ${debugPath(old.path)}` });
    }
  }
  // Rule 2: new fields must be Optional at the root, or existing rows need a value.
  const seenNew = new Set<string>();
  for (const f of fields) {
    const key = pathKey(f.path);
    if (oldPaths.has(key) || seenNew.has(key)) continue;
    seenNew.add(key);
    if (isOptional(f.type)) continue;
    problems.push({
      kind: 'needs_migration',
      reason: `new required field ${debugPath(f.path)} needs backfill`,
      step: { kind: 'backfill_top_level_field', field: f.path[0]!, path: [...f.path] },
    });
  }
  // Rule 3: an existing index may be dropped but not redefined.
  const newByName = new Map<string, IndexDef>();
  for (const ix of indexes) if (!newByName.has(ix.name)) newByName.set(ix.name, ix);
  const oldNames = new Set(current.indexes.map((ix) => ix.name));
  for (const old of current.indexes) {
    const next = newByName.get(old.name);
    if (next === undefined) continue;
    if (next.kind !== old.kind || pathKey(next.path) !== pathKey(old.path)) {
      problems.push({ kind: 'breaking', reason: `index changed: ${debugString(old.name)}` });
    }
  }
  // Rule 4: a new unique index must be built and checked against existing rows.
  const seenIx = new Set<string>();
  for (const ix of indexes) {
    if (oldNames.has(ix.name) || seenIx.has(ix.name)) continue;
    seenIx.add(ix.name);
    if (ix.kind === 'unique') {
      problems.push({
        kind: 'needs_migration',
        reason: `new unique index ${debugString(ix.name)} needs rebuild/validation`,
        step: { kind: 'rebuild_indexes' },
      });
    }
  }
  return problems;
}

/** BEHAVIOR.md §3.3: the reference's verdict on replacing `current`'s fields and indexes. */
export function classifySchemaUpdate(current: SchemaShape, fields: readonly FieldDef[], indexes: readonly IndexDef[]): SchemaChange {
  const first = collectSchemaProblems(current, fields, indexes)[0];
  return first === undefined ? { kind: 'safe' } : { kind: first.kind, reason: first.reason };
}

/** BEHAVIOR.md §3.4 `planSchemaVersion`, without writing anything. */
export function planSchemaVersion(current: SchemaShape, fields: readonly FieldDef[], indexes: readonly IndexDef[]): MigrationPlan {
  const problems = collectSchemaProblems(current, fields, indexes);
  const first = problems[0];
  if (first === undefined) return { change: { kind: 'safe' }, steps: [], problems, allSteps: [] };
  const change: SchemaChange = { kind: first.kind, reason: first.reason };
  const steps = first.kind === 'needs_migration' && first.step !== undefined ? [first.step] : [];
  const breaking = problems.some((p) => p.kind === 'breaking');
  const allSteps: MigrationStep[] = [];
  if (!breaking) {
    let rebuild = false;
    for (const p of problems) {
      if (p.step === undefined) continue;
      if (p.step.kind === 'rebuild_indexes') rebuild = true;
      else allSteps.push(p.step);
    }
    // Rebuild after every backfill, so the rebuilt indexes see the backfilled values.
    if (rebuild) allSteps.push({ kind: 'rebuild_indexes' });
  }
  return { change, steps, problems, allSteps };
}

/**
 * Facts the reference acts on silently (BEHAVIOR §3.2, §13 item 18), for callers that want
 * to warn: an identical schema still creates a new version, and every current index left
 * out of the new list is dropped.
 */
export function describeSchemaUpdate(
  current: SchemaShape,
  fields: readonly FieldDef[],
  indexes: readonly IndexDef[],
): { readonly identical: boolean; readonly droppedIndexes: readonly string[] } {
  const next = new Set(indexes.map((ix) => ix.name));
  const droppedIndexes = current.indexes.filter((ix) => !next.has(ix.name)).map((ix) => ix.name);
  const identical =
    fields.length === current.fields.length &&
    fields.every((f, i) => fieldEquals(f, current.fields[i]!)) &&
    indexes.length === current.indexes.length &&
    indexes.every((ix, i) => indexEquals(ix, current.indexes[i]!));
  return { identical, droppedIndexes };
}
