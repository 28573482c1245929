import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { CamelCasePlugin, Kysely, PostgresDialect, type LogConfig } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock';
import type { Database } from './types';

export interface DatabaseConfig {
  /** A PostgreSQL connection string. Unset: embedded PGlite. */
  databaseUrl?: string | undefined;
  /** Where embedded PGlite keeps its files; `memory://` keeps nothing. Default `./.data`. */
  dataDir?: string | undefined;
  /** Largest number of pooled PostgreSQL connections (default 10). */
  poolSize?: number | undefined;
  /** Called when an idle pooled connection fails (the pool replaces it). */
  onPoolError?: ((error: Error) => void) | undefined;
  /** Kysely's query log hook: every query with its SQL, parameters and duration. */
  log?: LogConfig | undefined;
}

export type DatabaseEngine = 'postgres' | 'pglite';

export interface DatabaseHandle {
  db: Kysely<Database>;
  engine: DatabaseEngine;
  /** Closes the pool or the embedded database; pending queries finish first. */
  close(): Promise<void>;
}

/** Fail fast instead of hanging when PostgreSQL is down or a query runs away. */
const CONNECT_TIMEOUT_MS = 5_000;
const STATEMENT_TIMEOUT_MS = 30_000;
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;

/**
 * Opens the database: a `pg` pool when `databaseUrl` is set, embedded PGlite otherwise.
 * Does not migrate; call `migrateToLatest` for that.
 */
export function createDatabase(config: DatabaseConfig): DatabaseHandle {
  const plugins = [new CamelCasePlugin({ maintainNestedObjectKeys: true })];
  const log = config.log;
  if (config.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: config.databaseUrl,
      max: config.poolSize ?? 10,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      statement_timeout: STATEMENT_TIMEOUT_MS,
      idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
    });
    // An idle client can fail (server restart); without a listener that would crash the process.
    pool.on('error', (error) => config.onPoolError?.(error));
    // pg-pool takes its own listener off a client while it is checked out, and Kysely adds
    // none: a backend terminated between two statements of a transaction (a restart, an
    // administrator, a failover) would emit an unhandled 'error' and end the process. The
    // statement in flight, or the next one, rejects with the error (that is where it is
    // reported); the pool drops the client.
    pool.on('connect', (client) => {
      client.on('error', () => undefined);
    });
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool }),
      plugins,
      ...(log && { log }),
    });
    return { db, engine: 'postgres', close: () => db.destroy() };
  }

  const dataDir = config.dataDir ?? './.data';
  const inMemory = dataDir.startsWith('memory://');
  const location = inMemory ? dataDir : resolve(dataDir);
  let release = () => undefined;
  if (!inMemory) {
    mkdirSync(location, { recursive: true });
    // Before PGlite touches a file: a second process in the directory corrupts it. Throws
    // DataDirInUseError (one line naming the holder) when a live process has it.
    const lock = lockDataDir(location, dataDir);
    process.once('exit', lock.release);
    release = () => {
      process.off('exit', lock.release);
      lock.release();
    };
  }
  const pglite = new PGlite(location, { extensions: { pg_trgm } });
  // The dialect serialises connections: PGlite is a single connection (see STACK-NOTES.md).
  const db = new Kysely<Database>({
    dialect: new PGliteDialect(pglite),
    plugins,
    ...(log && { log }),
  });
  return {
    db,
    engine: 'pglite',
    async close() {
      try {
        await db.destroy();
        // Kysely destroys its driver only once a query has run, so a handle closed unused
        // would leave PGlite starting up in the directory after the lock is released (and an
        // unhandled rejection if the directory goes). PGlite's close waits for its start-up.
        if (!pglite.closed) await pglite.close();
      } finally {
        release();
      }
    },
  };
}
