// The `test` every spec uses: the API's URL as baseURL, and signed-in browser contexts.
import { test as base, type BrowserContext, type Page } from '@playwright/test';
import { SESSION_COOKIE, testUserSchema, type TestUser } from './rest-client';

export { expect } from '@playwright/test';

export const DESKTOP = { width: 1280, height: 800 };
export const MOBILE = { width: 390, height: 844 };

/** Where global-setup.ts started the API (set in the environment before workers start). */
export function appUrl(): string {
  const url = process.env.WEB_E2E_URL;
  if (!url) throw new Error('WEB_E2E_URL is not set: run through `playwright test` (global setup)');
  return url;
}

/** The owner of the seeded 5,000-task project, and that project's id. */
export function bigBoard(): { owner: TestUser; projectId: string } {
  const projectId = process.env.WEB_E2E_BIG_PROJECT ?? '';
  return {
    owner: testUserSchema.parse(JSON.parse(process.env.WEB_E2E_BIG_USER ?? 'null')),
    projectId,
  };
}

/** A global admin (made with `pnpm user:role` by the global setup). */
export function adminUser(): TestUser {
  return testUserSchema.parse(JSON.parse(process.env.WEB_E2E_ADMIN ?? 'null'));
}

/**
 * Gives a context `user`'s session: the same httpOnly cookie the app's sign-in sets, holding a
 * token from REST registration, so specs that are not about signing in skip the form.
 */
export async function signInWithCookie(
  context: BrowserContext,
  url: string,
  user: TestUser,
): Promise<void> {
  await context.addCookies([
    { name: SESSION_COOKIE, value: user.token, url, httpOnly: true, sameSite: 'Lax' },
  ]);
}

interface OpenOptions {
  viewport?: { width: number; height: number };
}

interface Fixtures {
  url: string;
  /** A new browser context (own cookies, own network) signed in as `user`, with one page. */
  openAs: (user: TestUser, options?: OpenOptions) => Promise<Page>;
}

export const test = base.extend<Fixtures>({
  // Playwright reads a fixture's dependencies from the destructuring pattern: none here.
  // eslint-disable-next-line no-empty-pattern
  url: async ({}, use) => {
    await use(appUrl());
  },
  baseURL: async ({ url }, use) => {
    await use(url);
  },
  openAs: async ({ browser, url }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async (user, options = {}) => {
      const context = await browser.newContext({
        baseURL: url,
        viewport: options.viewport ?? DESKTOP,
      });
      contexts.push(context);
      await signInWithCookie(context, url, user);
      return context.newPage();
    });
    for (const context of contexts) await context.close();
  },
});
