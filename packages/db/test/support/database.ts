import { randomBytes } from 'node:crypto';
import type { LogConfig } from 'kysely';
import pg from 'pg';
import { createDatabase, migrateToLatest, type DatabaseHandle } from '../../src/index';

/**
 * The engine this vitest project runs on (vitest.config.ts runs every db test twice):
 * `pglite` in memory, or `postgres` in a throw-away database on TEST_DATABASE_URL's server.
 */
export const engine = process.env.TEST_DB_ENGINE === 'postgres' ? 'postgres' : 'pglite';

export interface TestDatabase extends DatabaseHandle {
  /** Closes the connection and drops the throw-away database. */
  dispose(): Promise<void>;
}

function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    throw new Error(
      'TEST_DATABASE_URL is not set. The db suite runs on PostgreSQL too: point it at a server ' +
        'where this user may CREATE DATABASE, e.g. ' +
        'TEST_DATABASE_URL=postgres://taskboard:taskboard@127.0.0.1:5432/taskboard (docker compose up -d).',
    );
  }
  return url;
}

/** A migrated, empty database of this run's engine. */
export async function createTestDatabase(options: { log?: LogConfig } = {}): Promise<TestDatabase> {
  if (engine === 'pglite') {
    const handle = createDatabase({ dataDir: 'memory://', log: options.log });
    await migrateToLatest(handle.db);
    return { ...handle, dispose: () => handle.close() };
  }

  const admin = new URL(serverUrl());
  const name = `taskboard_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient(admin, (client) => client.query(`create database ${name}`));
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const handle = createDatabase({ databaseUrl: url.toString(), log: options.log });
  await migrateToLatest(handle.db);
  return {
    ...handle,
    async dispose() {
      await handle.close();
      await withAdminClient(admin, (client) =>
        client.query(`drop database if exists ${name} with (force)`),
      );
    },
  };
}

async function withAdminClient(url: URL, work: (client: pg.Client) => Promise<unknown>) {
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
