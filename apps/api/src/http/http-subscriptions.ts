import type { FastifyInstance } from 'fastify';
import { AppError } from '@taskboard/schema';
import { procedureInfo, procedurePaths } from '../procedures';
import { pathOf } from './rest-error';
import { sendTrpcError } from './trpc-error';

/**
 * Subscriptions run over WebSocket only (SPEC.md "Errors"): that transport has the origin
 * check, the connection caps and the registry through which a revocation ends a session's
 * live connections. tRPC v11 would also serve them over HTTP as server-sent events, which
 * none of that reaches (a signed-out session kept its stream). The router turns SSE off
 * (trpc.ts); this answers the HTTP form before tRPC runs, in the error contract, instead of
 * tRPC's 200 `text/event-stream` carrying an error event.
 */
export function registerHttpSubscriptionRefusal(app: FastifyInstance): void {
  const subscriptions = new Set(
    procedurePaths().filter((path) => procedureInfo(path).type === 'subscription'),
  );
  app.addHook('onRequest', async (request, reply) => {
    const path = pathOf(request.url);
    if (!path.startsWith('/trpc/')) return;
    if (!subscriptions.has(decodeURIComponentSafe(path.slice('/trpc/'.length)))) return;
    return sendTrpcError(
      reply,
      new AppError(
        'BAD_REQUEST',
        'Subscriptions are served over WebSocket only: connect a WebSocket to /trpc',
      ),
    );
  });
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
