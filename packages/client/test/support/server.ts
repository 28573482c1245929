import { startEmbeddedApi, type EmbeddedApi } from '@taskboard/api/testing/embedded';

export interface RunningApi extends EmbeddedApi {
  /** Cuts every live connection, as a network drop would (clients reconnect). */
  dropConnections(): void;
}

/** A real API server listening on an ephemeral port, on its own embedded database. */
export async function startApi(): Promise<RunningApi> {
  const api = await startEmbeddedApi();
  return {
    ...api,
    dropConnections() {
      for (const socket of api.app.websocketServer.clients) socket.terminate();
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
