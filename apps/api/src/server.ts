import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyCors from '@fastify/cors';
import fastifyRateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import { createDatabase, migrateToLatest, type DatabaseHandle } from '@taskboard/db';
import { createPasswordHasher } from './auth/passwords';
import { createSessionCache } from './auth/session-cache';
import { createSessionManager } from './auth/sessions';
import { createSignInThrottle } from './auth/sign-in-throttle';
import type { Config } from './config';
import type { HostDeps } from './deps';
import {
  clientErrorHandler,
  contractErrorHandler,
  frameworkErrorHandler,
  registerShutdownRefusal,
} from './http/error-contract';
import { registerHealthRoutes } from './http/health';
import { registerSecurityHeaders } from './http/security-headers';
import { createMetrics, registerMetricsRoute } from './http/metrics';
import { createSurfaceMap, restErrors, trackApiPaths } from './http/surfaces';
import { trpcSurface } from './http/trpc-plugin';
import { webAppPlugin } from './http/web-app';
import { livePlugin } from './live/plugin';
import { closeRedis, connectRedis, createRedisBreaker } from './redis';
import { redisRateLimitStore } from './http/rate-limit-store';
import { scheduleSessionCleanup } from './auth/session-cleanup';
import { restSurface } from './rest';
import { docsPage } from './rest/docs-page';
import { panel } from './panel';

/** Where each surface is mounted: the one place these prefixes are written. */
const TRPC_PREFIX = '/trpc';
const REST_PREFIX = '/api/v1';
const DOCS_PREFIX = '/api/docs';
const PANEL_PREFIX = '/panel';

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
  // Which error body each surface speaks, for the answers given before routing.
  const surfaces = createSurfaceMap();
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
    // Fastify's and Node's own answers, in the error contract (http/error-contract.ts).
    frameworkErrors: frameworkErrorHandler(surfaces),
    clientErrorHandler: clientErrorHandler(surfaces),
    return503OnClosing: false,
  });
  registerShutdownRefusal(app);
  // The root's errors (web app, health, metrics) in REST's body; the tRPC plugin sets its own.
  app.setErrorHandler(contractErrorHandler(restErrors));
  const apiPaths = trackApiPaths(app);

  const database =
    options.database ??
    createDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      onPoolError: (error) => {
        // Only what names the failure: pg's error can carry its client (kilobytes per line).
        const code = 'code' in error ? error.code : undefined;
        app.log.warn({ err: { message: error.message, code } }, 'idle database connection failed');
      },
    });
  if (!options.database) app.addHook('onClose', () => database.close());
  await migrateToLatest(database.db);

  const redis = config.redisUrl ? connectRedis(config.redisUrl, app.log) : undefined;
  if (redis) app.addHook('onClose', () => closeRedis(redis));
  // A hung Redis must not hold up requests: the rate limit, the session cache and the sign-in
  // limits call it through this (redis.ts); each falls back on its own terms.
  const breaker = redis ? createRedisBreaker(redis, app.log) : undefined;
  if (breaker) {
    app.addHook('onClose', () => {
      breaker.stop();
    });
  }
  const prefix = config.redisKeyPrefix;

  const now = options.now ?? (() => new Date());
  const metrics = createMetrics();
  await app.register(fastifyCookie);
  await registerSecurityHeaders(app);
  await app.register(fastifyCors, {
    origin: config.allowedOrigins,
    credentials: true,
    // An OPTIONS without Origin or Access-Control-Request-Method is no preflight: answered 204
    // granting nothing, not the plugin's bare text/plain 400 outside the error contract.
    strictPreflight: false,
  });
  await app.register(fastifyRateLimit, {
    max: config.rateLimitMax,
    timeWindow: '1 minute',
    ...(redis && breaker && { store: redisRateLimitStore(redis, breaker, `${prefix}rate:`) }),
    // A Redis outage must not take the API down: requests pass unlimited meanwhile.
    skipOnError: true,
  });
  // Live updates: the bus, live connections, their caps and re-checks (live/plugin.ts).
  await app.register(livePlugin, { config, db: database.db, redis, metrics, now });
  const { bus } = app.live;
  const deps: HostDeps = {
    config,
    db: database.db,
    sessions: createSessionManager({
      db: database.db,
      cache: createSessionCache(redis, app.log, {
        keyPrefix: `${prefix}session:`,
        ...(breaker && { breaker }),
      }),
      now,
      onRevoked: (ids) => {
        bus.publishRevokedSessions(ids);
      },
      cacheTtlSeconds: config.sessionRecheckSeconds,
    }),
    passwords: createPasswordHasher(),
    signInThrottle: createSignInThrottle({
      redis,
      breaker,
      now,
      log: app.log,
      keyPrefix: `${prefix}signin:`,
    }),
    bus,
    metrics,
    now,
  };

  scheduleSessionCleanup(app, database.db, now);
  registerHealthRoutes(app, { db: database.db, redis });
  registerMetricsRoute(app, metrics, { token: config.metricsToken, trustProxy: config.trustProxy });

  // Each surface is a plugin under its own prefix: its own hooks, error body and not-found.
  await app.register(trpcSurface, { prefix: TRPC_PREFIX, deps, surfaces });
  await app.register(restSurface, { prefix: REST_PREFIX, deps, surfaces });
  await app.register(docsPage, { prefix: DOCS_PREFIX, documentUrl: `${REST_PREFIX}/openapi.json` });
  await app.register(panel, { prefix: PANEL_PREFIX, deps });
  await app.register(webAppPlugin, { config, apiPaths, surfaces });

  return app;
}
