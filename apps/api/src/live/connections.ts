import type { WebSocket } from 'ws';
import { SESSION_CACHE_TTL_SECONDS } from '../auth/sessions';

/** Close codes our server uses (4000–4999 is the application range). */
export const CLOSE_SESSION_ENDED = 4401;
export const CLOSE_TOO_MANY_MESSAGES = 4429;
/**
 * The session could not be re-checked for too long (the database is down): closed rather than
 * trusted, with the standard "try again later" code; clients reconnect and authenticate anew.
 */
export const CLOSE_SESSION_UNCONFIRMED = 1013;

/**
 * How long a revoked session stays refused for live connections here, whatever the session
 * cache says: an instance's in-memory cache may answer for a session revoked elsewhere for up
 * to its TTL.
 */
export const REMEMBER_REVOKED_MS = SESSION_CACHE_TTL_SECONDS * 1000;

/**
 * The open WebSockets of this instance by the session they authenticated with, so that
 * revoking a session (on any instance) closes its live connections here. It also remembers
 * recently revoked sessions: a connection whose session was validated just before a
 * revocation arrived (the announcement came while the validation ran, or a stale cache
 * answered it) must not be let in after it.
 */
export function createConnectionRegistry(now: () => number = () => performance.now()) {
  const bySession = new Map<string, Set<WebSocket>>();
  /** Session id → when its revocation was heard, oldest first. */
  const revokedAt = new Map<string, number>();
  const forgetOldRevocations = () => {
    const before = now() - REMEMBER_REVOKED_MS;
    for (const [id, at] of revokedAt) {
      if (at > before) break;
      revokedAt.delete(id);
    }
  };
  return {
    /** Whether the session was revoked lately (such a connection is treated as signed out). */
    wasRevoked(sessionId: string): boolean {
      forgetOldRevocations();
      return revokedAt.has(sessionId);
    },
    add(sessionId: string, socket: WebSocket): void {
      // Hung up while its session was checked: its 'close' has fired and would never remove it.
      if (socket.readyState === socket.CLOSED) return;
      let sockets = bySession.get(sessionId);
      if (!sockets) {
        sockets = new Set();
        bySession.set(sessionId, sockets);
      }
      sockets.add(socket);
      socket.once('close', () => {
        sockets.delete(socket);
        if (sockets.size === 0) bySession.delete(sessionId);
      });
    },
    /** The sessions that have open connections here (the periodic re-check reads them). */
    openSessionIds(): string[] {
      return [...bySession.keys()];
    },
    /** Closes the sessions' connections without marking them revoked (they may come back). */
    closeUnconfirmed(sessionIds: readonly string[]): void {
      for (const id of sessionIds) {
        for (const socket of bySession.get(id) ?? []) {
          socket.close(CLOSE_SESSION_UNCONFIRMED, 'session could not be re-checked');
        }
      }
    },
    closeSessions(sessionIds: readonly string[]): void {
      forgetOldRevocations();
      const at = now();
      for (const id of sessionIds) {
        revokedAt.delete(id);
        revokedAt.set(id, at);
        for (const socket of bySession.get(id) ?? []) {
          socket.close(CLOSE_SESSION_ENDED, 'session ended');
        }
      }
    },
  };
}

export type ConnectionRegistry = ReturnType<typeof createConnectionRegistry>;

export const MESSAGE_WINDOW_MS = 10_000;
export const MAX_MESSAGES_PER_WINDOW = 200;

/** Closes a connection that sends more than the allowed number of messages in a window. */
export function limitMessageRate(socket: WebSocket): void {
  let windowStart = Date.now();
  let count = 0;
  socket.on('message', () => {
    const now = Date.now();
    if (now - windowStart > MESSAGE_WINDOW_MS) {
      windowStart = now;
      count = 0;
    }
    count += 1;
    if (count === MAX_MESSAGES_PER_WINDOW + 1) {
      socket.close(CLOSE_TOO_MANY_MESSAGES, 'too many messages');
    }
  });
}
