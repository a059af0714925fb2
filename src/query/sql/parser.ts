/**
 * Recursive-descent parser for the SELECT subset (BEHAVIOR.md §6.8, extended):
 *
 *     select  := SELECT items FROM ident [WHERE expr] [GROUP BY path {, path}] [HAVING expr]
 *                [ORDER BY order {, order}] [LIMIT count] [OFFSET count] [';'] <end>
 *     items   := '*' | item {, item}          item := operand [AS ident]
 *     operand := path | agg '(' ('*' | path) ')'   agg := COUNT | SUM | MIN | MAX | AVG
 *     order   := operand [ASC | DESC] [NULLS (FIRST | LAST)]
 *     expr    := and {OR and}    and := not {AND not}    not := NOT not | primary
 *     primary := '(' expr ')' | operand cmp value | operand [NOT] BETWEEN value AND value
 *              | operand [NOT] IN '(' value {, value} ')' | operand IS [NOT] NULL
 *     cmp     := = | != | <> | < | <= | > | >=
 *     value   := ? | [-]number | 'string' | TRUE | FALSE
 *     count   := integer | ?
 *
 * Messages reuse the reference's texts where it has the same error ("expected keyword
 * \"from\"", "expected ')'", …). Recognisable SQL outside the subset (JOIN, DISTINCT,
 * LIKE, functions, subqueries, arithmetic, other statements…) is `Sql.Unsupported` naming
 * the construct — it must never be half-understood into a wrong answer.
 */
import type { ComparisonOp } from '../ast.ts';
import type { AggregateFn, Operand, OrderItem, SelectItem, SelectStatement, SqlExpr, SqlValue } from './ast.ts';
import { operandLabel } from './ast.ts';
import { sqlError } from './errors.ts';
import type { Token } from './lexer.ts';
import { tokenize } from './lexer.ts';

const AGGREGATES: readonly string[] = ['count', 'sum', 'min', 'max', 'avg'];
const OTHER_STATEMENTS = ['insert', 'update', 'delete', 'create', 'drop', 'alter', 'with', 'pragma', 'replace', 'explain', 'attach', 'begin', 'commit', 'vacuum'];
const JOIN_WORDS = ['join', 'inner', 'left', 'right', 'full', 'outer', 'cross', 'natural'];
const SET_OPS = ['union', 'intersect', 'except'];
const CMP: Record<string, ComparisonOp> = { '=': 'eq', '!=': 'ne', '<>': 'ne', '<': 'lt', '<=': 'lte', '>': 'gt', '>=': 'gte' };
/** Deepest parenthesis/NOT nesting accepted (the predicate binder has the same bound). */
const MAX_DEPTH = 64;

class Parser {
  private i = 0;
  private params = 0;
  private depth = 0;
  constructor(private readonly toks: readonly Token[]) {}

  get peek(): Token {
    return this.toks[this.i]!;
  }
  private next(): Token {
    const t = this.toks[this.i]!;
    if (t.kind !== 'end') this.i++;
    return t;
  }
  private isKw(t: Token, kw: string): boolean {
    return t.kind === 'ident' && t.text.toLowerCase() === kw;
  }
  private eatKw(kw: string): boolean {
    if (this.isKw(this.peek, kw)) {
      this.i++;
      return true;
    }
    return false;
  }
  private isPunct(t: Token, p: string): boolean {
    return t.kind === 'punct' && t.text === p;
  }
  private eatPunct(p: string): boolean {
    if (this.isPunct(this.peek, p)) {
      this.i++;
      return true;
    }
    return false;
  }
  private unsupported(construct: string, pos: number): never {
    throw sqlError('Unsupported', `${construct} is not supported`, pos, { construct });
  }
  private syntax(message: string, pos: number): never {
    throw sqlError('Syntax', message, pos);
  }
  private word(t: Token): string {
    return t.text.toLowerCase();
  }

