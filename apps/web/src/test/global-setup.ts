import type { TestProject } from 'vitest/node';
import { startEmbeddedApi } from '@taskboard/api/testing/embedded';

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
  const api = await startEmbeddedApi({ ALLOWED_ORIGINS: PAGE_ORIGIN });
  project.provide('apiUrl', api.url);
  return () => api.close();
}
