/**
 * Runs a parsed SELECT. Plain selects become a typed `Query` (same planner, same executor,
 * same index use); aggregate selects run the WHERE part as a typed query and fold the
 * matching rows into groups.
 *
 * WHERE semantics: NOT is pushed down to the comparisons before binding (NOT a = ? → a != ?,
 * NOT a < ? → a >= ?, De Morgan for AND/OR, NOT IN → all !=, NOT BETWEEN → < low OR > high,
 * NOT IS NULL → IS NOT NULL). Every comparison is false on a missing/null value, so the
 * result is exactly SQL's three-valued logic (a row qualifies only when the condition is
 * TRUE), without an "unknown" state in the row evaluator.
 *
 * Aggregates: COUNT(*) counts rows; COUNT(path) counts rows with a value there; SUM and AVG
 * take numeric fields (integers sum exactly as bigint — no 64-bit wrap, unlike the
 * reference's library function; AVG is a float64); MIN/MAX take any scalar field and use
 * the ORDER BY value order (NaN ignored). Over no values SUM/AVG/MIN/MAX are null and COUNT
 * is 0; without GROUP BY there is exactly one group, even over no rows. Groups with a null
 * key form one group (SQL). Group output without ORDER BY is by ascending group key.
 */
import type { FieldDef, ScalarType } from '../../schema/types.ts';
import type { Row, ScalarValue, Value } from '../../schema/values.ts';
import { setField } from '../../schema/values.ts';
import { canonicalKeyString } from '../../format/canonical-key.ts';
import type { OrderKey, Predicate, Query } from '../ast.ts';
import { bindPredicate } from '../bound.ts';
import type { PreparedQuery, QueryContext } from '../executor.ts';
import { prepareQuery, runQuery } from '../executor.ts';
import { explainPrepared, projectLine } from '../explain.ts';
import { queryError, resolveTarget } from '../fields.ts';
import { bindOrder, sortRows } from '../order.ts';
import { comparatorFor, compilePredicate, scalarAt, valueAt } from '../predicate.ts';
import type { AggregateFn, Operand, SelectStatement, SqlExpr, SqlValue } from './ast.ts';
import { operandLabel } from './ast.ts';
import { sqlError } from './errors.ts';
import { parseSelect } from './parser.ts';

export interface SqlResult {
  /** Output column names, in order. */
  readonly columns: string[];
  /** One object per result row, keyed by column name (for `SELECT *`: the stored rows). */
  readonly rows: Row[];
}

/** Most parameters accepted (a bound on the work a call can ask for). */
export const MAX_SQL_PARAMS = 65_536;

function checkParams(stmt: SelectStatement, params: unknown): readonly unknown[] {
  if (params === undefined || params === null) params = [];
  if (!Array.isArray(params)) throw sqlError('Parameters', 'params must be an array', null);
  if (params.length > MAX_SQL_PARAMS) throw sqlError('Parameters', `at most ${MAX_SQL_PARAMS} parameters`, null);
  if (params.length !== stmt.paramCount) {
    throw sqlError('Parameters', `expected ${stmt.paramCount} SQL parameters, got ${params.length}`, null, {
      expected: stmt.paramCount,
      got: params.length,
    });
  }
  return params;
}

function valueOf(v: SqlValue, params: readonly unknown[]): unknown {
  return v.kind === 'param' ? params[v.index] : v.value;
}

function pathOf(o: Operand, where: string): readonly string[] {
  if (o.kind === 'agg') throw sqlError('Invalid', `aggregate ${operandLabel(o)} is not allowed in ${where}`, o.pos);
  return o.path;
}

/** NOT pushed to the leaves, values substituted: the typed predicate of a WHERE clause. */
function toPredicate(e: SqlExpr, params: readonly unknown[], negate: boolean, keyOf: (o: Operand) => readonly string[]): Predicate {
  const v = (x: SqlValue) => valueOf(x, params);
  switch (e.k) {
    case 'and':
    case 'or': {
      const items = e.items.map((i) => toPredicate(i, params, negate, keyOf));
      return (e.k === 'and') !== negate ? { and: items } : { or: items };
    }
    case 'not':
      return toPredicate(e.item, params, !negate, keyOf);
    case 'null': {
      const path = keyOf(e.left);
      return e.negated !== negate ? { isNotNull: { path } } : { isNull: { path } };
    }
    case 'cmp': {
      const path = keyOf(e.left);
      const NEG = { eq: 'ne', ne: 'eq', lt: 'gte', lte: 'gt', gt: 'lte', gte: 'lt' } as const;
      const op = negate ? NEG[e.op] : e.op;
      return { [op]: { path, value: v(e.right) } } as Predicate;
    }
    case 'between': {
      const path = keyOf(e.left);
      if (!negate) return { between: { path, low: v(e.low), high: v(e.high) } };
      return { or: [{ lt: { path, value: v(e.low) } }, { gt: { path, value: v(e.high) } }] };
    }
    case 'in': {
      const path = keyOf(e.left);
      if (!negate) return { in: { path, values: e.values.map(v) } };
      return { and: e.values.map((x) => ({ ne: { path, value: v(x) } })) };
    }
  }
}

