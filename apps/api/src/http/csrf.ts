import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '@taskboard/schema';
import type { Config } from '../config';
import { trustedOrigins } from './origins';

/** Methods that never change data (tRPC queries are GETs), so they need no CSRF check. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const JSON_MEDIA_TYPE = 'application/json';

export interface CsrfGuardOptions extends Pick<Config, 'allowedOrigins'> {
  /**
   * Whether a request without a body may omit its content type (REST's `DELETE
   * /projects/{id}` from curl); tRPC's client always declares one.
   */
  bodylessWithoutType: boolean;
}

/**
 * Cross-site request forgery guard for an API surface (the tRPC and REST plugins register it
 * in their scope), STACK-NOTES.md
 * "CSRF gap". A cross-site HTML form can POST `multipart/form-data`,
 * `application/x-www-form-urlencoded` or `text/plain` with the user's cookie and no CORS
 * preflight, and tRPC accepts form data as a mutation. So every request that may change data:
 *
 * - when it carries a cookie, must come from an allowed `Origin` (or say
 *   `Sec-Fetch-Site: same-origin`); a request authenticated only by `Authorization: Bearer`
 *   cannot be forged by a browser and is not origin-checked;
 * - must be JSON (which no form can send), unless it has no body and the surface allows that.
 *
 * A refusal is thrown: the surface's scope answers it in its own error body (tRPC's, which the
 * tRPC client reads as `error.data`, or REST's).
 */
export function registerCsrfGuard(scope: FastifyInstance, options: CsrfGuardOptions): void {
  const trusted = trustedOrigins(options.allowedOrigins);

  scope.addHook('onRequest', (request, _reply, done) => {
    const refusal = SAFE_METHODS.has(request.method)
      ? null
      : (originRefusal(request, trusted) ??
        contentTypeRefusal(request, options.bodylessWithoutType));
    if (!refusal) {
      done();
      return;
    }
    request.log.info(
      { reason: refusal.message, origin: request.headers.origin ?? null },
      'request refused by the CSRF guard',
    );
    done(refusal);
  });
}

function originRefusal(
  request: FastifyRequest,
  trusted: ReturnType<typeof trustedOrigins>,
): AppError | null {
  if (!request.headers.cookie || trusted.includes(request)) return null;
  return new AppError('FORBIDDEN', 'Cross-site request refused');
}

function contentTypeRefusal(
  request: FastifyRequest,
  bodylessWithoutType: boolean,
): AppError | null {
  const header = request.headers['content-type'];
  if (header === undefined && bodylessWithoutType && !hasBody(request)) return null;
  const mediaType = header?.split(';', 1)[0]?.trim().toLowerCase();
  if (mediaType === JSON_MEDIA_TYPE) return null;
  return new AppError('BAD_REQUEST', `Unsupported content type: send ${JSON_MEDIA_TYPE}`);
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return (
    request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
  );
}
