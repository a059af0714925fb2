// The CommonJS build through require('modelvault').
const { Database, crc32c } = require('modelvault');

const db = Database.openInMemory();
db.registerCollection('t', [{ path: ['k'], type: 'string', constraints: [] }], 'k');
db.insert('t', { k: 'x' });
const ok = Database.fromSnapshotBytes(db.snapshotBytes()).get('t', 'x')?.k === 'x' && crc32c(new Uint8Array(0)) === 0;
console.log(ok ? 'APP OK' : 'APP FAILED');
process.exitCode = ok ? 0 : 1;
