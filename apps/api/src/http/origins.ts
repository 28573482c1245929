import type { FastifyRequest } from 'fastify';

/** `scheme://host[:port]`, normalised (lower case, no default port); null when not a URL. */
function originOf(value: string): string | null {
  try {
    const origin = new URL(value).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

/**
 * Which browser pages may act with a user's cookie: the allow-list (`ALLOWED_ORIGINS`) and
 * the server's own origin (the web app it serves, at whatever address it was opened). One
 * rule for the CSRF guard and the WebSocket guard.
 */
export function trustedOrigins(allowedOrigins: readonly string[]) {
  const allowed = new Set(allowedOrigins.map(originOf).filter((origin) => origin !== null));
  return {
    /** Whether the request says it comes from a trusted page (a missing Origin does not). */
    includes(request: FastifyRequest): boolean {
      if (request.headers['sec-fetch-site'] === 'same-origin') return true;
      const origin = request.headers.origin === undefined ? null : originOf(request.headers.origin);
      if (origin === null) return false;
      return (
        allowed.has(origin) ||
        origin === originOf(`${request.protocol}://${request.headers.host ?? ''}`)
      );
    },
  };
}
