import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '@taskboard/schema';
import type { Config } from '../config';
import { trustedOrigins } from './origins';
import { pathOf, sendRestError } from './rest-error';
import { sendTrpcError } from './trpc-error';

/** Methods that never change data (tRPC queries are GETs), so they need no CSRF check. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const JSON_MEDIA_TYPE = 'application/json';

type Surface = 'trpc' | 'rest';

interface Refusal {
  code: 'FORBIDDEN' | 'BAD_REQUEST';
  status: 403 | 400;
  message: string;
}

/**
 * Cross-site request forgery guard for the API surfaces (`/trpc`, `/api/`), STACK-NOTES.md
 * "CSRF gap". A cross-site HTML form can POST `multipart/form-data`,
 * `application/x-www-form-urlencoded` or `text/plain` with the user's cookie and no CORS
 * preflight, and tRPC accepts form data as a mutation. So every request that may change data:
 *
 * - when it carries a cookie, must come from an allowed `Origin` (or say
 *   `Sec-Fetch-Site: same-origin`); a request authenticated only by `Authorization: Bearer`
 *   cannot be forged by a browser and is not origin-checked;
 * - must be JSON (which no form can send). tRPC's client always declares it; on the REST
 *   surface a request without a body (`DELETE /projects/{id}` from curl) may omit it.
 *
 * Refusals answer in the error contract of the surface: tRPC's error shape (which the tRPC
 * client reads as `error.data`) under `/trpc`, the REST error body under `/api/`.
 */
export function registerCsrfGuard(app: FastifyInstance, config: Pick<Config, 'allowedOrigins'>) {
  const trusted = trustedOrigins(config.allowedOrigins);

  app.addHook('onRequest', async (request, reply) => {
    if (SAFE_METHODS.has(request.method)) return;
    const surface = surfaceOf(request.url);
    if (!surface) return;
    const refusal = originRefusal(request, trusted) ?? contentTypeRefusal(request, surface);
    if (!refusal) return;

    request.log.info(
      { reason: refusal.message, origin: request.headers.origin ?? null },
      'request refused by the CSRF guard',
    );
    if (surface === 'rest') return sendRestError(reply, request, refusal);
    return sendTrpcError(reply, new AppError(refusal.code, refusal.message));
  });
}

function surfaceOf(url: string): Surface | null {
  const path = pathOf(url);
  if (path === '/trpc' || path.startsWith('/trpc/')) return 'trpc';
  if (path.startsWith('/api/')) return 'rest';
  return null;
}

function originRefusal(
  request: FastifyRequest,
  trusted: ReturnType<typeof trustedOrigins>,
): Refusal | null {
  if (!request.headers.cookie || trusted.includes(request)) return null;
  return { code: 'FORBIDDEN', status: 403, message: 'Cross-site request refused' };
}

function contentTypeRefusal(request: FastifyRequest, surface: Surface): Refusal | null {
  const header = request.headers['content-type'];
  if (header === undefined && surface === 'rest' && !hasBody(request)) return null;
  const mediaType = header?.split(';', 1)[0]?.trim().toLowerCase();
  if (mediaType === JSON_MEDIA_TYPE) return null;
  return {
    code: 'BAD_REQUEST',
    status: 400,
    message: `Unsupported content type: send ${JSON_MEDIA_TYPE}`,
  };
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return (
    request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
  );
}
