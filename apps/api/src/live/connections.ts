import type { WebSocket } from 'ws';

/** Close codes our server uses (4000–4999 is the application range). */
export const CLOSE_SESSION_ENDED = 4401;
export const CLOSE_TOO_MANY_MESSAGES = 4429;

/**
 * The open WebSockets of this instance by the session they authenticated with, so that
 * revoking a session (on any instance) closes its live connections here.
 */
export function createConnectionRegistry() {
  const bySession = new Map<string, Set<WebSocket>>();
  return {
    add(sessionId: string, socket: WebSocket): void {
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
    closeSessions(sessionIds: readonly string[]): void {
      for (const id of sessionIds) {
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
