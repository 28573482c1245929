import type { LogConfig } from 'kysely';
import { createDisposableDatabase, type DisposableDatabase } from '../../src/testing';

/**
 * The engine this vitest project runs on (vitest.config.ts runs every db test twice):
 * `pglite` in memory, or `postgres` in a throw-away database on TEST_DATABASE_URL's server.
 */
export const engine = process.env.TEST_DB_ENGINE === 'postgres' ? 'postgres' : 'pglite';

export type TestDatabase = DisposableDatabase;

/** A migrated, empty database of this run's engine. */
export function createTestDatabase(options: { log?: LogConfig } = {}): Promise<TestDatabase> {
  return createDisposableDatabase({
    engine,
    serverUrl: process.env.TEST_DATABASE_URL,
    log: options.log,
  });
}
