import { defineConfig } from 'vitest/config';

/** Every db test runs twice: on embedded PGlite and on a real PostgreSQL (TEST_DATABASE_URL). */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
    projects: [
      {
        extends: true,
        test: { name: 'pglite', include: ['test/**/*.test.ts'], env: { TEST_DB_ENGINE: 'pglite' } },
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
