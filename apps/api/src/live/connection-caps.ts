import type { WebSocket } from 'ws';
import type { Metrics } from '../http/metrics';

/**
 * Close codes of the caps (the application range, 4000 + the HTTP status that means the
 * same, like 4401 and the message-rate 4429 of ./connections): over a connection cap, 4429;
 * not authenticated in time, 4408.
 */
export const CLOSE_TOO_MANY_CONNECTIONS = 4429;
export const CLOSE_AUTH_TIMEOUT = 4408;

export interface ConnectionCapsOptions {
  /** Open WebSockets one user may hold on this instance (every session and tab together). */
  maxPerUser: number;
  /** Open WebSockets one client address may hold on this instance, signed in or not. */
  maxPerIp: number;
  /** A socket that has not authenticated by then is closed. */
  authTimeoutMs: number;
  metrics: Pick<Metrics, 'refusedWebSockets' | 'webSocketAuthTimeouts'>;
}

/**
 * Caps on this instance's live connections (issue 10 "No cap on live connections"): per
 * client address when a socket opens, per user when it authenticates, and a deadline for
 * authenticating at all, so that neither one session nor sockets that never sign in can hold
 * an unbounded number of connections. A refused socket is closed with a code of its own
 * (clients see why); every refusal and timeout is counted in /metrics.
 */
export function createConnectionCaps(options: ConnectionCapsOptions) {
  const byIp = new Map<string, number>();
  const byUser = new Map<string, number>();
  const authTimers = new WeakMap<WebSocket, NodeJS.Timeout>();

  const count = (counts: Map<string, number>, key: string, socket: WebSocket) => {
    counts.set(key, (counts.get(key) ?? 0) + 1);
    socket.once('close', () => {
      const left = (counts.get(key) ?? 1) - 1;
      if (left > 0) counts.set(key, left);
      else counts.delete(key);
    });
  };

  return {
    /**
     * A socket has opened from this address: false (and the socket closed) over the address's
     * cap; otherwise it is counted, and closed unless it authenticates in time.
     */
    opened(socket: WebSocket, ip: string): boolean {
      if ((byIp.get(ip) ?? 0) >= options.maxPerIp) {
        options.metrics.refusedWebSockets.inc({ reason: 'per_ip' });
        socket.close(CLOSE_TOO_MANY_CONNECTIONS, 'too many connections from this address');
        return false;
      }
      count(byIp, ip, socket);
      const timer = setTimeout(() => {
        options.metrics.webSocketAuthTimeouts.inc();
        socket.close(CLOSE_AUTH_TIMEOUT, 'not authenticated in time');
      }, options.authTimeoutMs);
      timer.unref();
      authTimers.set(socket, timer);
      socket.once('close', () => {
        clearTimeout(timer);
      });
      return true;
    },
    /**
     * The socket has authenticated as this user: false (and the socket closed) over the
     * user's cap; otherwise it is counted and its authentication deadline lifted.
     */
    authenticated(socket: WebSocket, userId: string): boolean {
      clearTimeout(authTimers.get(socket));
      authTimers.delete(socket);
      // Hung up while its session was checked: its 'close' has fired, nothing would uncount it.
      if (socket.readyState === socket.CLOSED) return false;
      if ((byUser.get(userId) ?? 0) >= options.maxPerUser) {
        options.metrics.refusedWebSockets.inc({ reason: 'per_user' });
        socket.close(CLOSE_TOO_MANY_CONNECTIONS, 'too many connections for this user');
        return false;
      }
      count(byUser, userId, socket);
      return true;
    },
  };
}

export type ConnectionCaps = ReturnType<typeof createConnectionCaps>;
