import fastifyWebsocket from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { WebSocket } from 'ws';
import type { Database } from '@taskboard/db';
import { AppError } from '@taskboard/schema';
import type { Config } from '../config';
import { createInProcessBus, type EventBus } from '@taskboard/api/host';
import { databaseEventLog, withLogFallback } from '../events/log-fallback';
import { createRedisBus } from '../events/redis-bus';
import type { Metrics } from '../http/metrics';
import { trustedOrigins } from '../http/origins';
import { createConnectionCaps } from './connection-caps';
import { createConnectionRegistry, limitMessageRate, type ConnectionRegistry } from './connections';
import { startSessionRecheck } from './session-recheck';

/** WebSocket messages larger than this are refused (and the connection closed). */
const MAX_MESSAGE_BYTES = 64 * 1024;

export interface LiveOptions {
  config: Pick<
    Config,
    | 'allowedOrigins'
    | 'redisKeyPrefix'
    | 'sessionRecheckSeconds'
    | 'liveMaxConnectionsPerUser'
    | 'liveMaxConnectionsPerIp'
    | 'liveAuthTimeoutMs'
  >;
  db: Kysely<Database>;
  /** Redis when configured: the bus then reaches every instance. */
  redis: Redis | undefined;
  metrics: Metrics;
  now: () => Date;
}

/** What the other plugins use of live updates (`app.live`). */
export interface Live {
  /** Committed events and session revocations, to every instance. */
  bus: EventBus;
  /** This instance's live connections by session (revocation closes them). */
  registry: ConnectionRegistry;
  /**
   * A WebSocket has opened: counted, rate-limited, closed unless it authenticates in time;
   * false (and the socket closed) over its address's cap.
   */
  admit(socket: WebSocket, request: FastifyRequest): boolean;
  /** The socket has authenticated as this user: false (and the socket closed) over their cap. */
  authenticated(socket: WebSocket, userId: string): boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    live: Live;
  }
}

/**
 * Live updates, in one place: the event bus (Redis across instances, in-process alone; read
 * from the event log through a bus outage), the registry of live connections by session and the
 * revocations that close them, the periodic session re-check, the WebSocket server with its
 * caps, message limits and Origin check, and the shutdown that tells clients to reconnect
 * elsewhere before closing their sockets. Not encapsulated (like @fastify/websocket itself):
 * the tRPC plugin serves its subscriptions on this server, through `app.live`.
 */
async function live(app: FastifyInstance, options: LiveOptions): Promise<void> {
  const { config, db, redis, metrics, now } = options;
  const bus = withLogFallback(
    redis ? createRedisBus(redis, config.redisKeyPrefix, app.log) : createInProcessBus(),
    databaseEventLog(db),
    app.log,
  );
  app.addHook('onClose', () => bus.close());

  const registry = createConnectionRegistry();
  bus.onRevokedSessions((ids) => {
    registry.closeSessions(ids);
  });
  const stopSessionRecheck = startSessionRecheck({
    db,
    registry,
    bus,
    now,
    log: app.log,
    intervalMs: config.sessionRecheckSeconds * 1000,
  });
  app.addHook('onClose', () => {
    stopSessionRecheck();
  });

  registerWebSocketOriginCheck(app, config);
  await app.register(fastifyWebsocket, {
    options: { maxPayload: MAX_MESSAGE_BYTES },
    // Closing happens below, after the reconnect notice.
    preClose: () => undefined,
  });
  const caps = createConnectionCaps({
    maxPerUser: config.liveMaxConnectionsPerUser,
    maxPerIp: config.liveMaxConnectionsPerIp,
    authTimeoutMs: config.liveAuthTimeoutMs,
    metrics,
  });

  app.decorate('live', {
    bus,
    registry,
    admit(socket, request) {
      metrics.openWebSockets.inc();
      socket.once('close', () => {
        metrics.openWebSockets.dec();
      });
      if (!caps.opened(socket, request.ip)) return false;
      limitMessageRate(socket);
      return true;
    },
    authenticated: (socket, userId) => caps.authenticated(socket, userId),
  } satisfies Live);

  // An upgrade answered over HTTP by a hook that runs before the WebSocket plugin marks the
  // request (the Origin check's 403, the rate limit's 429) keeps its raw socket: Node has
  // handed an upgrade's socket over and nothing else would ever close it (a leak, and
  // `close()` would wait for it forever).
  app.addHook('onResponse', (request, reply, done) => {
    if (isUpgrade(request) && reply.statusCode !== 101) request.raw.socket.destroy();
    done();
  });
  // Clients are told to reconnect (to another instance) before their sockets are closed, so
  // they resume without losing events.
  app.addHook('preClose', async () => {
    const reconnect = JSON.stringify({ id: null, method: 'reconnect' });
    for (const socket of app.websocketServer.clients) {
      if (socket.readyState === socket.OPEN) socket.send(reconnect);
    }
    for (const socket of app.websocketServer.clients) socket.close(1001, 'server shutting down');
    await Promise.resolve();
  });
}

function isUpgrade(request: FastifyRequest): boolean {
  return request.headers.upgrade?.toLowerCase() === 'websocket';
}

/**
 * Cross-site WebSocket hijacking: a page on another site can open a WebSocket to us, and the
 * browser sends our cookie with it. Browsers always send `Origin` on a WebSocket upgrade, so
 * an upgrade with an Origin outside the allow-list is refused before it is accepted, unless it
 * is this server's own origin (the web app it serves, at whatever address the user typed).
 * Clients that are not browsers (Node apps with a token) send no Origin and are not affected.
 * The refusal is thrown: the scope of the route asked for answers it in its error body.
 */
function registerWebSocketOriginCheck(
  app: FastifyInstance,
  config: Pick<Config, 'allowedOrigins'>,
): void {
  const trusted = trustedOrigins(config.allowedOrigins);
  app.addHook('onRequest', (request, _reply, done) => {
    const refused =
      isUpgrade(request) && request.headers.origin !== undefined && !trusted.includes(request);
    done(refused ? new AppError('FORBIDDEN', 'Origin not allowed') : undefined);
  });
}

export const livePlugin = fastifyPlugin(live, { name: 'taskboard-live' });
