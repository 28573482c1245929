import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [react()],
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['./src/test/setup.ts'],
    // A real API (embedded database, in-process bus) for the components to talk to.
    globalSetup: ['./src/test/global-setup.ts'],
    // A hang guard, not a speed check: on CI's two cores, with every package's tests running at
    // once, a test that takes 4 s alone (201 cards created through the API) took over 20 s.
    testTimeout: 60_000,
  },
});
