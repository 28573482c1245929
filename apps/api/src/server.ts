import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyCors from '@fastify/cors';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import { createDatabase, migrateToLatest, type DatabaseHandle } from '@taskboard/db';
import { createPasswordHasher } from './auth/passwords';
import { createSessionCache } from './auth/session-cache';
import { createSessionManager } from './auth/sessions';
import { createSignInThrottle } from './auth/sign-in-throttle';
import type { Config } from './config';
import { createHttpContext } from './context';
import type { AppDeps } from './deps';
import { appErrorOf } from './errors';
import { createInProcessPublisher } from './events/publisher';
import { registerCsrfGuard } from './http/csrf';
import { registerHealthRoutes } from './http/health';
import { createMetrics, registerMetricsRoute } from './http/metrics';
import { closeRedis, connectRedis } from './redis';
import { scheduleSessionCleanup } from './auth/session-cleanup';
import { appRouter, type AppRouter } from './router';

export interface ServerOptions {
  /** The clock (tests move time with their own). */
  now?: () => Date;
  /**
   * A database opened by the caller, which then also closes it: lets several instances share
   * one embedded PGlite in a test. Default: the one the configuration names.
   */
  database?: DatabaseHandle;
}

/** Never logged: credentials in headers and bodies. */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
];

/**
 * Builds the whole API (database migrated, routes registered) without listening; `close()`
 * drains requests, then closes Redis and the database.
 */
export async function buildServer(
  config: Config,
  options: ServerOptions = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: { paths: REDACT, censor: '[redacted]' },
      ...(config.env === 'development' && { transport: { target: 'pino-pretty' } }),
    },
    genReqId: () => randomUUID(),
    // Behind a reverse proxy, the client's address comes from X-Forwarded-For (rate limits are per IP).
    trustProxy: config.trustProxy,
    // Batched tRPC calls put every procedure name in the path.
    routerOptions: { maxParamLength: 5_000 },
    bodyLimit: 1_048_576,
  });

  const database =
    options.database ??
    createDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      onPoolError: (error) => {
        app.log.warn({ err: error }, 'idle database connection failed');
      },
    });
  if (!options.database) app.addHook('onClose', () => database.close());
  await migrateToLatest(database.db);

  const redis = config.redisUrl ? connectRedis(config.redisUrl, app.log) : undefined;
  if (redis) app.addHook('onClose', () => closeRedis(redis));
  const prefix = config.redisKeyPrefix;

  const now = options.now ?? (() => new Date());
  const metrics = createMetrics();
  const deps: AppDeps = {
    config,
    db: database.db,
    sessions: createSessionManager({
      db: database.db,
      cache: createSessionCache(redis, app.log, { keyPrefix: `${prefix}session:` }),
      now,
    }),
    passwords: createPasswordHasher(),
    signInThrottle: createSignInThrottle({
      redis,
      now,
      log: app.log,
      keyPrefix: `${prefix}signin:`,
    }),
    publisher: createInProcessPublisher(),
    metrics,
    now,
  };

  await app.register(fastifyCookie);
  await app.register(fastifyHelmet);
  await app.register(fastifyCors, { origin: config.allowedOrigins, credentials: true });
  await app.register(fastifyRateLimit, {
    max: config.rateLimitMax,
    timeWindow: '1 minute',
    ...(redis && { redis, nameSpace: `${prefix}rate:` }),
    // A Redis outage must not take the API down: requests pass unlimited meanwhile.
    skipOnError: true,
  });
  scheduleSessionCleanup(app, database.db, now);
  registerCsrfGuard(app, config);
  registerHealthRoutes(app, { db: database.db, redis });
  registerMetricsRoute(app, metrics);

  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      createContext: ({ req, res }) => createHttpContext(deps, req, res),
      onError({ error, path, req }) {
        if (error.code === 'INTERNAL_SERVER_ERROR' && !appErrorOf(error)) {
          req.log.error({ err: error.cause ?? error, path }, 'procedure failed');
        }
      },
      responseMeta({ errors }) {
        const retryAfter = errors
          .map((error) => appErrorOf(error)?.retryAfterSeconds)
          .find((seconds) => typeof seconds === 'number');
        return retryAfter === undefined ? {} : { headers: { 'retry-after': String(retryAfter) } };
      },
    } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
  });

  return app;
}
