import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from '@taskboard/api/testing';

/**
 * End-to-end tests of the board, in Debian's Chromium, against the production build of
 * apps/web served by the real API (production mode, embedded database, a seeded 5,000-task
 * project): e2e/global-setup.ts starts it. The URL is only known then (a free port), so
 * e2e/fixtures.ts supplies baseURL.
 */
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  globalSetup: './e2e/global-setup.ts',
  // One API on one embedded database, and two CPU cores: one test at a time.
  workers: 1,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: chromiumLaunchOptions,
  },
});