function countOf(v: SqlValue | null, params: readonly unknown[], clause: string): number | bigint | null {
  if (v === null) return null;
  const x = valueOf(v, params);
  if (typeof x === 'bigint' || (typeof x === 'number' && Number.isSafeInteger(x))) {
    if (x < 0) throw sqlError('Parameters', `${clause} must be a non-negative integer`, v.pos);
    return x;
  }
  throw sqlError('Parameters', `${clause} must be a non-negative integer, got ${typeof x}`, v.pos);
}

function hasAggregate(e: SqlExpr | null): boolean {
  if (e === null) return false;
  switch (e.k) {
    case 'and':
    case 'or':
      return e.items.some(hasAggregate);
    case 'not':
      return hasAggregate(e.item);
    default:
      return e.left.kind === 'agg';
  }
}

export interface CompiledSql {
  readonly stmt: SelectStatement;
  readonly prepared: PreparedQuery;
  readonly run: () => SqlResult;
  readonly explain: () => string;
}

/** Parses, checks and plans; throws before anything runs. */
export function compileSql(text: string, params: unknown, contextOf: (collection: string) => QueryContext): CompiledSql {
  const stmt = parseSelect(text);
  const ps = checkParams(stmt, params);
  const ctx = contextOf(stmt.from);
  const fields = ctx.collection.fields;
  const aggregate =
    stmt.groupBy.length > 0 ||
    stmt.having !== null ||
    (stmt.items ?? []).some((i) => i.operand.kind === 'agg') ||
    stmt.orderBy.some((o) => o.operand.kind === 'agg');
  if (hasAggregate(stmt.where)) throw sqlError('Invalid', 'aggregates are not allowed in WHERE (use HAVING)', null);
  const where = stmt.where === null ? null : toPredicate(stmt.where, ps, false, (o) => pathOf(o, 'WHERE'));
  const limit = countOf(stmt.limit, ps, 'LIMIT');
  const offset = countOf(stmt.offset, ps, 'OFFSET');
  if (!aggregate) return compilePlain(stmt, ctx, fields, where, limit, offset);
  return compileAggregate(stmt, ctx, fields, ps, where, limit, offset);
}

function compilePlain(
  stmt: SelectStatement,
  ctx: QueryContext,
  fields: readonly FieldDef[],
  where: Predicate | null,
  limit: number | bigint | null,
  offset: number | bigint | null,
): CompiledSql {
  const items = stmt.items;
  const aliases = new Map<string, readonly string[]>();
  for (const i of items ?? []) if (i.alias !== null && i.operand.kind === 'path') aliases.set(i.alias, i.operand.path);
  const orderBy: OrderKey[] = stmt.orderBy.map((o) => {
    let path = pathOf(o.operand, 'ORDER BY');
    if (path.length === 1 && aliases.has(path[0]!)) path = aliases.get(path[0]!)!;
    return { path, direction: o.desc ? 'desc' : 'asc', ...(o.nulls ? { nulls: o.nulls } : {}) };
  });
  const q: Query = { where, orderBy, limit, offset };
  const prepared = prepareQuery(ctx, q);
  let columns: string[];
  let paths: (readonly string[])[] | null = null;
  if (items === null) {
    columns = [];
    for (const f of fields) if (!columns.includes(f.path[0]!)) columns.push(f.path[0]!);
  } else {
    paths = items.map((i) => {
      const p = pathOf(i.operand, 'SELECT');
      resolveTarget(fields, p);
      return p;
    });
    columns = items.map((i) => i.label);
  }
  const run = (): SqlResult => {
    const rows = runQuery(prepared);
    if (paths === null) return { columns, rows };
    return {
      columns,
      rows: rows.map((r) => {
        const out: Row = {};
        for (let i = 0; i < paths!.length; i++) setField(out, columns[i]!, valueAt(r, paths![i]!) ?? null);
        return out;
      }),
    };
  };
  const explain = () => explainPrepared(prepared) + (paths === null ? '' : `${projectLine(paths)}\n`);
  return { stmt, prepared, run, explain };
}

