// Step 2 of the declarations: one file, dist/index.d.ts, holding what src/index.ts's public
// types reach and nothing else. The workspace packages are bundled in (the router's type
// from @taskboard/api's declarations, the contracts from @taskboard/schema's, emitted by
// step 1); the package's own dependencies stay imports. The router's type names no server
// library (packages/api/src/context.ts), so the file type-checks without Fastify, Kysely,
// ioredis or pg installed (test/pack.test.ts).
import { rm } from 'node:fs/promises';
import { dts } from 'rollup-plugin-dts';

export default {
  input: 'dist/types/packages/client/src/index.d.ts',
  output: { file: 'dist/index.d.ts', format: 'es' },
  external: [/^@trpc\//, /^zod(\/|$)/, 'ws'],
  plugins: [
    dts({
      compilerOptions: {
        // Declarations, not sources: resolved here, they are bundled rather than imported.
        paths: {
          '@taskboard/api': ['../api/dist/index.d.ts'],
          '@taskboard/schema': ['dist/types/packages/schema/src/index.d.ts'],
        },
      },
    }),
    // Step 1's files are bundled now: the package ships dist/index.d.ts alone.
    { name: 'drop-step-1', writeBundle: () => rm('dist/types', { recursive: true, force: true }) },
  ],
};
