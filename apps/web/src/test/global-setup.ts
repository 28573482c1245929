import { createServer } from 'node:http';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import type { TestProject } from 'vitest/node';
import type { AppRouter } from '@taskboard/api';
import { startApiOnPostgres, startEmbeddedApi } from '@taskboard/server/testing/embedded';
import { TEST_PASSWORD } from '@taskboard/test-kit';
import { startCuttableProxy } from './cuttable-proxy';

declare module 'vitest' {
  export interface ProvidedContext {
    apiUrl: string;
    /** A global admin's session on that API (no procedure grants the role). */
    adminToken: string;
    /** A second API, on PostgreSQL behind a proxy the tests can cut (the database goes down). */
    faultyApiUrl: string;
    /** POST `/cut` or `/restore` here: that API's database goes down or comes back. */
    faultControlUrl: string;
  }
}

/** jsdom's pages live at this origin (vitest's default): the API allows it, as it would the app. */
const PAGE_ORIGIN = 'http://localhost:3000';
/** The machine's PostgreSQL unless the run names another (as the API's suites and `pnpm bench` do). */
const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Starts a real API on an embedded database for the component tests: the board's optimistic
 * writes, rollbacks and conflicts run against the real procedures and the real event stream.
 * And one on PostgreSQL through a cuttable proxy, for what the board does while the database
 * is down (the API answers SERVICE_UNAVAILABLE) and once it is back.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const api = await startEmbeddedApi({ ALLOWED_ORIGINS: PAGE_ORIGIN });
  project.provide('apiUrl', api.url);
  const anonymous = createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: `${api.url}/trpc` })],
  });
  // A fixed address, so a component test can add the admin to its project by email.
  const admin = { email: 'admin@example.com', password: TEST_PASSWORD };
  const registered = await anonymous.auth.register.mutate({ ...admin, name: 'Avery Admin' });
  await api.setRole(registered.user.id, 'admin');
  // A fresh session: the first one may have cached the role it started with.
  project.provide('adminToken', (await anonymous.auth.login.mutate(admin)).token);

  const server = new URL(POSTGRES_URL);
  const proxy = await startCuttableProxy({
    host: server.hostname,
    port: Number(server.port || 5432),
  });
  const faulty = await startApiOnPostgres(
    POSTGRES_URL,
    { ALLOWED_ORIGINS: PAGE_ORIGIN },
    (direct) => {
      const proxied = new URL(direct);
      proxied.hostname = '127.0.0.1';
      proxied.port = String(proxy.port);
      return proxied;
    },
  );
  project.provide('faultyApiUrl', faulty.url);
  const control = createServer((request, response) => {
    const action =
      request.url === '/cut' ? proxy.cut() : request.url === '/restore' ? proxy.restore() : null;
    if (request.method !== 'POST' || !action) {
      response.writeHead(404).end();
      return;
    }
    action.then(
      () => response.writeHead(204).end(),
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
  const address = control.address();
  if (address === null || typeof address === 'string') throw new Error('no control port');
  project.provide('faultControlUrl', `http://127.0.0.1:${address.port}`);

  return async () => {
    await new Promise<void>((resolve) => {
      control.close(() => {
        resolve();
      });
    });
    await proxy.restore();
    await Promise.all([api.close(), faulty.close()]);
    await proxy.close();
  };
}
