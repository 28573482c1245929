import { randomBytes } from 'node:crypto';
import type { LogConfig } from 'kysely';
import pg from 'pg';
import { createDatabase, type DatabaseEngine, type DatabaseHandle } from './connection';
import { migrateToLatest } from './migrate';

/**
 * Throw-away databases for test suites and benchmarks (`@taskboard/db/testing`): embedded
 * PGlite in memory, or a fresh database created on a real PostgreSQL server and dropped after.
 */
export interface DisposableDatabase extends DatabaseHandle {
  /** The connection string of the throw-away PostgreSQL database (undefined for PGlite). */
  url: string | undefined;
  /** Closes the connection and drops the database. */
  dispose(): Promise<void>;
}

export interface DisposableDatabaseOptions {
  engine: DatabaseEngine;
  /** The PostgreSQL server to create the database on (a URL whose user may CREATE DATABASE). */
  serverUrl?: string | undefined;
  log?: LogConfig | undefined;
}

/** A migrated, empty database that exists only until `dispose()`. */
export async function createDisposableDatabase(
  options: DisposableDatabaseOptions,
): Promise<DisposableDatabase> {
  if (options.engine === 'pglite') {
    const handle = createDatabase({ dataDir: 'memory://', log: options.log });
    await migrateToLatest(handle.db);
    return { ...handle, url: undefined, dispose: () => handle.close() };
  }
  if (!options.serverUrl) {
    throw new Error(
      'TEST_DATABASE_URL is not set. The suites run on PostgreSQL too: `pnpm test` sets it to ' +
        'the machine’s own server when one answers; running a suite directly, point it at a ' +
        'server where this user may CREATE DATABASE, e.g. ' +
        'TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres',
    );
  }
  const server = new URL(options.serverUrl);
  const name = `taskboard_test_${randomBytes(6).toString('hex')}`;
  await withClient(server, (client) => client.query(`create database ${name}`));
  const url = new URL(server);
  url.pathname = `/${name}`;
  const handle = createDatabase({ databaseUrl: url.toString(), log: options.log });
  await migrateToLatest(handle.db);
  return {
    ...handle,
    url: url.toString(),
    async dispose() {
      await handle.close();
      await withClient(server, (client) =>
        client.query(`drop database if exists ${name} with (force)`),
      );
    },
  };
}

async function withClient(url: URL, work: (client: pg.Client) => Promise<unknown>) {
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
