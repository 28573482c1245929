import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { getTRPCErrorFromUnknown } from '@trpc/server';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError } from '@taskboard/schema';
import { appErrorOf, formatError } from '@taskboard/api/host';
import { pathOf } from './rest-error';
import type { ErrorBody, SurfaceMap } from './surfaces';

/*
 * SPEC.md "Errors": every answer the server gives has the contract's shape, including the ones
 * Fastify and Node give before any route runs (the rate limit, a body over the limit, a
 * malformed URL, an over-long path parameter, URL or header block, a request during shutdown).
 * Each surface answers in its own body (http/surfaces.ts): a surface plugin sets its scope's
 * error handler, so a hook shared by all of them throws an AppError and the route's scope
 * answers it. Statuses follow the code table: everything over a size limit (body,
 * path parameter, URL, headers: Fastify's 413 and 414, Node's 431) is `PAYLOAD_TOO_LARGE` 413,
 * so that one code has one status; any other refusal of the request as sent is `BAD_REQUEST`.
 */

/** While a shutdown drains, a request is answered 503 and told to come back after this. */
const SHUTDOWN_RETRY_AFTER_SECONDS = 5;

/** At most this much of a refused URL is echoed in a REST body's `path`. */
const MAX_ECHOED_PATH = 2_048;

/** An error's HTTP status as Fastify and its plugins set it (500 when none). */
function statusOf(error: unknown): number {
  if (typeof error === 'object' && error !== null && 'statusCode' in error) {
    const status = Number(error.statusCode);
    if (Number.isInteger(status) && status >= 400 && status < 600) return status;
  }
  return 500;
}

/** A refusal of the request as sent, by the HTTP status the framework (or Node) gave it. */
function refusalOfStatus(status: number, retryAfterSeconds: number | undefined): AppError {
  if (status === 413 || status === 414 || status === 431) {
    return new AppError('PAYLOAD_TOO_LARGE', 'The request is larger than this server accepts');
  }
  if (status === 429) {
    return new AppError('TOO_MANY_REQUESTS', 'Too many requests', {
      retryAfterSeconds: retryAfterSeconds ?? 60,
    });
  }
  return new AppError('BAD_REQUEST', 'Bad request');
}

/**
 * An error raised before (or instead of) a procedure, in the contract's terms: a client's
 * fault by its status (a plain refusal keeps the framework's message, which says what is
 * wrong with the request), anything else through the error formatter (INTERNAL_SERVER_ERROR,
 * no internals).
 */
function contractErrorOf(error: unknown, retryAfterSeconds?: number): AppError {
  if (isAppError(error)) return error;
  const status = statusOf(error);
  if (status < 500) {
    const refusal = refusalOfStatus(status, retryAfterSeconds);
    if (refusal.code === 'BAD_REQUEST' && error instanceof Error) {
      return new AppError('BAD_REQUEST', error.message);
    }
    return refusal;
  }
  const trpcError = getTRPCErrorFromUnknown(error);
  const known = appErrorOf(trpcError);
  if (known) return known;
  const { message, data } = formatError(trpcError, undefined);
  return new AppError(data.appCode, message);
}

function retryAfterOf(reply: FastifyReply): number | undefined {
  const header = reply.getHeader('retry-after');
  const seconds = Number(header);
  return header === undefined || !Number.isFinite(seconds) ? undefined : seconds;
}

/**
 * An error handler answering in one surface's body: whatever a route, hook or plugin of that
 * scope throws (the root's answers REST's, the tRPC plugin's tRPC's).
 */
export function contractErrorHandler(body: ErrorBody) {
  return (error: unknown, request: FastifyRequest, reply: FastifyReply): void => {
    const appError = contractErrorOf(error, retryAfterOf(reply));
    if (appError.httpStatus >= 500 && appError.code === 'INTERNAL_SERVER_ERROR') {
      request.log.error({ err: error }, 'request failed');
    }
    void body.send(request, reply, appError);
  };
}

/**
 * Fastify's `frameworkErrors`: a malformed percent-encoding in the path (`FST_ERR_BAD_URL`)
 * and a path parameter over `maxParamLength` (`FST_ERR_MAX_PARAM_LENGTH`), found while
 * routing, before any hook.
 */
export function frameworkErrorHandler(surfaces: SurfaceMap) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    request.log.info({ code: error.code }, 'request refused while routing');
    void surfaces.bodyAt(request.url).send(request, reply, contractErrorOf(error));
  };
}

/** The request line's target, from the bytes Node could not parse (when it kept them). */
function targetOf(rawPacket: unknown): string | null {
  if (!Buffer.isBuffer(rawPacket)) return null;
  const line = rawPacket.toString('latin1', 0, Math.min(rawPacket.length, MAX_ECHOED_PATH + 64));
  const target = /^[A-Z]+ (\S+)/.exec(line)?.[1];
  return target === undefined ? null : target.slice(0, MAX_ECHOED_PATH);
}

/**
 * Node's `clientError`: a request Node's parser refuses before Fastify sees it (a URL or header
 * block over `--max-http-header-size`, 431; malformed HTTP, 400; a request timeout, 408). The
 * answer is written on the raw socket, in the contract of the path the request line names.
 */
export function clientErrorHandler(surfaces: SurfaceMap) {
  return (error: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void => {
    // A reset connection has nobody left to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const appError = refusalOfStatus(status, undefined);
    const path = pathOf(targetOf(error.rawPacket) ?? '');
    answerOnSocket(socket, appError, surfaces.bodyAt(path).of(path, appError));
  };
}

function answerOnSocket(socket: Socket, appError: AppError, errorBody: unknown): void {
  const body = JSON.stringify(errorBody);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${appError.httpStatus} ${STATUS_CODES[appError.httpStatus] ?? ''}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Cache-Control: no-store\r\nConnection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy();
}

/**
 * Requests that arrive while `close()` drains (on a kept-alive connection, or pipelined) get
 * `SERVICE_UNAVAILABLE` with `Retry-After` and `Connection: close`, so the client retries
 * elsewhere; Fastify's own 503 body is turned off (`return503OnClosing: false`). Requests
 * already running finish. Register first, so no other hook runs for them.
 */
export function registerShutdownRefusal(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', () => {
    closing = true;
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (!closing) return;
    void reply.header('connection', 'close');
    throw new AppError('SERVICE_UNAVAILABLE', 'The server is shutting down; retry shortly', {
      retryAfterSeconds: SHUTDOWN_RETRY_AFTER_SECONDS,
    });
  });
}
