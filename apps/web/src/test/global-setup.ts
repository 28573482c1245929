import type { TestProject } from 'vitest/node';
import { buildServer, loadConfig } from '@taskboard/api';
import { createDisposableDatabase } from '@taskboard/db/testing';

declare module 'vitest' {
  export interface ProvidedContext {
    apiUrl: string;
  }
}

/** jsdom's pages live at this origin (vitest's default): the API allows it, as it would the app. */
const PAGE_ORIGIN = 'http://localhost:3000';

/**
 * Starts a real API on an embedded database for the component tests: the board's optimistic
 * writes, rollbacks and conflicts run against the real procedures and the real event stream.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const database = await createDisposableDatabase({ engine: 'pglite' });
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    ALLOWED_ORIGINS: PAGE_ORIGIN,
    RATE_LIMIT_MAX: '1000000',
  });
  const app = await buildServer(config, { database });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('not listening on TCP');
  project.provide('apiUrl', `http://127.0.0.1:${address.port}`);
  return async () => {
    await app.close();
    await database.dispose();
  };
}