interface AggSpec {
  readonly fn: AggregateFn;
  readonly path: readonly string[] | null;
  readonly type: ScalarType | null;
  /** Synthetic column key in group rows. */
  readonly key: string;
  /** Type of the aggregate's result (for HAVING values and ordering). */
  readonly resultType: ScalarType;
}

function numeric(t: ScalarType): boolean {
  return t === 'int64' || t === 'uint64' || t === 'timestamp' || t === 'float64';
}

function compileAggregate(
  stmt: SelectStatement,
  ctx: QueryContext,
  fields: readonly FieldDef[],
  ps: readonly unknown[],
  where: Predicate | null,
  limit: number | bigint | null,
  offset: number | bigint | null,
): CompiledSql {
  if (stmt.items === null) throw sqlError('Invalid', "SELECT * cannot be combined with GROUP BY or aggregates", stmt.fromPos);
  const groups = stmt.groupBy.map((g, i) => {
    const t = resolveTarget(fields, g.path);
    if (t.kind !== 'scalar') throw queryError('TypeMismatch', `cannot group by ${JSON.stringify(g.path.join('.'))}: it is a list or object`, { path: [...g.path] });
    return { path: g.path, type: t.type, key: `g${i}`, label: operandLabel(g) };
  });
  const aggs: AggSpec[] = [];
  const aggKey = (o: Extract<Operand, { kind: 'agg' }>): string => {
    const label = operandLabel(o);
    const found = aggs.find((a) => a.fn === o.fn && (a.path ?? []).join('\u0000') === (o.arg ?? []).join('\u0000') && (a.path === null) === (o.arg === null));
    if (found) return found.key;
    let type: ScalarType | null = null;
    if (o.arg !== null) {
      const t = resolveTarget(fields, o.arg);
      if (t.kind !== 'scalar') {
        if (o.fn !== 'count') throw queryError('TypeMismatch', `${label}: a list or object has no ${o.fn}`, { path: [...o.arg] });
      } else type = t.type;
      if ((o.fn === 'sum' || o.fn === 'avg') && (type === null || !numeric(type))) {
        throw queryError('TypeMismatch', `${label}: ${o.fn.toUpperCase()} needs a numeric field`, { path: [...o.arg] });
      }
    }
    const resultType: ScalarType =
      o.fn === 'count' ? 'int64' : o.fn === 'avg' ? 'float64' : o.fn === 'sum' ? (type === 'float64' ? 'float64' : type === 'uint64' ? 'uint64' : 'int64') : type!;
    const spec: AggSpec = { fn: o.fn, path: o.arg, type, key: `a${aggs.length}`, resultType };
    aggs.push(spec);
    return spec.key;
  };
  const aliasKeys = new Map<string, string>();
  const keyOf = (o: Operand, clause: string): string => {
    if (o.kind === 'agg') return aggKey(o);
    if (o.path.length === 1 && aliasKeys.has(o.path[0]!)) return aliasKeys.get(o.path[0]!)!;
    const g = groups.find((x) => x.path.length === o.path.length && x.path.every((s, i) => s === o.path[i]));
    if (g === undefined) {
      resolveTarget(fields, o.path);
      throw sqlError('Invalid', `column ${operandLabel(o)} in ${clause} must appear in GROUP BY or be inside an aggregate`, o.pos);
    }
    return g.key;
  };
  const columns = stmt.items.map((i) => i.label);
  const outKeys = stmt.items.map((i) => {
    const k = keyOf(i.operand, 'SELECT');
    if (i.alias !== null) aliasKeys.set(i.alias, k);
    return k;
  });
  // The synthetic schema of group rows: one top-level field per group key and aggregate.
  const groupFields = (): FieldDef[] => [
    ...groups.map((g) => ({ path: [g.key], type: g.type, constraints: [] })),
    ...aggs.map((a) => ({ path: [a.key], type: a.resultType, constraints: [] })),
  ];
  const havingPred = stmt.having === null ? null : toPredicate(stmt.having, ps, false, (o) => [keyOf(o, 'HAVING')]);
  // Without ORDER BY, groups come out by ascending group values (nulls last).
  const orderKeys: OrderKey[] =
    stmt.orderBy.length === 0
      ? groups.map((g) => ({ path: [g.key] }))
      : stmt.orderBy.map((o) => ({
          path: [keyOf(o.operand, 'ORDER BY')],
          direction: o.desc ? 'desc' : 'asc',
          ...(o.nulls ? { nulls: o.nulls } : {}),
        }));
  const gf = groupFields();
  const having = havingPred === null ? null : compilePredicate(bindPredicate(gf, havingPred));
  const order = bindOrder(gf, orderKeys);
  const prepared = prepareQuery(ctx, { where });
  const lim = limit === null ? null : Number(limit > Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : limit);
  const off = offset === null ? 0 : Number(offset > Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : offset);

  const run = (): SqlResult => {
    const acc = new Map<string, { row: Row; states: AggState[] }>();
    const fresh = () => aggs.map(newState);
    for (const r of runQuery(prepared)) {
      let gk = '';
      const gv: (ScalarValue | undefined)[] = [];
      for (const g of groups) {
        const v = scalarAt(r, g.path, g.type);
        gv.push(v);
        const s = v === undefined ? '' : canonicalKeyString(g.type, v);
        gk += v === undefined ? 'N;' : `V${s.length}:${s};`;
      }
      let e = acc.get(gk);
      if (e === undefined) {
        const row: Row = {};
        groups.forEach((g, i) => setField(row, g.key, gv[i] ?? null));
        e = { row, states: fresh() };
        acc.set(gk, e);
      }
      for (let i = 0; i < aggs.length; i++) feed(aggs[i]!, e.states[i]!, r);
    }
    if (groups.length === 0 && acc.size === 0) acc.set('', { row: {}, states: fresh() });
    let list = [...acc.entries()].map(([pk, e]) => {
      aggs.forEach((a, i) => setField(e.row, a.key, finish(a, e.states[i]!)));
      return { pk, row: e.row };
    });
    if (having !== null) list = list.filter((x) => having(x.row));
    sortRows(list, order);
    const end = lim === null ? list.length : Math.min(list.length, off + lim);
    const rows: Row[] = [];
    for (let i = off; i < end; i++) {
      const src = list[i]!.row;
      const out: Row = {};
      columns.forEach((c, j) => setField(out, c, src[outKeys[j]!] ?? null));
      rows.push(out);
    }
    return { columns, rows };
  };
  const explain = () => {
    let text = explainPrepared(prepared);
    text += `  Aggregate groupBy=[${groups.map((g) => g.label).join(', ')}] aggregates=[${aggs.map((a) => `${a.fn.toUpperCase()}(${a.path === null ? '*' : a.path.join('.')})`).join(', ')}]\n`;
    if (stmt.having !== null) text += '  Having (evaluated per group)\n';
    if (stmt.orderBy.length > 0) text += `  GroupOrderBy ${stmt.orderBy.map((o) => `${operandLabel(o.operand)} ${o.desc ? 'Desc' : 'Asc'}`).join(', ')}\n`;
    if (lim !== null) text += `  GroupLimit ${lim}\n`;
    if (off > 0) text += `  GroupOffset ${off}\n`;
    return text;
  };
  return { stmt, prepared, run, explain };
}

