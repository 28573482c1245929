/**
 * What the host (apps/api) needs of the router: the router itself, the context factory, the
 * backend interfaces it implements, and the error mapping its transports answer with. Clients
 * import `@taskboard/api` (types only) instead.
 */
export { appRouter, type AppRouter } from './router';
export { createContext, type AppDeps } from './deps';
export type { Context } from './context';
export type * from './ports';
export * from './bus';
export { followEvents, retryWhileUnavailable, type EventSource } from './follow';
export { appErrorOf, formatError, toTRPCError, unavailableErrorOf } from './errors';
export { procedureInfo, procedurePaths } from './procedures';
export { projectListFeed } from './routers/project-list-events';
