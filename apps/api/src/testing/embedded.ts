// An API in this process on a fresh embedded database, for the suites of other packages
// (the client's, the web app's components) that need a real server. `@taskboard/api/testing/embedded`.
import { setUserRole } from '@taskboard/db';
import { createDisposableDatabase } from '@taskboard/db/testing';
import type { UserRole } from '@taskboard/schema';
import { loadConfig } from '../config';
import { buildServer } from '../server';

export interface EmbeddedApi {
  url: string;
  app: Awaited<ReturnType<typeof buildServer>>;
  /** Grants or takes away a global role, as `pnpm user:role` does (no procedure does this). */
  setRole(userId: string, role: UserRole): Promise<void>;
  close(): Promise<void>;
}

/** Listens on an ephemeral loopback port; `env` adds configuration (e.g. `ALLOWED_ORIGINS`). */
export async function startEmbeddedApi(env: Record<string, string> = {}): Promise<EmbeddedApi> {
  const database = await createDisposableDatabase({ engine: 'pglite' });
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_MAX: '1000000',
    ...env,
  });
  const app = await buildServer(config, { database });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('not listening on TCP');
  return {
    url: `http://127.0.0.1:${address.port}`,
    app,
    setRole: (userId, role) => setUserRole(database.db, userId, role),
    async close() {
      await app.close();
      await database.dispose();
    },
  };
}