interface AggState {
  n: number;
  sum: bigint | number;
  best: ScalarValue | undefined;
}

function newState(a: AggSpec): AggState {
  return { n: 0, sum: a.type === 'float64' ? 0 : 0n, best: undefined };
}

function feed(a: AggSpec, s: AggState, row: Row): void {
  if (a.path === null) {
    s.n++;
    return;
  }
  if (a.type === null) {
    const v = valueAt(row, a.path);
    if (v !== undefined && v !== null) s.n++;
    return;
  }
  const v = scalarAt(row, a.path, a.type);
  if (v === undefined) return;
  s.n++;
  switch (a.fn) {
    case 'sum':
    case 'avg':
      if (typeof v === 'bigint') s.sum = (s.sum as bigint) + v;
      else s.sum = (s.sum as number) + (v as number);
      return;
    case 'min':
    case 'max': {
      if (typeof v === 'number' && Number.isNaN(v)) return;
      const c = s.best === undefined ? 0 : comparatorFor(a.type)(v, s.best);
      if (s.best === undefined || (a.fn === 'min' ? c < 0 : c > 0)) s.best = v;
      return;
    }
    case 'count':
      return;
  }
}

function finish(a: AggSpec, s: AggState): Value {
  switch (a.fn) {
    case 'count':
      return BigInt(s.n);
    case 'sum':
      return s.n === 0 ? null : s.sum;
    case 'avg':
      return s.n === 0 ? null : Number(s.sum) / s.n;
    case 'min':
    case 'max':
      return s.best ?? null;
  }
}

/** Parses, checks, plans and runs one SELECT. */
export function executeSql(text: string, params: unknown, contextOf: (collection: string) => QueryContext): SqlResult {
  return compileSql(text, params, contextOf).run();
}

export function explainSql(text: string, params: unknown, contextOf: (collection: string) => QueryContext): string {
  return compileSql(text, params, contextOf).explain();
}
