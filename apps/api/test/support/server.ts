import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import {
  createTRPCClient,
  createWSClient,
  httpBatchLink,
  TRPCClientError,
  wsLink,
} from '@trpc/client';
import { WebSocket } from 'ws';
import { createDisposableDatabase, type DisposableDatabase } from '@taskboard/db/testing';
import { procedureErrorDataSchema, type ProcedureErrorData } from '@taskboard/schema';
import { registerUser } from '@taskboard/test-kit';
import type { AppRouter } from '@taskboard/api/host';
import { startApiOn, type EmbeddedApi } from '../../src/testing/embedded';

/**
 * What this vitest project runs on: `pglite` (embedded database, in-process backends) or
 * `postgres` (TEST_DATABASE_URL, and Redis at REDIS_URL, both required).
 */
export const engine = process.env.TEST_DB_ENGINE === 'postgres' ? 'postgres' : 'pglite';

export const ORIGIN = 'http://localhost:5173';

// Node 20 has no global WebSocket, and tRPC's `WebSocket` option is typed as the DOM's, which
// the `ws` class does not match structurally: `ws` is made the global (in this test worker).
Object.assign(globalThis, { WebSocket });

/**
 * Redis keys of this test file's servers: shared by its servers (as instances of one
 * deployment), apart from other files and earlier runs (sign-in counters live 15 minutes).
 */
const REDIS_KEY_PREFIX = `test:${randomBytes(6).toString('hex')}:`;

function redisUrl(): string | undefined {
  if (engine === 'pglite') return undefined;
  const url = process.env.REDIS_URL;
  if (!url) {
    throw new Error('REDIS_URL is not set: the postgres suite runs against a real Redis.');
  }
  return url;
}

export function createTestDatabase(): Promise<DisposableDatabase> {
  return createDisposableDatabase({ engine, serverUrl: process.env.TEST_DATABASE_URL });
}

/** A manually moved clock: `advance` jumps ahead, e.g. past a session's expiry. */
export function testClock(start = new Date('2026-01-01T00:00:00Z')) {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance(ms: number) {
      current += ms;
    },
  };
}

export type TestServer = EmbeddedApi;

/**
 * A real server listening on an ephemeral port, on the given (shared) database, with this
 * suite's engine: Redis for bus, cache and rate limits in the postgres run.
 */
export function startServer(
  database: DisposableDatabase,
  options: { now?: () => Date; env?: Record<string, string> } = {},
): Promise<TestServer> {
  const redis = redisUrl();
  const env = {
    ALLOWED_ORIGINS: ORIGIN,
    ...(redis !== undefined && { REDIS_URL: redis, REDIS_KEY_PREFIX }),
    ...options.env,
  };
  // The database is the file's to share and dispose; closing a server leaves it.
  return startApiOn(database, env, () => Promise.resolve(), options);
}

/** The real tRPC client over HTTP, signed in with a bearer token when one is given. */
export function client(server: { url: string }, token?: string) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${server.url}/trpc`,
        headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
      }),
    ],
  });
}

export type Client = ReturnType<typeof client>;

/**
 * The real tRPC client over WebSocket (Node needs the `ws` implementation), authenticated
 * with the token in the connection params. `url` may be a function so a test can point a
 * reconnecting client at another instance.
 */
export function liveClient(server: { url: string } | (() => string), token?: string) {
  const httpUrl = () => (typeof server === 'function' ? server() : server.url);
  const ws = createWSClient({
    url: () => `${httpUrl().replace('http', 'ws')}/trpc`,
    connectionParams: () => (token ? { token } : {}),
    retryDelayMs: () => 100,
  });
  const api = createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] });
  return { api, ws, close: () => ws.close() };
}

/** The error contract's data of a failed call (fails the test if the call succeeded). */
export async function errorOf(call: Promise<unknown>): Promise<ProcedureErrorData> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) {
      const data = procedureErrorDataSchema.safeParse(error.data);
      if (data.success) return data.data;
    }
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** Registers a fresh user (the test kit's account) with a client signed in as them. */
export async function signUp(server: { url: string }, name = 'Ada') {
  const account = await registerUser(server.url, name);
  return { ...account, api: client(server, account.token) };
}

/**
 * A GET with the path sent exactly as written: `fetch` resolves `..` and `%2e%2e` before
 * sending, so a path-traversal test through it would never reach the server.
 */
export function rawGet(
  server: { url: string },
  path: string,
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: hostname, port, path, method: 'GET' }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, body });
      });
    });
    request.on('error', reject);
    request.end();
  });
}
