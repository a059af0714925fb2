/** Arbitrary SQL text and arbitrary query objects end in a result or a typed error — never anything else. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Database } from '../../src/engine/database.ts';
import { isModelVaultError } from '../../src/errors.ts';
import type { FieldDef } from '../../src/schema/types.ts';

const FIELDS: FieldDef[] = [
  { path: ['id'], type: 'int64', constraints: [] },
  { path: ['a'], type: { optional: 'string' }, constraints: [] },
  { path: ['o'], type: { object: [{ path: ['x'], type: 'float64', constraints: [] }] }, constraints: [] },
];

function db(): Database {
  const d = Database.openInMemory();
  d.registerCollection('t', FIELDS, 'id', [{ name: 'by_a', path: ['a'], kind: 'non_unique' }]);
  for (let i = 0; i < 10; i++) d.insert('t', { id: BigInt(i), a: i % 3 ? `v${i}` : null, o: { x: i / 2 } });
  return d;
}

function typedOnly(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!isModelVaultError(e)) throw e;
  }
}

const WORDS = ['SELECT', '*', 'FROM', 't', 'WHERE', 'a', 'o.x', 'id', '=', '<', '>=', '!=', '?', "'v1'", '1', '-2.5', 'AND', 'OR', 'NOT', '(', ')', ',',
  'GROUP', 'BY', 'HAVING', 'ORDER', 'LIMIT', 'OFFSET', 'COUNT(*)', 'SUM(id)', 'AVG(o.x)', 'MIN(a)', 'IN', 'BETWEEN', 'IS', 'NULL', 'ASC', 'DESC', 'AS', 'n', ';', 'JOIN', 'x.y.z'];

describe('hostile input', () => {
  it('random token soup as SQL', () => {
    const d = db();
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...WORDS), { maxLength: 25 }), fc.array(fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.bigInt()), { maxLength: 4 }), (words, params) => {
        typedOnly(() => d.sql(words.join(' '), params));
        typedOnly(() => d.sql(`SELECT * FROM t ${words.join(' ')}`, params));
        typedOnly(() => d.explainSql(`SELECT a, COUNT(*) FROM t ${words.join(' ')}`, params));
      }),
      { numRuns: 600 },
    );
  });

  it('random text as SQL', () => {
    const d = db();
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (text) => {
        typedOnly(() => d.sql(text));
        typedOnly(() => d.sql(`SELECT * FROM t WHERE ${text}`));
      }),
      { numRuns: 400 },
    );
  });

  it('random objects as queries', () => {
    const d = db();
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withTypedArray: true, withNullPrototype: true, maxDepth: 4 }), fc.anything({ maxDepth: 2 }), (where, other) => {
        typedOnly(() => d.query('t', { where } as never));
        typedOnly(() => d.query('t', where as never));
        typedOnly(() => d.count('t', { orderBy: other, limit: other, select: other } as never));
        typedOnly(() => d.explain('t', { where: { and: [where, { eq: { path: 'a', value: other } }] } } as never));
      }),
      { numRuns: 600 },
    );
    expect(d.rowCount('t')).toBe(10);
  });
});
