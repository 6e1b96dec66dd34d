import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Unit and integration tests; end-to-end tests run under Playwright (tests/e2e).
    include: ['tests/{shared,devices,main,tooling,proof}/**/*.test.ts', 'tests/renderer/**/*.test.{ts,tsx}'],
    environment: 'node',
    // Integration tests open real pseudo-terminals and SQLite files; keep them off each other's toes.
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
