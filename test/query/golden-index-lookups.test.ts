/**
 * Every golden file's `index_contents`: an equality query on the index path for each key
 * returns exactly that entry's primary keys, in the listed order (ascending canonical-key
 * bytes = the reference's index-lookup order), through an IndexLookup plan.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Database } from '../../src/engine/database.ts';
import type { Json } from '../../src/schema/tagged-json.ts';
import { scalarFromJson } from '../../src/schema/tagged-json.ts';

const GOLDEN = '/work/shared/golden';

interface Entry {
  key: Json;
  pks: Json[];
}
interface Expected {
  name: string;
  primary_field: string;
  indexes: { name: string; path: string[] }[];
  index_contents?: { index: string; entries: Entry[] }[];
}

const files = readdirSync(GOLDEN).filter((f) => f.endsWith('.json') && !f.endsWith('.ops.json'));

describe('golden index contents through queries', () => {
  for (const f of files) {
    const meta = JSON.parse(readFileSync(`${GOLDEN}/${f}`, 'utf8')) as { expected: Expected[] | null; matches_writer_state?: boolean };
    const withIndexes = (meta.expected ?? []).filter((c) => (c.index_contents ?? []).length > 0);
    if (withIndexes.length === 0) continue;
    it(f, () => {
      const db = Database.fromSnapshotBytes(readFileSync(`${GOLDEN}/${f.replace(/\.json$/, '.typra')}`));
      for (const c of withIndexes) {
        for (const ic of c.index_contents!) {
          const def = c.indexes.find((i) => i.name === ic.index)!;
          for (const e of ic.entries) {
            const value = scalarFromJson(e.key).value;
            const q = { where: { eq: { path: def.path, value } } };
            const got = db.query(c.name, q).map((r) => r[c.primary_field]);
            expect(got, `${c.name}.${ic.index} = ${JSON.stringify(e.key)}`).toEqual(e.pks.map((p) => scalarFromJson(p).value));
            expect(db.explain(c.name, q)).toMatch(/^Plan:\n  IndexLookup index=/);
          }
        }
      }
    });
  }
});
