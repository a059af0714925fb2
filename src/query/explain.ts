/**
 * `explain()` text. Plans the reference also has print exactly as the reference prints them
 * (BEHAVIOR.md §6.3; golden `queries[*].explain`), predicates in Rust `Debug` form:
 *
 *     Plan:
 *       IndexLookup index="by_g" kind=NonUnique
 *       ResidualFilter Gte { path: FieldPath(["x"]), value: Int64(500000) }
 *       Limit 10
 *       OrderBy FieldPath(["x"]) Asc
 *
 * Plan kinds the reference lacks (`IndexRangeScan`, `IndexMultiLookup`) add a `Why:` line
 * saying what was chosen and what the reference would have done; new clauses get their own
 * lines (`Offset`, `Project`, extra `OrderBy` keys, `Nulls…` when not the default). The
 * `ResidualFilter` is the reference's residual (the predicate minus the used top-level
 * conditions); the executor nevertheless re-checks every candidate against the whole
 * predicate.
 */
import { debugPath } from '../schema/field-paths.ts';
import { debugString, formatF64 } from '../schema/rust-display.ts';
import type { ScalarType } from '../schema/types.ts';
import type { ScalarValue } from '../schema/values.ts';
import type { BoundPredicate } from './bound.ts';
import type { PreparedQuery } from './executor.ts';
import type { Bound } from './ordered-index.ts';

function debugF64(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const a = Math.abs(x);
  if (a >= 1e16 || a < 1e-4) return x.toExponential().replace('e+', 'e');
  const s = formatF64(x);
  return s.includes('.') ? s : `${s}.0`;
}

function bytesDebug(b: Uint8Array): string {
  return `[${Array.from(b).join(', ')}]`;
}

export function debugScalar(type: ScalarType, v: ScalarValue): string {
  switch (type) {
    case 'bool':
      return `Bool(${String(v)})`;
    case 'int64':
      return `Int64(${String(v)})`;
    case 'uint64':
      return `Uint64(${String(v)})`;
    case 'timestamp':
      return `Timestamp(${String(v)})`;
    case 'float64':
      return `Float64(${debugF64(v as number)})`;
    case 'string':
      return `String(${debugString(v as string)})`;
    case 'bytes':
      return `Bytes(${bytesDebug(v as Uint8Array)})`;
    case 'uuid':
      return `Uuid(${bytesDebug(v as Uint8Array)})`;
  }
}

const OP_NAMES = { eq: 'Eq', ne: 'Ne', lt: 'Lt', lte: 'Lte', gt: 'Gt', gte: 'Gte' } as const;

function fieldPath(path: readonly string[]): string {
  return `FieldPath(${debugPath(path)})`;
}

export function debugPredicate(p: BoundPredicate): string {
  switch (p.k) {
    case 'cmp':
      return `${OP_NAMES[p.op]} { path: ${fieldPath(p.path)}, value: ${debugScalar(p.type, p.value)} }`;
    case 'between':
      return `Between { path: ${fieldPath(p.path)}, low: ${debugScalar(p.type, p.low)}, high: ${debugScalar(p.type, p.high)} }`;
    case 'in':
      return `In { path: ${fieldPath(p.path)}, values: [${p.values.map((v) => debugScalar(p.type, v)).join(', ')}] }`;
    case 'null':
      return `${p.negated ? 'IsNotNull' : 'IsNull'} { path: ${fieldPath(p.path)} }`;
    case 'and':
      return `And([${p.items.map(debugPredicate).join(', ')}])`;
    case 'or':
      return `Or([${p.items.map(debugPredicate).join(', ')}])`;
    case 'not':
      return `Not(${debugPredicate(p.item)})`;
  }
}

/** The reference's residual: top-level `and` items that are a used predicate are dropped. */
export function residualOf(where: BoundPredicate, used: readonly BoundPredicate[]): BoundPredicate | null {
  const isUsed = (p: BoundPredicate) => used.some((u) => u === p || debugPredicate(u) === debugPredicate(p));
  if (where.k !== 'and') return isUsed(where) ? null : where;
  const rest = where.items.filter((i) => !isUsed(i));
  if (rest.length === 0) return null;
  if (rest.length === 1) return rest[0]!;
  return { k: 'and', items: rest };
}

function boundText(type: ScalarType, b: Bound | null, lower: boolean): string {
  if (b === null) return lower ? '(-inf' : '+inf)';
  const v = debugScalar(type, b.value);
  return lower ? `${b.inclusive ? '[' : '('}${v}` : `${v}${b.inclusive ? ']' : ')'}`;
}

function kindText(kind: 'unique' | 'non_unique'): string {
  return kind === 'unique' ? 'Unique' : 'NonUnique';
}

export function explainPrepared(pq: PreparedQuery): string {
  const lines = ['Plan:'];
  const a = pq.plan.access;
  const rows = pq.plan.rowCount;
  if (a.kind === 'scan') {
    lines.push('  CollectionScan');
    if (pq.where !== null) lines.push(`  Filter ${debugPredicate(pq.where)}`);
  } else {
    const ix = a.index;
    const head = `index=${debugString(ix.def.name)} kind=${kindText(ix.def.kind)}`;
    const used = a.kind === 'lookup' ? [a.used] : a.used;
    if (a.kind === 'lookup' && a.used.k === 'cmp') {
      lines.push(`  IndexLookup ${head}`);
    } else if (a.kind === 'lookup') {
      lines.push(`  IndexMultiLookup ${head} keys=${a.keys.length}`);
      lines.push(
        `  Why: "in" on an indexed path: one lookup per distinct value reads ${a.estimate} of ${rows} rows (the reference has no IN and would use a CollectionScan)`,
      );
    } else {
      const type = ix.keyType!;
      lines.push(`  IndexRangeScan ${head} range=${boundText(type, a.low, true)} .. ${boundText(type, a.high, false)}`);
      lines.push(
        `  Why: range on an indexed path: the value-ordered index reads ${a.estimate} of ${rows} rows (the reference has no range scans and would use a CollectionScan)`,
      );
    }
    const residual = pq.where === null ? null : residualOf(pq.where, used);
    if (residual !== null) lines.push(`  ResidualFilter ${debugPredicate(residual)}`);
  }
  if (pq.limit !== null) lines.push(`  Limit ${pq.limit}`);
  if (pq.offset > 0) lines.push(`  Offset ${pq.offset}`);
  if (pq.order.length > 0) {
    const keys = pq.order.map((k) => {
      const dflt = k.desc ? k.nullsFirst : !k.nullsFirst;
      return `${fieldPath(k.path)} ${k.desc ? 'Desc' : 'Asc'}${dflt ? '' : k.nullsFirst ? ' NullsFirst' : ' NullsLast'}`;
    });
    lines.push(`  OrderBy ${keys.join(', ')}`);
  }
  if (pq.select !== null) lines.push(projectLine(pq.select));
  return lines.map((l) => `${l}\n`).join('');
}

export function projectLine(paths: readonly (readonly string[])[]): string {
  return `  Project [${paths.map(fieldPath).join(', ')}]`;
}
