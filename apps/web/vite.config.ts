import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const API = process.env.TASKBOARD_API_URL ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    strictPort: true,
    // In development the SPA and the API are one origin for the browser: cookies and the
    // WebSocket need no CORS, exactly as in production where the API serves the build.
    proxy: {
      '/trpc': { target: API, ws: true, changeOrigin: false },
      '/api': { target: API },
      // The board asks it whether the database is back after SERVICE_UNAVAILABLE.
      '/readyz': { target: API },
    },
  },
  build: { sourcemap: true, target: 'es2022' },
});
