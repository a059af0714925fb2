import { check } from './app.mjs';

const r = check();
console.log(r.ok ? 'APP OK' : `APP FAILED ${JSON.stringify(r.seen)}`);
process.exitCode = r.ok ? 0 : 1;
