import { buildServer, loadConfig } from '@taskboard/api';
import { createDisposableDatabase } from '@taskboard/db/testing';

export interface RunningApi {
  url: string;
  app: Awaited<ReturnType<typeof buildServer>>;
  /** Cuts every live connection, as a network drop would (clients reconnect). */
  dropConnections(): void;
  close(): Promise<void>;
}

/** A real API server listening on an ephemeral port, on its own embedded database. */
export async function startApi(): Promise<RunningApi> {
  const database = await createDisposableDatabase({ engine: 'pglite' });
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_MAX: '1000000',
  });
  const app = await buildServer(config, { database });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('not listening on TCP');
  return {
    url: `http://127.0.0.1:${address.port}`,
    app,
    dropConnections() {
      for (const socket of app.websocketServer.clients) socket.terminate();
    },
    async close() {
      await app.close();
      await database.dispose();
    },
  };
}

export const PASSWORD = 'correct horse battery staple';

let counter = 0;
/** Registers a fresh account over plain HTTP; returns its email. */
export async function registerUser(url: string, name = 'Client'): Promise<string> {
  counter += 1;
  const email = `${name.toLowerCase()}-${counter}-${Date.now()}@example.com`;
  const response = await fetch(`${url}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, name, password: PASSWORD }),
  });
  if (response.status !== 201) throw new Error(`register: ${response.status}`);
  return email;
}
