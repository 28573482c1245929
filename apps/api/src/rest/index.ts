import { callTRPCProcedure, getTRPCErrorFromUnknown } from '@trpc/server';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { createHttpContext } from '../context';
import { appErrorOf, appRouter, formatError, procedureInfo } from '@taskboard/api/host';
import type { HostDeps } from '../deps';
import { buildOpenApiDocument } from './openapi';
import { registerCsrfGuard } from '../http/csrf';
import { contractErrorHandler } from '../http/error-contract';
import { pathOf, sendRestError } from '../http/rest-error';
import { restErrors, type SurfaceMap } from '../http/surfaces';
import { fastifyPath, pathParams, restBody, restRoutes, type RestRoute } from './routes';

/** The OpenAPI document: built on the first request for it, then served as it is. */
let document: ReturnType<typeof buildOpenApiDocument> | undefined;
function openApiDocument() {
  document ??= buildOpenApiDocument(restRoutes);
  return document;
}

export interface RestSurfaceOptions {
  deps: HostDeps;
  surfaces: SurfaceMap;
}

/**
 * REST (SPEC.md "Interfaces", `/api/v1`: the prefix it is registered with): each route runs
 * its tRPC procedure through the router (same auth, schemas, domain code, errors and metrics
 * as tRPC) and wraps what it returns; every error answers SPEC.md's REST body. Plus the
 * OpenAPI document at `<prefix>/openapi.json`.
 */
export function restSurface(
  scope: FastifyInstance,
  { deps, surfaces }: RestSurfaceOptions,
  done: (error?: Error) => void,
): void {
  surfaces.mount(scope.prefix, restErrors);
  // JSON bodies only: a form or text body is refused, not parsed into something else.
  scope.removeContentTypeParser(['text/plain']);
  // Errors raised before a route runs (malformed JSON, an unsupported media type, a body
  // too large, the rate limit, the CSRF guard) in the contract's codes (http/error-contract.ts).
  scope.setErrorHandler(contractErrorHandler(restErrors));
  scope.setNotFoundHandler((request, reply) => {
    void sendRestError(reply, request, {
      code: 'NOT_FOUND',
      status: 404,
      message: `No ${request.method} ${pathOf(request.url)} in this API`,
      details: null,
    });
  });
  registerCsrfGuard(scope, {
    allowedOrigins: deps.config.allowedOrigins,
    bodylessWithoutType: true,
  });
  scope.get('/openapi.json', (_request, reply) => reply.send(openApiDocument()));
  for (const route of restRoutes) registerRoute(scope, deps, route);
  done();
}

function registerRoute(app: FastifyInstance, deps: HostDeps, route: RestRoute): void {
  const { type, input: inputSchema } = procedureInfo(route.procedure);
  const names = pathParams(route.path);
  const queryFields = inputSchema ? fieldTypesOf(inputSchema) : {};
  app.route({
    method: route.method,
    url: fastifyPath(route.path),
    handler: async (request, reply) => {
      // A JSON array or scalar has no fields to read: it is refused, not taken as `{}`.
      if (route.from === 'body' && !isBodyObject(request.body)) {
        return sendRestError(reply, request, {
          code: 'VALIDATION_ERROR',
          status: 400,
          message: 'The request body must be a JSON object',
          details: { '(root)': 'Expected an object' },
        });
      }
      const input = {
        ...(route.from === 'body' ? objectOf(request.body) : {}),
        ...(route.from === 'query' ? queryInput(queryFields, request.query) : {}),
        ...Object.fromEntries(
          names.map((name) => [route.params?.[name] ?? name, paramOf(request.params, name)]),
        ),
      };
      const ctx = await createHttpContext(deps, request, reply);
      try {
        const data: unknown = await callTRPCProcedure({
          router: appRouter,
          path: route.procedure,
          getRawInput: () => Promise.resolve(input),
          ctx,
          type,
          signal: undefined,
          batchIndex: 0,
        });
        if (route.status === 204) return await reply.code(204).send();
        return await reply
          .code(route.status ?? 200)
          .header('cache-control', 'no-store')
          .send(restBody(route, data));
      } catch (cause) {
        const error = getTRPCErrorFromUnknown(cause);
        if (error.code === 'INTERNAL_SERVER_ERROR' && !appErrorOf(error)) {
          request.log.error(
            { err: error.cause ?? error, path: route.procedure },
            'REST call failed',
          );
        }
        const { message, data } = formatError(error, route.procedure);
        const retryAfter = appErrorOf(error)?.retryAfterSeconds ?? undefined;
        return sendRestError(
          reply,
          request,
          { code: data.appCode, status: data.httpStatus, message, details: data.details },
          retryAfter,
        );
      }
    },
  });
}

/** No body at all (a POST without fields), or a JSON object. */
function isBodyObject(body: unknown): boolean {
  return body === undefined || body === null || (typeof body === 'object' && !Array.isArray(body));
}

/** The fields of a body or query string (checked to be an object, or absent). */
function objectOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? { ...value } : {};
}

function paramOf(params: unknown, name: string): unknown {
  return typeof params === 'object' && params !== null && name in params
    ? Object.entries(params).find(([key]) => key === name)?.[1]
    : undefined;
}

/** The JSON Schema `type` of each field of an input schema. */
function fieldTypesOf(schema: z.ZodType): Record<string, unknown> {
  const jsonSchema = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  const fields = z
    .object({ properties: z.record(z.string(), z.object({ type: z.unknown() })) })
    .safeParse(jsonSchema).data?.properties;
  return Object.fromEntries(
    Object.entries(fields ?? {}).map(([name, field]) => [name, field.type]),
  );
}

/**
 * Query strings carry text; the input schema says which fields are numbers or booleans.
 * A value that does not convert is passed on as it is, for the schema to refuse by name.
 */
function queryInput(fieldTypes: Record<string, unknown>, query: unknown): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(objectOf(query))) {
    const value: unknown = Array.isArray(raw) ? raw.at(-1) : raw;
    const kind = fieldTypes[name];
    if (typeof value === 'string' && (kind === 'integer' || kind === 'number')) {
      input[name] = value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
    } else if (typeof value === 'string' && kind === 'boolean') {
      input[name] = value === 'true' ? true : value === 'false' ? false : value;
    } else {
      input[name] = value;
    }
  }
  return input;
}
