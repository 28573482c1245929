import { defineConfig } from 'vitest/config';

/**
 * The API suites run twice: on embedded PGlite with the in-process backends, and on a real
 * PostgreSQL (TEST_DATABASE_URL) with real Redis (REDIS_URL).
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'pglite',
          include: ['test/**/*.test.ts'],
          // Lock races need concurrent connections; PGlite runs one statement at a time, so
          // there both the old and the fixed code pass and the suite would prove nothing.
          exclude: ['test/write-races.test.ts'],
          env: { TEST_DB_ENGINE: 'pglite' },
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ['test/**/*.test.ts'],
          env: { TEST_DB_ENGINE: 'postgres' },
        },
      },
    ],
  },
});
