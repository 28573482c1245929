import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '@taskboard/schema';
import { pathOf, restErrorBody, sendRestError } from './rest-error';
import { sendTrpcError, trpcErrorBody } from './trpc-error';

/**
 * One error body of SPEC.md "Errors": tRPC's (what tRPC clients read as `error.data.appCode`)
 * or REST's (everything else). Each surface plugin answers its own errors in its own body
 * (its scope's error and not-found handlers); only what Fastify and Node answer before any
 * route is found (a malformed URL, an over-long parameter, a request line Node cannot parse)
 * (or that reaches the root's not-found handler through the web app's wildcard route) has to
 * be placed by path, through the map below.
 */
export interface ErrorBody {
  send: (request: FastifyRequest, reply: FastifyReply, error: AppError) => FastifyReply;
  /** The body alone, for an answer written on the raw socket (no Fastify request). */
  of: (path: string, error: AppError) => unknown;
  /** The answer for a path nothing serves. */
  notFound: (request: FastifyRequest, reply: FastifyReply) => FastifyReply;
}

export const trpcErrors: ErrorBody = {
  send: (_request, reply, error) => sendTrpcError(reply, error),
  of: (_path, error) => trpcErrorBody(error),
  notFound: (_request, reply) =>
    sendTrpcError(reply, new AppError('NOT_FOUND', 'No such procedure')),
};

export const restErrors: ErrorBody = {
  send: (request, reply, error) =>
    sendRestError(
      reply,
      request,
      {
        code: error.code,
        status: error.httpStatus,
        message: error.message,
        details: error.details,
      },
      error.retryAfterSeconds ?? undefined,
    ),
  of: (path, error) =>
    restErrorBody(
      { url: path },
      { code: error.code, status: error.httpStatus, message: error.message, details: null },
    ),
  notFound: (request, reply) =>
    sendRestError(reply, request, {
      code: 'NOT_FOUND',
      status: 404,
      message: `No ${request.method} ${pathOf(request.url)} here`,
    }),
};

/**
 * Which error body each mounted prefix speaks, filled by the surface plugins as they are
 * registered (from their own `prefix`, so the prefix is written once, where it is registered);
 * paths under none of them speak REST's.
 */
export function createSurfaceMap() {
  const mounted: { prefix: string; body: ErrorBody }[] = [];
  return {
    mount(prefix: string, body: ErrorBody): void {
      mounted.push({ prefix, body });
      // The longest prefix wins (`/api/v1` before a `/api`).
      mounted.sort((a, b) => b.prefix.length - a.prefix.length);
    },
    bodyAt(url: string): ErrorBody {
      const path = pathOf(url);
      const found = mounted.find(({ prefix }) => path === prefix || path.startsWith(`${prefix}/`));
      return found?.body ?? restErrors;
    },
  };
}

export type SurfaceMap = ReturnType<typeof createSurfaceMap>;

/**
 * The first path segments of the routes the API registers (`/healthz`, `/trpc`, `/api`, …),
 * recorded as routes are added: the web app answers no page under them (a browser asking for
 * `/api/x` gets the API's 404, not index.html), without a list to keep in step with the routes.
 * Register before the routes.
 */
export function trackApiPaths(app: FastifyInstance) {
  const segments = new Set<string>();
  app.addHook('onRoute', (route) => {
    const first = /^\/([^/:*]+)/.exec(route.url)?.[1];
    if (first !== undefined) segments.add(first);
  });
  return {
    /** Whether the path lies under a route of the API (the web app's own routes excluded). */
    isApiPath(url: string): boolean {
      const first = /^\/([^/]*)/.exec(pathOf(url))?.[1];
      return first !== undefined && segments.has(first);
    },
  };
}

export type ApiPaths = ReturnType<typeof trackApiPaths>;
