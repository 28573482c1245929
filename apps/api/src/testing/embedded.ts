// An API in this process on a fresh embedded database, for the suites of other packages
// (the client's, the web app's components) that need a real server. `@taskboard/server/testing/embedded`.
import { createDatabase, setUserRole, type DatabaseHandle } from '@taskboard/db';
import { createDisposableDatabase } from '@taskboard/db/testing';
import type { UserRole } from '@taskboard/schema';
import { loadConfig, type Config } from '../config';
import { buildServer } from '../server';

export interface EmbeddedApi {
  url: string;
  app: Awaited<ReturnType<typeof buildServer>>;
  config: Config;
  /** Grants or takes away a global role, as `pnpm user:role` does (no procedure does this). */
  setRole(userId: string, role: UserRole): Promise<void>;
  close(): Promise<void>;
  /** Cuts every live connection, as a network drop would (clients reconnect). */
  dropConnections(): void;
}

export interface ApiOptions {
  /** The server's clock (a test moves it past a session's expiry, say). */
  now?: () => Date;
}

/** Listens on an ephemeral loopback port; `env` adds configuration (e.g. `ALLOWED_ORIGINS`). */
export async function startEmbeddedApi(env: Record<string, string> = {}): Promise<EmbeddedApi> {
  const database = await createDisposableDatabase({ engine: 'pglite' });
  return startApiOn(database, env, () => database.dispose());
}

/**
 * The same API on a database the caller made (a PostgreSQL reached through a proxy a fault
 * test can cut, say); `dispose` runs after the server closed.
 */
export async function startApiOn(
  database: DatabaseHandle,
  env: Record<string, string>,
  dispose: () => Promise<void>,
  options: ApiOptions = {},
): Promise<EmbeddedApi> {
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_MAX: '1000000',
    ...env,
  });
  const app = await buildServer(config, { database, ...(options.now && { now: options.now }) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('not listening on TCP');
  return {
    url: `http://127.0.0.1:${address.port}`,
    app,
    config,
    setRole: (userId, role) => setUserRole(database.db, userId, role),
    async close() {
      await app.close();
      await dispose();
    },
    dropConnections() {
      for (const socket of app.websocketServer.clients) socket.terminate();
    },
  };
}

/**
 * The same API on a fresh database of the PostgreSQL server at `serverUrl`, reached at the
 * address `reach` gives for it (a proxy a fault test can cut, say: the database goes down for
 * this API alone). Migrated directly; dropped on close.
 */
export async function startApiOnPostgres(
  serverUrl: string,
  env: Record<string, string>,
  reach: (direct: URL) => URL,
): Promise<EmbeddedApi> {
  const database = await createDisposableDatabase({ engine: 'postgres', serverUrl });
  const handle = createDatabase({
    databaseUrl: reach(new URL(database.url ?? serverUrl)).toString(),
  });
  return startApiOn(handle, env, async () => {
    await handle.close();
    await database.dispose();
  });
}
