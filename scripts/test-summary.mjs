// Prints the plain closing line CI readers understand ("N passed, N failed") from a
// vitest JSON report, because vitest's own summary is not one of the recognised forms.
import { readFileSync } from 'node:fs';

const [file, label = 'tests'] = process.argv.slice(2);
const r = JSON.parse(readFileSync(file, 'utf8'));
const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
console.log(`${label}: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
