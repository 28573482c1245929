/**
 * What clients import, as types only: the router's type and its root context. Nothing here
 * reaches the server's libraries (Fastify, Kysely, ioredis, pg, ws): a client type-checks
 * against it without them. The host's entry is `@taskboard/api/host`.
 */
export type { AppRouter } from './router';
export type { Context, ContextAuth } from './context';
