import { describe, expect, it } from 'vitest';
import { Database } from '../../src/engine/database.ts';
import { isModelVaultError } from '../../src/errors.ts';
import { parseSelect } from '../../src/query/sql/parser.ts';
import type { FieldDef } from '../../src/schema/types.ts';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isModelVaultError(e)) return `${e.code}: ${String(e.details.message ?? e.message)}`;
    return `NOT A ModelVaultError: ${String(e)}`;
  }
  return 'no error';
}

describe('SQL parser: the reference grammar (BEHAVIOR.md §6.8)', () => {
  it('accepts the reference examples', () => {
    expect(parseSelect('SELECT * FROM books').paramCount).toBe(0);
    const s = parseSelect('select title from books where year >= ? and rating < ? or title = ? order by year desc limit 10');
    expect(s.paramCount).toBe(3);
    expect(s.where!.k).toBe('or');
    expect((s.where as unknown as { items: { k: string }[] }).items.map((i) => i.k)).toEqual(['and', 'cmp']);
    expect(s.orderBy[0]!.desc).toBe(true);
    expect(s.limit).toEqual({ kind: 'literal', value: 10n, pos: 93 });
    expect(parseSelect('SELECT a.b FROM t WHERE x < ? AND y > ? OR z <= ?').items![0]!.label).toBe('a.b');
    expect(parseSelect('SELECT * FROM books WHERE (title = ? AND sku = ?)').paramCount).toBe(2);
    expect(parseSelect('SELECT * FROM books ORDER BY title ASC LIMIT 3').orderBy[0]!.desc).toBe(false);
    expect(parseSelect('SELECT x, y.z FROM items').items!.map((i) => i.label)).toEqual(['x', 'y.z']);
    expect(parseSelect('SELECT * FROM books LIMIT 0').limit).toMatchObject({ value: 0n });
    expect(parseSelect('sElEcT * fRoM books\u3000WHERE\ta = ?').paramCount).toBe(1);
  });

  it.each([
    ['SELECT * FORM books', 'Sql.Syntax: expected keyword "from"'],
    ['SELECT * FROM', 'Sql.Syntax: expected identifier'],
    ['SELECT * FROM books extra', 'Sql.Syntax: trailing tokens after SQL statement'],
    ['SELECT * FROM books LIMIT 1 trailing', 'Sql.Syntax: trailing tokens after SQL statement'],
    ['SELECT * FROM a.b', 'Sql.Syntax: trailing tokens after SQL statement'],
    ['SELECT * FROM books WHERE (title = ?', "Sql.Syntax: expected ')'"],
    ['SELECT * FROM books WHERE title @ ?', "Sql.Syntax: unsupported character in SQL: '@'"],
    ['SELECT * FROM t WHERE )', 'Sql.Syntax: expected predicate'],
    ['SELECT , FROM t', "Sql.Syntax: expected '*' or column list after SELECT"],
    ['SELECT * FROM books LIMIT three', 'Sql.Syntax: LIMIT must be an integer'],
    ['SELECT * FROM books LIMIT', 'Sql.Syntax: expected integer after LIMIT'],
    ['SELECT FROM', 'Sql.Syntax: expected keyword "from"'],
    ['FROB x', 'Sql.Syntax: expected keyword "select"'],
    ['SELECT * FROM t ORDER title', 'Sql.Syntax: expected keyword "by"'],
    ['SELECT * FROM t WHERE a = 1x', 'Sql.Syntax: invalid integer literal'],
    ["SELECT * FROM t WHERE a = 'open", 'Sql.Syntax: unterminated string literal'],
  ])('%s → %s', (sql, want) => {
    expect(codeOf(() => parseSelect(sql))).toBe(want);
  });

  it.each([
    ['INSERT INTO t VALUES (1)', 'INSERT statement (only SELECT runs here)'],
    ['DELETE FROM t', 'DELETE statement (only SELECT runs here)'],
    ['SELECT DISTINCT a FROM t', 'DISTINCT'],
    ['SELECT * FROM a JOIN b', 'JOIN'],
    ['SELECT * FROM a, b', 'selecting from several tables (joins)'],
    ['SELECT * FROM t WHERE title + ?', 'arithmetic and string operators'],
    ['SELECT * FROM t WHERE a LIKE ?', 'LIKE'],
    ['SELECT upper(a) FROM t', 'function UPPER()'],
    ['SELECT * FROM t WHERE a IN (SELECT b FROM u)', 'subqueries'],
    ['SELECT * FROM t WHERE x = y', 'comparing a column with another column or expression'],
    ['SELECT * FROM t; DROP TABLE t', 'several statements'],
    ['SELECT * FROM t UNION SELECT * FROM u', 'UNION'],
    ['SELECT "a" FROM t', 'quoted identifier'],
    ['SELECT * FROM t LIMIT 1, 2', 'LIMIT offset, count (write LIMIT count OFFSET offset)'],
  ])('unsupported: %s', (sql, construct) => {
    try {
      parseSelect(sql);
      expect.unreachable();
    } catch (e) {
      expect(isModelVaultError(e, 'Sql.Unsupported')).toBe(true);
      expect((e as { details: { construct: string } }).details.construct).toBe(construct);
      expect((e as Error).message).toMatch(/at position \d+$/);
    }
  });

  it('reports the position of the offending token', () => {
    try {
      parseSelect('SELECT * FROM books WHERE title ~ ?');
      expect.unreachable();
    } catch (e) {
      expect((e as { details: { position: number } }).details.position).toBe(32);
      expect((e as Error).message).toBe("unsupported character in SQL: '~' at position 33");
    }
  });

  it('bounds nesting instead of overflowing the stack', () => {
    const deep = `SELECT * FROM t WHERE ${'('.repeat(10_000)}a = ?${')'.repeat(10_000)}`;
    expect(codeOf(() => parseSelect(deep))).toMatch(/^Sql.Syntax: expression nested deeper than 64/);
    const nots = `SELECT * FROM t WHERE ${'NOT '.repeat(10_000)}a = ?`;
    expect(codeOf(() => parseSelect(nots))).toMatch(/^Sql.Syntax: expression nested deeper than 64/);
  });
});