  statement(): SelectStatement {
    const first = this.peek;
    if (!this.eatKw('select')) {
      if (first.kind === 'ident' && OTHER_STATEMENTS.includes(this.word(first))) {
        this.unsupported(`${first.text.toUpperCase()} statement (only SELECT runs here)`, first.pos);
      }
      this.syntax('expected keyword "select"', first.pos);
    }
    if (this.isKw(this.peek, 'distinct') || this.isKw(this.peek, 'all')) this.unsupported(this.peek.text.toUpperCase(), this.peek.pos);
    let items: SelectItem[] | null = null;
    if (!this.eatPunct('*')) {
      if (this.peek.kind !== 'ident') this.syntax("expected '*' or column list after SELECT", this.peek.pos);
      items = [this.selectItem()];
      while (this.eatPunct(',')) items.push(this.selectItem());
    } else if (this.isPunct(this.peek, ',')) {
      this.unsupported("'*' combined with other columns", this.peek.pos);
    }
    this.afterOperand();
    if (!this.eatKw('from')) this.syntax('expected keyword "from"', this.peek.pos);
    const table = this.peek;
    if (table.kind !== 'ident') {
      if (this.isPunct(table, '(')) this.unsupported('a subquery in FROM', table.pos);
      this.syntax('expected identifier', table.pos);
    }
    this.next();
    const t = this.peek;
    if (this.isPunct(t, ',')) this.unsupported('selecting from several tables (joins)', t.pos);
    if (t.kind === 'ident' && JOIN_WORDS.includes(this.word(t))) this.unsupported('JOIN', t.pos);
    if (this.isKw(t, 'as')) this.unsupported('table aliases', t.pos);
    if (this.isPunct(t, '(')) this.unsupported('table-valued functions', t.pos);
    let where: SqlExpr | null = null;
    if (this.eatKw('where')) where = this.expr();
    const groupBy: Extract<Operand, { kind: 'path' }>[] = [];
    if (this.eatKw('group')) {
      if (!this.eatKw('by')) this.syntax('expected keyword "by"', this.peek.pos);
      do {
        const o = this.operand();
        if (o.kind !== 'path') this.unsupported('grouping by an aggregate', o.pos);
        groupBy.push(o);
      } while (this.eatPunct(','));
    }
    let having: SqlExpr | null = null;
    if (this.eatKw('having')) having = this.expr();
    const orderBy: OrderItem[] = [];
    if (this.eatKw('order')) {
      if (!this.eatKw('by')) this.syntax('expected keyword "by"', this.peek.pos);
      do orderBy.push(this.orderItem());
      while (this.eatPunct(','));
    }
    let limit: SqlValue | null = null;
    let offset: SqlValue | null = null;
    if (this.eatKw('limit')) {
      limit = this.countValue('LIMIT');
      if (this.isPunct(this.peek, ',')) this.unsupported('LIMIT offset, count (write LIMIT count OFFSET offset)', this.peek.pos);
    }
    if (this.eatKw('offset')) offset = this.countValue('OFFSET');
    const end = this.peek;
    if (end.kind === 'ident' && SET_OPS.includes(this.word(end))) this.unsupported(end.text.toUpperCase(), end.pos);
    if (this.eatPunct(';') && this.peek.kind !== 'end') this.unsupported('several statements', this.peek.pos);
    if (this.peek.kind !== 'end') this.syntax('trailing tokens after SQL statement', this.peek.pos);
    return { items, from: table.text, fromPos: table.pos, where, groupBy, having, orderBy, limit, offset, paramCount: this.params };
  }

  private selectItem(): SelectItem {
    const operand = this.operand();
    this.afterOperand();
    let alias: string | null = null;
    if (this.eatKw('as')) {
      const a = this.next();
      if (a.kind !== 'ident') this.syntax('expected identifier', a.pos);
      alias = a.text;
    }
    return { operand, alias, label: alias ?? operandLabel(operand) };
  }

