import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import type { FastifyReply } from 'fastify';
import type { AppError } from '@taskboard/schema';
import { formatError, toTRPCError } from '@taskboard/api/host';

/**
 * What tRPC itself answers for an application error, formatted by our error formatter
 * (errors.ts): the body tRPC clients parse into `error.data.appCode`. For the answers given
 * under `/trpc` before tRPC runs (CSRF guard, rate limit, body limit, a malformed URL, a
 * shutdown, a subscription asked for over HTTP).
 */
export function trpcErrorBody(error: AppError) {
  const trpcError = toTRPCError(error);
  const formatted = formatError(trpcError, undefined);
  return {
    error: {
      message: formatted.message,
      code: TRPC_ERROR_CODES_BY_KEY[trpcError.code],
      data: { code: trpcError.code, ...formatted.data },
    },
  };
}

/** Answers the error's tRPC body with the status of its code (and Retry-After); never cached. */
export function sendTrpcError(reply: FastifyReply, error: AppError): FastifyReply {
  if (error.retryAfterSeconds !== null) {
    void reply.header('retry-after', String(error.retryAfterSeconds));
  }
  return reply
    .code(error.httpStatus)
    .header('cache-control', 'no-store')
    .send(trpcErrorBody(error));
}
