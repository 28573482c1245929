import { defineConfig } from '@playwright/test';
import { playwrightDefaults } from '@taskboard/server/testing';

/**
 * End-to-end tests of the board, in Debian's Chromium, against the production build of
 * apps/web served by the real API (production mode, embedded database, a seeded 5,000-task
 * project): e2e/global-setup.ts starts it. The URL is only known then (a free port), so
 * e2e/fixtures.ts supplies baseURL.
 */
export default defineConfig({
  ...playwrightDefaults,
  timeout: 90_000,
  use: {
    ...playwrightDefaults.use,
    viewport: { width: 1280, height: 800 },
    screenshot: 'only-on-failure',
  },
});
