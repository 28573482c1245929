import { TRPCError, type TRPC_ERROR_CODE_KEY } from '@trpc/server';
import { z } from 'zod';
import { isDatabaseUnavailable } from '@taskboard/db';
import {
  AppError,
  appErrorStatus,
  conflictDetailsSchema,
  validationDetails,
  validationDetailsSchema,
  type AppErrorCode,
  type AppErrorData,
} from '@taskboard/schema';

/** How each application code travels as a tRPC error (which fixes the HTTP status). */
const trpcCodeOf: Record<AppErrorCode, TRPC_ERROR_CODE_KEY> = {
  VALIDATION_ERROR: 'BAD_REQUEST',
  BAD_REQUEST: 'BAD_REQUEST',
  UNAUTHORIZED: 'UNAUTHORIZED',
  INVALID_CREDENTIALS: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  USER_EXISTS: 'CONFLICT',
  CONFLICT: 'CONFLICT',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
};

/** tRPC's own errors (bad JSON, unknown procedure, input schema, …) in application codes. */
const appCodeOfTrpc: Partial<Record<TRPC_ERROR_CODE_KEY, AppErrorCode>> = {
  PARSE_ERROR: 'BAD_REQUEST',
  BAD_REQUEST: 'BAD_REQUEST',
  METHOD_NOT_SUPPORTED: 'BAD_REQUEST',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'BAD_REQUEST',
  UNPROCESSABLE_CONTENT: 'BAD_REQUEST',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
};

/** Wraps an application error so tRPC answers it with the right status. */
export function toTRPCError(error: AppError): TRPCError {
  return new TRPCError({ code: trpcCodeOf[error.code], message: error.message, cause: error });
}

/**
 * How long a caller is told to wait (`Retry-After`) when a dependency is down: about the
 * pool's connect timeout, long enough not to hammer a database that is restarting.
 */
const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/**
 * The application error behind a tRPC error, if there is one: the AppError domain code threw,
 * or SERVICE_UNAVAILABLE when what failed is a dependency that is down (a database that is
 * stopped, restarting, unreachable or out of disk), which is not an unexpected error.
 */
export function appErrorOf(error: TRPCError): AppError | null {
  if (error.cause instanceof AppError) return error.cause;
  return unavailableErrorOf(error);
}

/**
 * SERVICE_UNAVAILABLE with Retry-After for a dependency that is down, else null. Its cause is
 * the innermost error (the driver's own), which is what a log should say.
 */
export function unavailableErrorOf(error: unknown): AppError | null {
  if (!isDatabaseUnavailable(error)) return null;
  return new AppError('SERVICE_UNAVAILABLE', 'The service is unavailable; retry shortly', {
    retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS,
    cause: innermostCause(error),
  });
}

function innermostCause(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 10; depth += 1) {
    if (typeof current !== 'object' || current === null || !('cause' in current)) break;
    if (current.cause === undefined || current.cause === null) break;
    current = current.cause;
  }
  return current;
}

/**
 * SQLSTATEs of text PostgreSQL cannot store: a NUL character in a `text` value (22021,
 * "invalid byte sequence for encoding UTF8: 0x00") or in `jsonb` (22P05). Only a caller's
 * input carries one (in a title, a search, a forged cursor, …): a bad request, not a fault.
 */
const UNSTORABLE_TEXT_STATES = new Set(['22021', '22P05']);

/** A BAD_REQUEST for a database refusal of the caller's text, or null for any other error. */
export function unstorableTextErrorOf(error: TRPCError): AppError | null {
  let cause: unknown = error.cause;
  for (let depth = 0; depth < 5 && typeof cause === 'object' && cause !== null; depth += 1) {
    if (
      'code' in cause &&
      typeof cause.code === 'string' &&
      UNSTORABLE_TEXT_STATES.has(cause.code)
    ) {
      return new AppError('BAD_REQUEST', 'Text must not contain NUL characters', { cause });
    }
    cause = 'cause' in cause ? cause.cause : undefined;
  }
  return null;
}

export interface FormattedError {
  message: string;
  /** `error.data` (ProcedureErrorData) but tRPC's `code`, which the router's errorFormatter adds. */
  data: AppErrorData & { path: string | null };
}

/**
 * The one error contract (SPEC.md "Errors") for every tRPC error: application code, HTTP
 * status, details and procedure path. Anything unexpected becomes INTERNAL_SERVER_ERROR with
 * a generic message: no stack, SQL or internals leave the server.
 */
export function formatError(error: TRPCError, path: string | undefined): FormattedError {
  const at = path ?? null;
  const appError = appErrorOf(error);
  if (appError) {
    return { message: appError.message, data: { ...dataOf(appError), path: at } };
  }
  if (error.code === 'BAD_REQUEST' && error.cause instanceof z.ZodError) {
    return {
      message: 'Invalid input',
      data: {
        appCode: 'VALIDATION_ERROR',
        httpStatus: 400,
        details: validationDetails(error.cause.issues),
        path: at,
      },
    };
  }
  const appCode = appCodeOfTrpc[error.code];
  if (appCode) return { message: error.message, data: { ...plainData(appCode), path: at } };
  return {
    message: 'Internal server error',
    data: { ...plainData('INTERNAL_SERVER_ERROR'), path: at },
  };
}

/** The data of a code when there is nothing more to say than the code. */
function plainData(appCode: AppErrorCode): AppErrorData {
  switch (appCode) {
    case 'VALIDATION_ERROR':
      return { appCode, httpStatus: 400, details: {} };
    case 'CONFLICT':
      return { appCode, httpStatus: 409, details: null };
    default:
      return { appCode, httpStatus: appErrorStatus[appCode], details: null };
  }
}

function dataOf(error: AppError): AppErrorData {
  if (error.code === 'VALIDATION_ERROR') {
    const details = validationDetailsSchema.safeParse(error.details);
    return { appCode: 'VALIDATION_ERROR', httpStatus: 400, details: details.data ?? {} };
  }
  if (error.code === 'CONFLICT') {
    const details = conflictDetailsSchema.safeParse(error.details);
    return { appCode: 'CONFLICT', httpStatus: 409, details: details.data ?? null };
  }
  return plainData(error.code);
}
