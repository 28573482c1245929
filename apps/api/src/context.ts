import fastifyCookie from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { isDatabaseUnavailable } from '@taskboard/db';
import { connectionParamsSchema, LIMITS } from '@taskboard/schema';
import { bearerTokenOf } from './auth/bearer-token';
import { createContext, retryWhileUnavailable, type Context } from '@taskboard/api/host';
import type { HostDeps } from './deps';
import { CLOSE_SESSION_ENDED, CLOSE_SESSION_UNCONFIRMED } from './live/connections';
import type { Live } from './live/plugin';

export const SESSION_COOKIE = 'taskboard_session';

/** The request's `User-Agent`, cut to what a session keeps. */
function userAgentOf(request: FastifyRequest): string | null {
  return request.headers['user-agent']?.slice(0, LIMITS.userAgentMax) ?? null;
}

/** The session token of a request: `Authorization: Bearer …` first, else the cookie. */
export function sessionTokenOf(request: FastifyRequest): string | null {
  return bearerTokenOf(request.headers.authorization) ?? request.cookies[SESSION_COOKIE] ?? null;
}

export async function createHttpContext(
  deps: HostDeps,
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
  return createContext(deps, {
    auth,
    ip: request.ip,
    userAgent: userAgentOf(request),
    setSessionCookie,
    clearSessionCookie,
  });
}

/** Longest a timer may wait (setTimeout's limit is ~24.8 days). */
const MAX_TIMER_MS = 24 * 60 * 60_000;

/**
 * The context of one WebSocket connection (created once per connection). The session comes
 * from `connectionParams.token` (machines) or the upgrade request's cookie (browsers). The
 * connection is closed when its session is revoked (via the registry) or expires; a user over
 * their connection cap gets a signed-out context (the socket is being closed).
 */
export async function createWsContext(
  deps: HostDeps,
  live: Pick<Live, 'registry' | 'authenticated'>,
  request: FastifyRequest,
  socket: WebSocket,
  connectionParams: unknown,
): Promise<Context> {
  const params = connectionParamsSchema.safeParse(connectionParams ?? null);
  const cookieToken = fastifyCookie.parse(request.headers.cookie ?? '')[SESSION_COOKIE];
  const token = (params.success ? params.data?.token : undefined) ?? cookieToken ?? null;
  const validated = token ? await validateWhileOpen(deps, token, socket) : null;
  // A revocation heard while this validation ran, or one a stale cache did not know of yet.
  const auth = validated && !live.registry.wasRevoked(validated.session.id) ? validated : null;
  // A socket that hung up while its session was checked has nothing left to watch.
  if (auth && token && socket.readyState === socket.OPEN) {
    live.registry.add(auth.session.id, socket);
    watchExpiry(deps, token, auth.session.expiresAt, socket);
  }
  // Over the user's cap the socket is being closed: nothing runs as that user on it.
  const admitted = auth && live.authenticated(socket, auth.user.id) ? auth : null;
  return createContext(deps, {
    auth: admitted,
    ip: request.ip,
    userAgent: userAgentOf(request),
    setSessionCookie: () => undefined,
    clearSessionCookie: () => undefined,
  });
}

/**
 * Validates a live connection's session, waiting (with backoff) while the database is down:
 * the connection stays open and serves nothing until its session is confirmed, then its
 * subscriptions go on. Failing instead would end them with an error (tRPC answers every
 * subscription of a connection whose context failed), which clients do not retry.
 */
function validateWhileOpen(deps: HostDeps, token: string, socket: WebSocket) {
  const closed = new AbortController();
  const onClose = () => {
    closed.abort();
  };
  socket.once('close', onClose);
  return retryWhileUnavailable(() => deps.sessions.validate(token), {
    isUnavailable: isDatabaseUnavailable,
    signal: closed.signal,
  }).finally(() => {
    socket.off('close', onClose);
  });
}

/** At the session's expiry, checks it again (it may have been renewed) and closes if it ended. */
function watchExpiry(deps: HostDeps, token: string, expiresAt: Date, socket: WebSocket): void {
  const delay = Math.min(Math.max(expiresAt.getTime() - deps.now().getTime(), 0), MAX_TIMER_MS);
  const timer = setTimeout(() => {
    deps.sessions.validate(token).then(
      (auth) => {
        if (!auth) socket.close(CLOSE_SESSION_ENDED, 'session ended');
        else if (socket.readyState === socket.OPEN)
          watchExpiry(deps, token, auth.session.expiresAt, socket);
      },
      // Cannot tell whether it was renewed: closed, not trusted (the client reconnects).
      () => {
        socket.close(CLOSE_SESSION_UNCONFIRMED, 'session could not be re-checked');
      },
    );
  }, delay);
  timer.unref();
  socket.once('close', () => {
    clearTimeout(timer);
  });
}
