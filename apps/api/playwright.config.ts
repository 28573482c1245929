import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './src/testing';

/**
 * Browser tests of what the API serves itself (the tRPC panel), in Debian's Chromium against
 * a real API in production mode on an embedded database (e2e/global-setup.ts starts it).
 */
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  globalSetup: './e2e/global-setup.ts',
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    trace: 'retain-on-failure',
    launchOptions: chromiumLaunchOptions,
  },
});
