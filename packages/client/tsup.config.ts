import { defineConfig } from 'tsup';

/**
 * dist/ for apps outside this workspace: the workspace's own packages (@taskboard/schema's
 * error codes, the API's router type) are bundled in, code and declarations; tRPC, ws and
 * zod stay dependencies.
 */
export default defineConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  noExternal: [/^@taskboard\//],
  external: ['@trpc/client', '@trpc/server', 'ws', 'zod'],
  clean: true,
  sourcemap: true,
});
