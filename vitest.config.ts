import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/runtime/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/setup/build-wasm.ts'],
    // Type-level tests (*.test-d.ts) run with the suite: tsc checks them, and an
    // `@ts-expect-error` line that compiles fails it (test/model/model.test-d.ts).
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: 'test/model/tsconfig.types.json' },
  },
});