  /** Arithmetic and concatenation after an operand are recognisable and unsupported. */
  private afterOperand(): void {
    const t = this.peek;
    if (t.kind === 'punct' && ['+', '-', '*', '/', '%', '|'].includes(t.text)) this.unsupported('arithmetic and string operators', t.pos);
  }

  private path(): { path: string[]; pos: number } {
    const first = this.next();
    if (first.kind !== 'ident') this.syntax('expected identifier', first.pos);
    const path = [first.text];
    while (this.isPunct(this.peek, '.')) {
      this.next();
      const seg = this.next();
      if (seg.kind !== 'ident') this.syntax('expected identifier', seg.pos);
      path.push(seg.text);
    }
    return { path, pos: first.pos };
  }

  private operand(): Operand {
    const t = this.peek;
    if (t.kind !== 'ident') this.syntax('expected identifier', t.pos);
    if (this.isPunct(this.toks[this.i + 1]!, '(')) {
      const name = this.word(t);
      if (!AGGREGATES.includes(name)) this.unsupported(`function ${t.text.toUpperCase()}()`, t.pos);
      this.i += 2;
      if (this.isKw(this.peek, 'distinct')) this.unsupported(`${name.toUpperCase()}(DISTINCT …)`, this.peek.pos);
      let arg: string[] | null = null;
      if (this.eatPunct('*')) {
        if (name !== 'count') this.syntax(`${name.toUpperCase()}(*) is not valid; name a column`, t.pos);
      } else {
        arg = this.path().path;
      }
      if (!this.eatPunct(')')) this.syntax("expected ')'", this.peek.pos);
      return { kind: 'agg', fn: name as AggregateFn, arg, pos: t.pos };
    }
    const p = this.path();
    return { kind: 'path', path: p.path, pos: p.pos };
  }

  private orderItem(): OrderItem {
    const operand = this.operand();
    let desc = false;
    if (this.eatKw('desc')) desc = true;
    else this.eatKw('asc');
    let nulls: 'first' | 'last' | null = null;
    if (this.eatKw('nulls')) {
      if (this.eatKw('first')) nulls = 'first';
      else if (this.eatKw('last')) nulls = 'last';
      else this.syntax('expected FIRST or LAST after NULLS', this.peek.pos);
    }
    return { operand, desc, nulls };
  }

  private countValue(clause: string): SqlValue {
    const t = this.peek;
    if (t.kind === 'param') {
      this.next();
      return { kind: 'param', index: this.params++, pos: t.pos };
    }
    if (t.kind === 'number') {
      this.next();
      if (!/^[0-9]+$/.test(t.text)) this.syntax(`${clause} must be an integer`, t.pos);
      return { kind: 'literal', value: BigInt(t.text), pos: t.pos };
    }
    if (t.kind === 'ident') this.syntax(`${clause} must be an integer`, t.pos);
    return this.syntax(`expected integer after ${clause}`, t.pos);
  }

  expr(): SqlExpr {
    if (++this.depth > MAX_DEPTH) this.syntax(`expression nested deeper than ${MAX_DEPTH}`, this.peek.pos);
    const items = [this.andExpr()];
    while (this.eatKw('or')) items.push(this.andExpr());
    this.depth--;
    return items.length === 1 ? items[0]! : { k: 'or', items };
  }

  private andExpr(): SqlExpr {
    const items = [this.notExpr()];
    while (this.eatKw('and')) items.push(this.notExpr());
    return items.length === 1 ? items[0]! : { k: 'and', items };
  }

  private notExpr(): SqlExpr {
    if (this.eatKw('not')) {
      if (++this.depth > MAX_DEPTH) this.syntax(`expression nested deeper than ${MAX_DEPTH}`, this.peek.pos);
      const item = this.notExpr();
      this.depth--;
      return { k: 'not', item };
    }
    return this.primary();
  }

