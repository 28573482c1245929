import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyCors from '@fastify/cors';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyWebsocket from '@fastify/websocket';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import { getWSConnectionHandler } from '@trpc/server/adapters/ws';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { createDatabase, migrateToLatest, type DatabaseHandle } from '@taskboard/db';
import { AppError } from '@taskboard/schema';
import { createPasswordHasher } from './auth/passwords';
import { createSessionCache } from './auth/session-cache';
import { createSessionManager } from './auth/sessions';
import { createSignInThrottle } from './auth/sign-in-throttle';
import type { Config } from './config';
import { createHttpContext, createWsContext } from './context';
import type { AppDeps } from './deps';
import { appErrorOf, unavailableErrorOf } from './errors';
import { createInProcessBus } from './events/bus';
import { databaseEventLog, withLogFallback } from './events/log-fallback';
import { createRedisBus } from './events/redis-bus';
import { registerWebSocketGuard } from './http/websocket-guard';
import { createConnectionCaps } from './live/connection-caps';
import { createConnectionRegistry, limitMessageRate } from './live/connections';
import { startSessionRecheck } from './live/session-recheck';
import { registerCsrfGuard } from './http/csrf';
import {
  handleClientError,
  handleError,
  handleFrameworkError,
  registerShutdownRefusal,
} from './http/error-contract';
import { registerHealthRoutes } from './http/health';
import { registerHttpSubscriptionRefusal } from './http/http-subscriptions';
import { registerSecurityHeaders } from './http/security-headers';
import { sendTrpcError } from './http/trpc-error';
import { createMetrics, registerMetricsRoute } from './http/metrics';
import { closeRedis, connectRedis, createOutageWarning, createRedisBreaker } from './redis';
import { redisRateLimitStore } from './http/rate-limit-store';
import { scheduleSessionCleanup } from './auth/session-cleanup';
import { appRouter, type AppRouter } from './router';
import { registerRestApi } from './rest';
import { registerPanel } from './panel';
import { registerWebApp } from './http/web-app';

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
    // Fastify's and Node's own answers, in the error contract (http/error-contract.ts).
    frameworkErrors: handleFrameworkError,
    clientErrorHandler: handleClientError,
    return503OnClosing: false,
  });
  registerShutdownRefusal(app);
  app.setErrorHandler(handleError);

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
  // An outage answers every request 503 (errors.ts): said once per 30 s, not once per request.
  const warnUnavailable = createOutageWarning(
    app.log,
    'database unavailable: answering 503 SERVICE_UNAVAILABLE',
  );
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
  // Through a bus outage, live events are read from the log (events/log-fallback.ts).
  const bus = withLogFallback(
    redis ? createRedisBus(redis, prefix, app.log) : createInProcessBus(),
    databaseEventLog(database.db),
    app.log,
  );
  app.addHook('onClose', () => bus.close());
  const registry = createConnectionRegistry();
  bus.onRevokedSessions((ids) => {
    registry.closeSessions(ids);
  });
  const stopSessionRecheck = startSessionRecheck({
    db: database.db,
    registry,
    bus,
    now,
    log: app.log,
    intervalMs: config.sessionRecheckSeconds * 1000,
  });
  app.addHook('onClose', () => {
    stopSessionRecheck();
  });
  const deps: AppDeps = {
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
  scheduleSessionCleanup(app, database.db, now);
  registerCsrfGuard(app, config);
  registerWebSocketGuard(app, config);
  registerHttpSubscriptionRefusal(app);
  registerHealthRoutes(app, { db: database.db, redis });
  registerMetricsRoute(app, metrics, { token: config.metricsToken, trustProxy: config.trustProxy });

  await registerLiveTransport(app, deps, registry);

  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      createContext: ({ req, res }) => createHttpContext(deps, req, res),
      onError({ error, path, req }) {
        if (error.code === 'INTERNAL_SERVER_ERROR' && !appErrorOf(error)) {
          req.log.error({ err: error.cause ?? error, path }, 'procedure failed');
        } else {
          const unavailable = unavailableErrorOf(error);
          if (unavailable) warnUnavailable(unavailable.cause, { path });
        }
      },
      responseMeta({ errors }) {
        const retryAfter = errors
          .map((error) => appErrorOf(error)?.retryAfterSeconds)
          .find((seconds) => typeof seconds === 'number');
        // Every answer is private (auth.login's holds the session token): never stored.
        const headers = { 'cache-control': 'no-store' };
        return {
          headers:
            retryAfter === undefined ? headers : { ...headers, 'retry-after': String(retryAfter) },
        };
      },
    } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
  });
  await registerRestApi(app, deps);
  await registerPanel(app, deps);
  await registerWebApp(app, config);

  return app;
}