const FIELDS: FieldDef[] = [
  { path: ['id'], type: 'int64', constraints: [] },
  { path: ['team'], type: 'string', constraints: [] },
  { path: ['score'], type: { optional: 'float64' }, constraints: [] },
  { path: ['age'], type: 'uint64', constraints: [] },
  { path: ['profile'], type: { object: [{ path: ['tz'], type: { optional: 'string' }, constraints: [] }] }, constraints: [] },
  { path: ['tags'], type: { list: 'string' }, constraints: [] },
];

function people(): Database {
  const db = Database.openInMemory();
  db.registerCollection('people', FIELDS, 'id', [
    { name: 'by_team', path: ['team'], kind: 'non_unique' },
    { name: 'by_age', path: ['age'], kind: 'non_unique' },
  ]);
  const rows = [
    [1, 'red', 1.5, 30, 'UTC'],
    [2, 'red', null, 40, 'Europe/Berlin'],
    [3, 'blue', 3, 25, null],
    [4, 'blue', 4.5, 35, 'UTC'],
    [5, 'green', -1, 50, 'UTC'],
    [6, 'red', 2, 20, null],
  ] as const;
  for (const [id, team, score, age, tz] of rows) {
    db.insert('people', { id: BigInt(id), team, score, age: BigInt(age), profile: { tz }, tags: [team] });
  }
  return db;
}

