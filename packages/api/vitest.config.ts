import { defineConfig } from 'vitest/config';

/** Unit tests of the router's own parts; the API suites (real server, databases) are in apps/api. */
export default defineConfig({ test: {} });