  private primary(): SqlExpr {
    const t = this.peek;
    if (this.isPunct(t, '(')) {
      this.next();
      if (this.isKw(this.peek, 'select')) this.unsupported('subqueries', this.peek.pos);
      const e = this.expr();
      if (!this.eatPunct(')')) this.syntax("expected ')'", this.peek.pos);
      return e;
    }
    if (this.isKw(t, 'exists')) this.unsupported('EXISTS', t.pos);
    if (t.kind !== 'ident') {
      if (t.kind === 'param' || t.kind === 'number' || t.kind === 'string') this.unsupported('a value on the left of a comparison (write column op value)', t.pos);
      this.syntax('expected predicate', t.pos);
    }
    const left = this.operand();
    this.afterOperand();
    const op = this.peek;
    if (this.eatKw('is')) {
      const negated = this.eatKw('not');
      if (!this.eatKw('null')) this.syntax('expected NULL after IS', this.peek.pos);
      return { k: 'null', left, negated };
    }
    const negated = this.eatKw('not');
    if (this.eatKw('between')) {
      const low = this.value();
      if (!this.eatKw('and')) this.syntax('expected keyword "and" in BETWEEN', this.peek.pos);
      const high = this.value();
      const e: SqlExpr = { k: 'between', left, low, high };
      return negated ? { k: 'not', item: e } : e;
    }
    if (this.eatKw('in')) {
      if (!this.eatPunct('(')) this.syntax("expected '(' after IN", this.peek.pos);
      if (this.isKw(this.peek, 'select')) this.unsupported('subqueries', this.peek.pos);
      const values = [this.value()];
      while (this.eatPunct(',')) values.push(this.value());
      if (!this.eatPunct(')')) this.syntax("expected ')'", this.peek.pos);
      const e: SqlExpr = { k: 'in', left, values };
      return negated ? { k: 'not', item: e } : e;
    }
    const w = op.kind === 'ident' ? this.word(this.peek) : '';
    if (['like', 'glob', 'regexp', 'match', 'ilike', 'similar'].includes(w)) this.unsupported(this.peek.text.toUpperCase(), this.peek.pos);
    if (negated) this.syntax('expected BETWEEN or IN after NOT', this.peek.pos);
    const c = this.peek;
    if (c.kind !== 'punct' || CMP[c.text] === undefined) {
      this.syntax("expected one of '=', '!=', '<>', '<', '<=', '>', '>=', IS, IN, BETWEEN", c.pos);
    }
    this.next();
    return { k: 'cmp', op: CMP[c.text]!, left, right: this.value() };
  }

  private value(): SqlValue {
    const t = this.peek;
    if (t.kind === 'param') {
      this.next();
      return { kind: 'param', index: this.params++, pos: t.pos };
    }
    if (this.isPunct(t, '-') && this.toks[this.i + 1]!.kind === 'number') {
      this.next();
      const n = this.next();
      return { kind: 'literal', value: numberLiteral(`-${n.text}`, t.pos), pos: t.pos };
    }
    if (t.kind === 'number') {
      this.next();
      return { kind: 'literal', value: numberLiteral(t.text, t.pos), pos: t.pos };
    }
    if (t.kind === 'string') {
      this.next();
      return { kind: 'literal', value: t.text, pos: t.pos };
    }
    if (this.isKw(t, 'true') || this.isKw(t, 'false')) {
      this.next();
      return { kind: 'literal', value: this.word(t) === 'true', pos: t.pos };
    }
    if (this.isKw(t, 'null')) throw sqlError('Invalid', 'a comparison with NULL is never true; use IS NULL / IS NOT NULL', t.pos);
    if (t.kind === 'ident') this.unsupported('comparing a column with another column or expression', t.pos);
    return this.syntax("expected parameter '?' or a literal", t.pos);
  }
}

function numberLiteral(text: string, pos: number): bigint | number {
  if (/^-?[0-9]+$/.test(text)) return BigInt(text);
  const x = Number(text);
  if (!Number.isFinite(x)) throw sqlError('Syntax', 'invalid number literal', pos);
  return x;
}

export function parseSelect(text: string): SelectStatement {
  return new Parser(tokenize(text)).statement();
}
