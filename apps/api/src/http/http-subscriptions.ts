import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '@taskboard/schema';
import { procedureInfo, procedurePaths } from '@taskboard/api/host';

/** tRPC's HTTP route is `<prefix>/:path`; the path is the procedure's name. */
const trpcRouteParams = z.object({ path: z.string() });

/**
 * Subscriptions run over WebSocket only (SPEC.md "Errors"): that transport has the origin
 * check, the connection caps and the registry through which a revocation ends a session's
 * live connections. tRPC v11 would also serve them over HTTP as server-sent events, which
 * none of that reaches (a signed-out session kept its stream). The router turns SSE off
 * (trpc.ts); this refuses the HTTP form before tRPC runs (the tRPC plugin registers it in its
 * scope, whose error handler answers in tRPC's body), instead of tRPC's 200
 * `text/event-stream` carrying an error event.
 */
export function registerHttpSubscriptionRefusal(scope: FastifyInstance): void {
  const subscriptions = new Set(
    procedurePaths().filter((path) => procedureInfo(path).type === 'subscription'),
  );
  scope.addHook('onRequest', (request, _reply, done) => {
    const params = trpcRouteParams.safeParse(request.params);
    if (!params.success || !subscriptions.has(params.data.path)) {
      done();
      return;
    }
    done(
      new AppError(
        'BAD_REQUEST',
        `Subscriptions are served over WebSocket only: connect a WebSocket to ${scope.prefix}`,
      ),
    );
  });
}
