import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

const UPGRADE = 'upgrade-insecure-requests';

/**
 * helmet's security headers, with one change to its default Content-Security-Policy:
 * `upgrade-insecure-requests` only on answers to requests that came over https. Sent over
 * plain HTTP it makes Chromium fetch the page's own `/assets/*` over https at any host but
 * localhost, and the web app is a blank page (a team serving it at http://<lan-address>:3000).
 * The signal is the request's own protocol: TLS on the socket, or behind `TRUST_PROXY` the
 * proxy's `X-Forwarded-Proto`. `COOKIE_SECURE` is not it: it defaults to true in production
 * whether or not the deployment has https.
 */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.protocol !== 'https') return payload;
    const policy = reply.getHeader('content-security-policy');
    if (typeof policy === 'string' && !policy.includes(UPGRADE)) {
      void reply.header('content-security-policy', `${policy};${UPGRADE}`);
    }
    return payload;
  });
}
