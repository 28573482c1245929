import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import type { Kysely } from 'kysely';
import {
  createSession,
  deleteSession,
  deleteUserSessions,
  getSessionWithUser,
  listUserSessions,
  touchSession,
  type Database,
  type Session,
} from '@taskboard/db';
import type { SessionManager, ValidatedSession } from '@taskboard/api/host';
import { LIMITS } from '@taskboard/schema';
import type { SessionCache } from './session-cache';

export type { SessionManager, ValidatedSession } from '@taskboard/api/host';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** Idle expiry: a session unused this long is dead. */
export const SESSION_IDLE_MS = 30 * DAY_MS;
/** Renew (slide the idle expiry) once less than this remains. */
export const SESSION_RENEW_WITHIN_MS = 15 * DAY_MS;
/** Absolute lifetime from sign-in, however active the session. */
export const SESSION_ABSOLUTE_MS = 90 * DAY_MS;
/** `lastSeenAt` is written at most this often: not one UPDATE per request. */
export const LAST_SEEN_RESOLUTION_MS = MINUTE_MS;
/**
 * The longest a validated session may be answered from the cache. Expiry is still checked
 * against the clock on every request; the TTL bounds how stale the cached user (name, role)
 * may be, and how long another instance may accept a session whose eviction could not reach
 * the cache (it is retried). Revocation evicts at once. Deployments use the session
 * re-check interval when it is shorter (`SESSION_RECHECK_SECONDS`).
 */
export const SESSION_CACHE_TTL_SECONDS = 60;

/** 20 random bytes (160 bits) in lower-case base32 without padding: 32 characters. */
const TOKEN_BYTES = 20;
const TOKEN_PATTERN = /^[a-z2-7]{32}$/;

export interface SessionManagerDeps {
  db: Kysely<Database>;
  cache: SessionCache;
  now: () => Date;
  /** Told of every revoked or expired session, so live connections using them can be closed. */
  onRevoked?: (sessionIds: readonly string[]) => void;
  /** How long a validated session is cached; default and maximum `SESSION_CACHE_TTL_SECONDS`. */
  cacheTtlSeconds?: number;
}

export function generateSessionToken(): string {
  const bytes = new Uint8Array(TOKEN_BYTES);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

/** The session id stored for a token: hex SHA-256, so a database leak yields no usable token. */
export function sessionIdOf(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

export function createSessionManager({
  db,
  cache,
  now,
  onRevoked = () => undefined,
  cacheTtlSeconds = SESSION_CACHE_TTL_SECONDS,
}: SessionManagerDeps): SessionManager {
  const ttl = Math.max(1, Math.min(cacheTtlSeconds, SESSION_CACHE_TTL_SECONDS));
  const expire = async (sessionId: string) => {
    await deleteSession(db, sessionId);
    await cache.delete([sessionId]);
    onRevoked([sessionId]);
  };

  return {
    async create(userId, userAgent) {
      const token = generateSessionToken();
      const at = now();
      const session: Session = {
        id: sessionIdOf(token),
        userId,
        createdAt: at,
        lastSeenAt: at,
        expiresAt: new Date(at.getTime() + SESSION_IDLE_MS),
        absoluteExpiresAt: new Date(at.getTime() + SESSION_ABSOLUTE_MS),
        userAgent: userAgent?.slice(0, LIMITS.userAgentMax) ?? null,
      };
      await createSession(db, session);
      return { token, session };
    },

    async validate(token) {
      // Anything that is not one of our tokens costs neither a hash lookup nor a query.
      if (!TOKEN_PATTERN.test(token)) return null;
      const sessionId = sessionIdOf(token);
      const cached = await cache.get(sessionId);
      const found = cached ?? (await getSessionWithUser(db, sessionId));
      if (!found) return null;

      const at = now();
      const { session } = found;
      if (at >= session.expiresAt || at >= session.absoluteExpiresAt) {
        await expire(sessionId);
        return null;
      }

      const renewedExpiry = new Date(
        Math.min(at.getTime() + SESSION_IDLE_MS, session.absoluteExpiresAt.getTime()),
      );
      const renew =
        session.expiresAt.getTime() - at.getTime() < SESSION_RENEW_WITHIN_MS &&
        renewedExpiry > session.expiresAt;
      const seenDue = at.getTime() - session.lastSeenAt.getTime() >= LAST_SEEN_RESOLUTION_MS;
      if (!renew && !seenDue) {
        if (!cached) await cache.set(sessionId, found, ttl);
        return found;
      }

      const updated: ValidatedSession = {
        user: found.user,
        session: { ...session, lastSeenAt: at, ...(renew && { expiresAt: renewedExpiry }) },
      };
      await touchSession(db, sessionId, at, renew ? renewedExpiry : undefined);
      await cache.set(sessionId, updated, ttl);
      return updated;
    },

    async revoke(sessionId, userId) {
      const deleted = await deleteSession(db, sessionId, userId);
      if (deleted) {
        await cache.delete([sessionId]);
        onRevoked([sessionId]);
      }
      return deleted;
    },

    async revokeAll(userId) {
      const ids = await deleteUserSessions(db, userId);
      await cache.delete(ids);
      onRevoked(ids);
    },

    async list(userId) {
      const at = now();
      const sessions = await listUserSessions(db, userId);
      return sessions.filter((session) => at < session.expiresAt && at < session.absoluteExpiresAt);
    },
  };
}
