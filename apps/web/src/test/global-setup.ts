import { createTRPCClient, httpBatchLink } from '@trpc/client';
import type { TestProject } from 'vitest/node';
import type { AppRouter } from '@taskboard/api';
import { startEmbeddedApi } from '@taskboard/api/testing/embedded';

declare module 'vitest' {
  export interface ProvidedContext {
    apiUrl: string;
    /** A global admin's session on that API (no procedure grants the role). */
    adminToken: string;
  }
}

/** jsdom's pages live at this origin (vitest's default): the API allows it, as it would the app. */
const PAGE_ORIGIN = 'http://localhost:3000';

/**
 * Starts a real API on an embedded database for the component tests: the board's optimistic
 * writes, rollbacks and conflicts run against the real procedures and the real event stream.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const api = await startEmbeddedApi({ ALLOWED_ORIGINS: PAGE_ORIGIN });
  project.provide('apiUrl', api.url);
  const anonymous = createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: `${api.url}/trpc` })],
  });
  const admin = { email: 'admin@example.com', password: 'correct horse battery staple' };
  const registered = await anonymous.auth.register.mutate({ ...admin, name: 'Avery Admin' });
  await api.setRole(registered.user.id, 'admin');
  // A fresh session: the first one may have cached the role it started with.
  project.provide('adminToken', (await anonymous.auth.login.mutate(admin)).token);
  return () => api.close();
}