/** WebSocket messages larger than this are refused (and the connection closed). */
const MAX_MESSAGE_BYTES = 64 * 1024;

/**
 * tRPC subscriptions over WebSocket on `/trpc`, the API's own port. The upgrade passes the
 * Fastify hooks (origin check, rate limit) first; each connection gets keep-alive pings, a
 * message-size and a message-rate limit. On close, clients are told to reconnect (to another
 * instance) before their sockets are closed, so they resume without losing events.
 */
async function registerLiveTransport(
  app: FastifyInstance,
  deps: AppDeps,
  registry: ReturnType<typeof createConnectionRegistry>,
): Promise<void> {
  await app.register(fastifyWebsocket, {
    options: { maxPayload: MAX_MESSAGE_BYTES },
    // Closing happens below, after the reconnect notice.
    preClose: () => undefined,
  });
  const requests = new WeakMap<IncomingMessage, FastifyRequest>();
  const caps = createConnectionCaps({
    maxPerUser: deps.config.liveMaxConnectionsPerUser,
    maxPerIp: deps.config.liveMaxConnectionsPerIp,
    authTimeoutMs: deps.config.liveAuthTimeoutMs,
    metrics: deps.metrics,
  });
  const onConnection = getWSConnectionHandler<AppRouter>({
    wss: app.websocketServer,
    router: appRouter,
    keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 5_000 },
    createContext: async ({ req, res, info }) => {
      const request = requests.get(req);
      if (!request) throw new Error('WebSocket without its upgrade request');
      const context = await createWsContext(deps, registry, request, res, info.connectionParams);
      // Over the user's cap the socket is being closed: nothing runs as that user on it.
      if (context.auth && !caps.authenticated(res, context.auth.user.id)) {
        return { ...context, auth: null };
      }
      return context;
    },
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR' && !appErrorOf(error)) {
        app.log.error({ err: error.cause ?? error, path }, 'subscription failed');
      }
    },
  });
  app.route({
    method: 'GET',
    url: '/trpc',
    // The WebSocket endpoint, asked for over plain HTTP: the error contract, not an empty 404.
    handler: (_request, reply) =>
      sendTrpcError(
        reply,
        new AppError(
          'BAD_REQUEST',
          'Open a WebSocket here for subscriptions; call procedures at /trpc/<procedure>',
        ),
      ),
    wsHandler: (socket, request) => {
      requests.set(request.raw, request);
      deps.metrics.openWebSockets.inc();
      socket.once('close', () => {
        deps.metrics.openWebSockets.dec();
      });
      if (!caps.opened(socket, request.ip)) return;
      limitMessageRate(socket);
      onConnection(socket, request.raw);
    },
  });
  // An upgrade answered over HTTP by a hook that runs before the WebSocket plugin marks the
  // request (the Origin guard's 403, the rate limit's 429) keeps its raw socket: Node has
  // handed an upgrade's socket over and nothing else would ever close it (a leak, and
  // `close()` would wait for it forever).
  app.addHook('onResponse', (request, reply, done) => {
    if (request.headers.upgrade?.toLowerCase() === 'websocket' && reply.statusCode !== 101) {
      request.raw.socket.destroy();
    }
    done();
  });
  app.addHook('preClose', async () => {
    const reconnect = JSON.stringify({ id: null, method: 'reconnect' });
    for (const socket of app.websocketServer.clients) {
      if (socket.readyState === socket.OPEN) socket.send(reconnect);
    }
    for (const socket of app.websocketServer.clients) socket.close(1001, 'server shutting down');
    await Promise.resolve();
  });
}
