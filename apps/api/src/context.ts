import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import type { ValidatedSession } from './auth/sessions';
import type { AppDeps } from './deps';

export const SESSION_COOKIE = 'taskboard_session';

export interface Context {
  deps: AppDeps;
  /** The signed-in user and session, or null. */
  auth: ValidatedSession | null;
  ip: string;
  userAgent: string | null;
  log: FastifyBaseLogger;
  /** Sets or clears the browser's session cookie (a no-op on WebSocket connections). */
  setSessionCookie(token: string, expiresAt: Date): void;
  clearSessionCookie(): void;
}

/** The session token of a request: `Authorization: Bearer …` first, else the cookie. */
export function sessionTokenOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim() || null;
  return request.cookies[SESSION_COOKIE] ?? null;
}

export async function createHttpContext(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<Context> {
  const token = sessionTokenOf(request);
  const auth = token ? await deps.sessions.validate(token) : null;
  const cookieOptions = {
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: deps.config.cookieSecure,
    path: '/',
  };
  const setSessionCookie = (value: string, expiresAt: Date) => {
    void reply.setCookie(SESSION_COOKIE, value, { ...cookieOptions, expires: expiresAt });
  };
  const clearSessionCookie = () => {
    void reply.clearCookie(SESSION_COOKIE, cookieOptions);
  };
  // A renewed session gets a cookie with the new expiry; a dead one loses its cookie.
  const cookieToken = request.cookies[SESSION_COOKIE];
  if (cookieToken !== undefined && cookieToken === token) {
    if (auth) setSessionCookie(cookieToken, auth.session.expiresAt);
    else clearSessionCookie();
  }
  return {
    deps,
    auth,
    ip: request.ip,
    userAgent: request.headers['user-agent']?.slice(0, 512) ?? null,
    log: request.log,
    setSessionCookie,
    clearSessionCookie,
  };
}
