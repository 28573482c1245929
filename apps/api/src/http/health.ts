import { once } from 'node:events';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { sql, type Kysely } from 'kysely';
import type { Database } from '@taskboard/db';

/** A check that has not answered by then counts as down: a probe must answer quickly. */
export const READINESS_CHECK_TIMEOUT_MS = 1_000;

type CheckStatus = 'ok' | 'down';

export interface HealthDeps {
  db: Kysely<Database>;
  redis: Redis | undefined;
}

/**
 * `GET /healthz`: the process is up (liveness). `GET /readyz`: the database answers, and
 * Redis when configured (readiness), 200 or 503 with the status of each check. Neither
 * says why a check failed: no error messages or hosts for whoever can reach the port.
 */
export function registerHealthRoutes(app: FastifyInstance, deps: HealthDeps) {
  // Probes poll these: they must not spend the client's request allowance, nor be cached.
  const routeConfig = { rateLimit: false } as const;

  app.get('/healthz', { config: routeConfig }, async (_request, reply) => {
    void reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  });

  app.get('/readyz', { config: routeConfig }, async (request, reply) => {
    const client = deps.redis;
    const [database, redis] = await Promise.all([
      check(() => sql`select 1`.execute(deps.db)),
      client ? check(() => pingRedis(client)) : undefined,
    ]);
    const checks = { database, ...(redis && { redis }) };
    const ready = Object.values(checks).every((status) => status === 'ok');
    if (!ready) request.log.warn({ checks }, 'not ready');
    void reply.code(ready ? 200 : 503).header('cache-control', 'no-store');
    return { status: ready ? 'ok' : 'unavailable', checks };
  });
}

async function check(probe: () => Promise<unknown>): Promise<CheckStatus> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'down'>((resolve) => {
    timer = setTimeout(() => {
      resolve('down');
    }, READINESS_CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      probe().then(
        (): CheckStatus => 'ok',
        (): CheckStatus => 'down',
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * PING, after waiting (within the check's timeout) for a connection that is still being
 * made: without an offline queue a command sent before 'ready' fails at once, which would
 * report a starting instance as not ready.
 */
async function pingRedis(redis: Redis): Promise<void> {
  if (
    redis.status === 'connecting' ||
    redis.status === 'connect' ||
    redis.status === 'reconnecting'
  ) {
    await once(redis, 'ready', { signal: AbortSignal.timeout(READINESS_CHECK_TIMEOUT_MS) });
  }
  await redis.ping();
}
