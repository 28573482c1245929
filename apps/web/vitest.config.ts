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
    testTimeout: 20_000,
  },
});
