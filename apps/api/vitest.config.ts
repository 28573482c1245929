import { defineConfig } from 'vitest/config';

/**
 * The API suites run twice: on embedded PGlite with the in-process backends, and on a real
 * PostgreSQL (TEST_DATABASE_URL) with real Redis (REDIS_URL). The fault suite (test/faults)
 * runs once, on a PostgreSQL cluster and Redis server of its own.
 */
export default defineConfig({
  test: {
    // Hang guards, not speed checks: a test that opens its own embedded database took 3 s alone
    // and over 30 s on a clean-clone CI run with every package's tests on the two cores.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'pglite',
          include: ['test/**/*.test.ts'],
          // Lock races need concurrent connections; PGlite runs one statement at a time, so
          // there both the old and the fixed code pass and the suite would prove nothing.
          exclude: ['test/write-races.test.ts', 'test/faults/**'],
          env: { TEST_DB_ENGINE: 'pglite' },
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ['test/**/*.test.ts'],
          // test/embedded runs real API processes on the embedded database only (DATA_DIR);
          // test/repository checks the repository's own commands (pnpm test, the README): once.
          exclude: ['test/faults/**', 'test/embedded/**', 'test/repository/**'],
          env: { TEST_DB_ENGINE: 'postgres' },
        },
      },
      {
        extends: true,
        test: {
          // Breaks dependencies of its own (test/faults/services.ts), so it runs once, not per
          // engine: its PostgreSQL cluster and Redis are private to it.
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          env: { TEST_DB_ENGINE: 'postgres' },
          // One fault scenario at a time, after the other projects: two cores, and timings are
          // part of what is checked.
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
