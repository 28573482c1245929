import type { User } from '@taskboard/schema';

/**
 * The signed-in user, and the session they are signed in with (only what procedures and
 * transports read of it).
 */
export interface ContextAuth {
  user: User;
  session: { id: string; expiresAt: Date };
}

/**
 * What a transport knows of one request or live connection: the router's root context.
 *
 * Its type travels with `AppRouter` into every client's declarations (tRPC keeps the root
 * context in the router's type), so it names nothing but `@taskboard/schema` types: no
 * Fastify request, no database handle, no logger. The server's dependencies reach procedures
 * another way (deps.ts): bound to the context by `createContext`, put into `ctx.deps` by the
 * base procedure, and typed only in the procedure builders, which a built router's type does
 * not carry.
 */
export interface Context {
  /** The signed-in user and session, or null. */
  auth: ContextAuth | null;
  ip: string;
  userAgent: string | null;
  /** Sets or clears the browser's session cookie (a no-op on WebSocket connections). */
  setSessionCookie(token: string, expiresAt: Date): void;
  clearSessionCookie(): void;
}
