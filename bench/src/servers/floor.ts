// Child process: the floor. A bare Fastify route running the SQL that tasks.list runs (handed
// over in FLOOR_QUERIES), straight through `pg`: no tRPC, no auth, no validation, no mapping.
import Fastify from 'fastify';
import pg from 'pg';
import { z } from 'zod';

const queries = z
  .array(z.object({ sql: z.string(), parameters: z.array(z.unknown()) }))
  .parse(JSON.parse(process.env.FLOOR_QUERIES ?? '[]'));
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const app = Fastify({ logger: false });
app.get('/tasks', async () => {
  const [page, count] = await Promise.all(
    queries.map((query) => pool.query(query.sql, query.parameters)),
  );
  const total: unknown = count?.rows[0];
  return { tasks: page?.rows ?? [], total };
});
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
if (address === null || typeof address === 'string') throw new Error('not listening on TCP');
console.log(`LISTENING ${address.port}`);
process.on(
  'SIGTERM',
  () =>
    void app
      .close()
      .then(() => pool.end())
      .then(() => process.exit(0)),
);
