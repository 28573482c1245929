import { defineConfig } from '@playwright/test';
import { playwrightDefaults } from './src/testing';

/**
 * Browser tests of what the API serves itself (the tRPC panel), in Debian's Chromium against
 * a real API in production mode on an embedded database (e2e/global-setup.ts starts it).
 */
export default defineConfig({ ...playwrightDefaults, timeout: 60_000 });
