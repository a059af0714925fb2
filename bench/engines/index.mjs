// Engine registry: name → { info, open(dir, { fresh }) }. Loaded lazily so a worker only
// pays for the engine it measures.
export const ENGINES = ['modelvault', 'sqlite', 'sqlite-wal', 'lmdb', 'nedb', 'lokijs'];

export async function loadEngine(name) {
  switch (name) {
    case 'modelvault':
      return import('./modelvault.mjs');
    case 'sqlite':
      return (await import('./sqlite.mjs')).make('journal');
    case 'sqlite-wal':
      return (await import('./sqlite.mjs')).make('wal');
    case 'lmdb':
      return import('./lmdb.mjs');
    case 'nedb':
      return import('./nedb.mjs');
    case 'lokijs':
      return import('./loki.mjs');
    default:
      throw new Error(`unknown engine ${name}`);
  }
}