describe('db.sql', () => {
  it('runs plain selects with parameters, literals, nested paths, aliases, ORDER BY and paging', () => {
    const db = people();
    const r = db.sql('SELECT id, profile.tz AS tz FROM people WHERE team = ? AND age >= 25 ORDER BY age DESC LIMIT ? OFFSET 1', ['red', 5]);
    expect(r.columns).toEqual(['id', 'tz']);
    expect(r.rows).toEqual([{ id: 1n, tz: 'UTC' }]);
    expect(db.sql("SELECT id FROM people WHERE profile.tz = 'UTC' ORDER BY id").rows.map((x) => x.id)).toEqual([1n, 4n, 5n]);
    expect(db.sql('SELECT id FROM people WHERE score IS NULL').rows).toEqual([{ id: 2n }]);
    expect(db.sql('SELECT id FROM people WHERE NOT score > 1.5 ORDER BY id').rows.map((x) => x.id)).toEqual([1n, 5n]);
    expect(db.sql('SELECT id FROM people WHERE age NOT BETWEEN 25 AND 40 ORDER BY id').rows.map((x) => x.id)).toEqual([5n, 6n]);
    expect(db.sql('SELECT id FROM people WHERE team IN (?, ?) ORDER BY score DESC NULLS LAST', ['blue', 'green']).rows.map((x) => x.id)).toEqual([
      4n,
      3n,
      5n,
    ]);
    const star = db.sql('SELECT * FROM people WHERE id = -5 OR id = 6');
    expect(star.columns).toEqual(['id', 'team', 'score', 'age', 'profile', 'tags']);
    expect(star.rows).toEqual([db.get('people', 6n)]);
    expect(db.explainSql('SELECT id, profile.tz FROM people WHERE team = ? LIMIT 1', ['red'])).toBe(
      'Plan:\n  IndexLookup index="by_team" kind=NonUnique\n  Limit 1\n  Project [FieldPath(["id"]), FieldPath(["profile", "tz"])]\n',
    );
  });

  it('aggregates with GROUP BY, HAVING, ORDER BY on aggregates and aliases', () => {
    const db = people();
    const r = db.sql(
      'SELECT team, COUNT(*) AS n, SUM(age), MIN(score), MAX(score), AVG(score), COUNT(score) FROM people GROUP BY team HAVING COUNT(*) >= ? ORDER BY n DESC, team',
      [1],
    );
    expect(r.columns).toEqual(['team', 'n', 'SUM(age)', 'MIN(score)', 'MAX(score)', 'AVG(score)', 'COUNT(score)']);
    expect(r.rows).toEqual([
      { team: 'red', n: 3n, 'SUM(age)': 90n, 'MIN(score)': 1.5, 'MAX(score)': 2, 'AVG(score)': 1.75, 'COUNT(score)': 2n },
      { team: 'blue', n: 2n, 'SUM(age)': 60n, 'MIN(score)': 3, 'MAX(score)': 4.5, 'AVG(score)': 3.75, 'COUNT(score)': 2n },
      { team: 'green', n: 1n, 'SUM(age)': 50n, 'MIN(score)': -1, 'MAX(score)': -1, 'AVG(score)': -1, 'COUNT(score)': 1n },
    ]);
    expect(db.sql('SELECT team FROM people GROUP BY team HAVING SUM(age) > 55 ORDER BY team').rows).toEqual([{ team: 'blue' }, { team: 'red' }]);
    expect(db.sql('SELECT COUNT(*), SUM(score) FROM people WHERE team = ?', ['nobody']).rows).toEqual([{ 'COUNT(*)': 0n, 'SUM(score)': null }]);
    expect(db.sql('SELECT profile.tz, COUNT(*) FROM people GROUP BY profile.tz').rows).toEqual([
      { 'profile.tz': 'Europe/Berlin', 'COUNT(*)': 1n },
      { 'profile.tz': 'UTC', 'COUNT(*)': 3n },
      { 'profile.tz': null, 'COUNT(*)': 2n },
    ]);
    expect(db.sql('SELECT age, COUNT(*) FROM people GROUP BY age LIMIT 2').rows.map((x) => x.age)).toEqual([20n, 25n]);
    expect(db.explainSql('SELECT team, COUNT(*) FROM people WHERE team = ? GROUP BY team', ['red'])).toBe(
      'Plan:\n  IndexLookup index="by_team" kind=NonUnique\n  Aggregate groupBy=[team] aggregates=[COUNT(*)]\n',
    );
  });

  it('treats parameters as values only: injection attempts match nothing and parse nothing', () => {
    const db = people();
    for (const evil of ["red' OR '1'='1", 'red; DROP TABLE people', '?', "') OR 1=1 --"]) {
      expect(db.sql('SELECT id FROM people WHERE team = ?', [evil]).rows).toEqual([]);
    }
    expect(db.rowCount('people')).toBe(6);
  });

  it.each([
    ['SELECT * FROM people WHERE nope = ?', [1], 'Query.UnknownField'],
    ['SELECT * FROM people WHERE team = ?', [5], 'Query.TypeMismatch'],
    ['SELECT * FROM people WHERE age = ?', [-1], 'Query.TypeMismatch'],
    ['SELECT * FROM people WHERE age = ?', [2 ** 60], 'Query.TypeMismatch'],
    ['SELECT * FROM people WHERE tags = ?', ['red'], 'Query.TypeMismatch'],
    ['SELECT * FROM people WHERE team = ?', [], 'Sql.Parameters'],
    ['SELECT * FROM people WHERE team = ?', ['a', 'b'], 'Sql.Parameters'],
    ['SELECT * FROM people WHERE team = NULL', [], 'Sql.Invalid'],
    ['SELECT team, age FROM people GROUP BY team', [], 'Sql.Invalid'],
    ['SELECT * FROM people WHERE COUNT(*) > 1', [], 'Sql.Invalid'],
    ['SELECT SUM(team) FROM people', [], 'Query.TypeMismatch'],
    ['SELECT * FROM people GROUP BY team', [], 'Sql.Invalid'],
    ['SELECT * FROM nobody', [], 'Schema.UnknownCollectionName'],
    ['SELECT * FROM people LIMIT ?', [-1], 'Sql.Parameters'],
    ['SELECT * FROM people ORDER BY tags', [], 'Query.TypeMismatch'],
    ['SELECT * FROM people ORDER BY nope', [], 'Query.UnknownField'],
    ['SELECT nope FROM people', [], 'Query.UnknownField'],
  ])('%s %j → %s', (sql, params, code) => {
    const db = people();
    expect(codeOf(() => db.sql(sql, params)).split(':')[0]).toBe(code);
  });

  it('rejects a non-array parameter container', () => {
    const db = people();
    expect(codeOf(() => db.sql('SELECT * FROM people', 'x' as unknown as unknown[])).split(':')[0]).toBe('Sql.Parameters');
  });
});
