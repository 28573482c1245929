import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppErrorCode, RestErrorBody } from '@taskboard/schema';

/** A URL's path, without its query string. */
export function pathOf(url: string): string {
  return url.split('?', 1)[0] ?? url;
}

export interface RestError {
  code: AppErrorCode;
  status: number;
  message: string;
  details?: RestErrorBody['error']['details'];
}

/** SPEC.md "Errors": the REST error body, the one shape every non-tRPC error answers with. */
export function restErrorBody(
  request: Pick<FastifyRequest, 'url'>,
  error: RestError,
): RestErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      details: error.details ?? null,
      timestamp: new Date().toISOString(),
      path: pathOf(request.url),
    },
  };
}

/** Answers with the error's status and the REST error body; never cached. */
export function sendRestError(
  reply: FastifyReply,
  request: FastifyRequest,
  error: RestError,
  retryAfterSeconds?: number,
): FastifyReply {
  if (retryAfterSeconds !== undefined) void reply.header('retry-after', String(retryAfterSeconds));
  return reply
    .code(error.status)
    .header('cache-control', 'no-store')
    .send(restErrorBody(request, error));
}
