import type { FastifyInstance } from 'fastify';
import type { Config } from '../config';
import { AppError } from '@taskboard/schema';
import { trustedOrigins } from './origins';
import { sendTrpcError } from './trpc-error';

/**
 * Cross-site WebSocket hijacking: a page on another site can open a WebSocket to us, and the
 * browser sends our cookie with it. Browsers always send `Origin` on a WebSocket upgrade, so
 * an upgrade with an Origin outside the allow-list is refused before it is accepted, unless it
 * is this server's own origin (the web app it serves, at whatever address the user typed).
 * Clients that are not browsers (Node apps with a token) send no Origin and are not affected.
 */
export function registerWebSocketGuard(
  app: FastifyInstance,
  config: Pick<Config, 'allowedOrigins'>,
): void {
  const trusted = trustedOrigins(config.allowedOrigins);
  app.addHook('onRequest', async (request, reply) => {
    if (request.headers.upgrade?.toLowerCase() !== 'websocket') return;
    if (request.headers.origin !== undefined && !trusted.includes(request)) {
      await sendTrpcError(reply, new AppError('FORBIDDEN', 'Origin not allowed'));
    }
  });
}
