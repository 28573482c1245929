import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import { getWSConnectionHandler } from '@trpc/server/adapters/ws';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { AppError } from '@taskboard/schema';
import { createHttpContext, createWsContext } from '../context';
import type { HostDeps } from '../deps';
import { createOutageWarning } from '../redis';
import { appErrorOf, appRouter, unavailableErrorOf, type AppRouter } from '@taskboard/api/host';
import { registerCsrfGuard } from './csrf';
import { contractErrorHandler } from './error-contract';
import { registerHttpSubscriptionRefusal } from './http-subscriptions';
import { trpcErrors, type SurfaceMap } from './surfaces';
import { sendTrpcError } from './trpc-error';

export interface TrpcSurfaceOptions {
  deps: HostDeps;
  surfaces: SurfaceMap;
}

/**
 * The router over tRPC, under the prefix it is registered with: procedures over HTTP at
 * `<prefix>/<procedure>`, subscriptions over the WebSocket at `<prefix>` (connections admitted
 * and capped by the live plugin, `app.live`). Everything answered here, tRPC's or not (the CSRF
 * guard, the rate limit, a body over the limit, an unknown path), is in tRPC's error body.
 */
export async function trpcSurface(
  scope: FastifyInstance,
  { deps, surfaces }: TrpcSurfaceOptions,
): Promise<void> {
  surfaces.mount(scope.prefix, trpcErrors);
  scope.setErrorHandler(contractErrorHandler(trpcErrors));
  // A path tRPC's routes do not match (`/trpc/a/b`) is tRPC's error.
  scope.setNotFoundHandler(trpcErrors.notFound);
  registerCsrfGuard(scope, {
    allowedOrigins: deps.config.allowedOrigins,
    bodylessWithoutType: false,
  });
  registerHttpSubscriptionRefusal(scope);

  // An outage answers every call 503 (errors.ts): said once per 30 s, not once per call.
  const warnUnavailable = createOutageWarning(
    scope.log,
    'database unavailable: answering 503 SERVICE_UNAVAILABLE',
  );
  await scope.register(fastifyTRPCPlugin, {
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
  registerSubscriptionSocket(scope, deps);
}

/**
 * tRPC subscriptions over WebSocket at the prefix itself, on the API's own port. The upgrade
 * passes the Fastify hooks (Origin check, rate limit) first; each connection gets keep-alive
 * pings and the live plugin's caps and limits.
 */
function registerSubscriptionSocket(scope: FastifyInstance, deps: HostDeps): void {
  const { live } = scope;
  const requests = new WeakMap<IncomingMessage, FastifyRequest>();
  const onConnection = getWSConnectionHandler<AppRouter>({
    wss: scope.websocketServer,
    router: appRouter,
    keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 5_000 },
    createContext: async ({ req, res, info }) => {
      const request = requests.get(req);
      if (!request) throw new Error('WebSocket without its upgrade request');
      return createWsContext(deps, live, request, res, info.connectionParams);
    },
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR' && !appErrorOf(error)) {
        scope.log.error({ err: error.cause ?? error, path }, 'subscription failed');
      }
    },
  });
  scope.route({
    method: 'GET',
    url: '',
    // The WebSocket endpoint, asked for over plain HTTP: the error contract, not an empty 404.
    handler: (_request, reply) =>
      sendTrpcError(
        reply,
        new AppError(
          'BAD_REQUEST',
          `Open a WebSocket here for subscriptions; call procedures at ${scope.prefix}/<procedure>`,
        ),
      ),
    wsHandler: (socket, request) => {
      requests.set(request.raw, request);
      if (!live.admit(socket, request)) return;
      onConnection(socket, request.raw);
    },
  });
}
