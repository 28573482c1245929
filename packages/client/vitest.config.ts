import { defineConfig } from 'vitest/config';

/**
 * The client's suites run against a real API (in-process server on embedded PGlite) and use
 * the built package (dist/), which the global setup builds first.
 */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 240_000,
    globalSetup: ['test/support/build.ts'],
    // The CLI and pack suites start processes of their own: one file at a time.
    fileParallelism: false,
  },
});
