/** The parsed form of one SQL SELECT (the grammar is in parser.ts). */
import type { ComparisonOp } from '../ast.ts';

export type SqlValue =
  | { readonly kind: 'param'; readonly index: number; readonly pos: number }
  | { readonly kind: 'literal'; readonly value: bigint | number | string | boolean; readonly pos: number };

export type AggregateFn = 'count' | 'sum' | 'min' | 'max' | 'avg';

export type Operand =
  | { readonly kind: 'path'; readonly path: readonly string[]; readonly pos: number }
  /** `arg` null = COUNT(*). */
  | { readonly kind: 'agg'; readonly fn: AggregateFn; readonly arg: readonly string[] | null; readonly pos: number };

export type SqlExpr =
  | { readonly k: 'cmp'; readonly op: ComparisonOp; readonly left: Operand; readonly right: SqlValue }
  | { readonly k: 'between'; readonly left: Operand; readonly low: SqlValue; readonly high: SqlValue }
  | { readonly k: 'in'; readonly left: Operand; readonly values: readonly SqlValue[] }
  | { readonly k: 'null'; readonly left: Operand; readonly negated: boolean }
  | { readonly k: 'and' | 'or'; readonly items: readonly SqlExpr[] }
  | { readonly k: 'not'; readonly item: SqlExpr };

export interface SelectItem {
  readonly operand: Operand;
  readonly alias: string | null;
  /** Output column name: the alias, the dotted path, or e.g. `COUNT(*)`, `SUM(a.b)`. */
  readonly label: string;
}

export interface OrderItem {
  /** A path, an aggregate, or (as a one-segment path) a select alias. */
  readonly operand: Operand;
  readonly desc: boolean;
  readonly nulls: 'first' | 'last' | null;
}

export interface SelectStatement {
  /** null = `*`. */
  readonly items: readonly SelectItem[] | null;
  readonly from: string;
  readonly fromPos: number;
  readonly where: SqlExpr | null;
  readonly groupBy: readonly Extract<Operand, { kind: 'path' }>[];
  readonly having: SqlExpr | null;
  readonly orderBy: readonly OrderItem[];
  readonly limit: SqlValue | null;
  readonly offset: SqlValue | null;
  readonly paramCount: number;
}

export function operandLabel(o: Operand): string {
  if (o.kind === 'path') return o.path.join('.');
  return `${o.fn.toUpperCase()}(${o.arg === null ? '*' : o.arg.join('.')})`;
}
