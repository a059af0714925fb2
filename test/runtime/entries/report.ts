import type { RunSummary } from '../harness/vitest-shim.ts';

/** The one line each runner looks for: `RESULT <runtime> passed=N failed=N skipped=N`. */
export function resultLine(runtime: string, s: RunSummary): string {
  return `RESULT ${runtime} passed=${s.passed} failed=${s.failed} skipped=${s.skipped}`;
}
