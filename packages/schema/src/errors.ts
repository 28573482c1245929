import { z } from 'zod';
import { taskSchema } from './tasks';

/** The application error codes of SPEC.md and the HTTP status each one answers with. */
export const appErrorStatus = {
  VALIDATION_ERROR: 400,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  USER_EXISTS: 409,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;
export type AppErrorCode = keyof typeof appErrorStatus;
export const appErrorCodes = Object.keys(appErrorStatus).filter(isAppErrorCode);

export function isAppErrorCode(value: unknown): value is AppErrorCode {
  return typeof value === 'string' && Object.hasOwn(appErrorStatus, value);
}

export const appErrorCodeSchema = z.enum(appErrorCodes);

/** Field path (`a.b.0`) → message. */
export const validationDetailsSchema = z.record(z.string(), z.string());
export type ValidationDetails = z.infer<typeof validationDetailsSchema>;

/** The row as it is now, so the caller can show it and decide. */
export const conflictDetailsSchema = z.object({ task: taskSchema });
export type ConflictDetails = z.infer<typeof conflictDetailsSchema>;

const codesWithoutDetails = appErrorCodes.filter(
  (code): code is Exclude<AppErrorCode, 'VALIDATION_ERROR' | 'CONFLICT'> =>
    code !== 'VALIDATION_ERROR' && code !== 'CONFLICT',
);

/**
 * The error part every client sees (`error.data` in tRPC), a union on `appCode` so that
 * checking the code narrows `details`.
 */
export const appErrorDataSchema = z.discriminatedUnion('appCode', [
  z.object({
    appCode: z.literal('VALIDATION_ERROR'),
    httpStatus: z.literal(400),
    details: validationDetailsSchema,
  }),
  z.object({
    appCode: z.literal('CONFLICT'),
    httpStatus: z.literal(409),
    details: conflictDetailsSchema.nullable(),
  }),
  z.object({
    appCode: z.enum(codesWithoutDetails),
    httpStatus: z.number().int(),
    details: z.null(),
  }),
]);
export type AppErrorData = z.infer<typeof appErrorDataSchema>;

/**
 * `error.data` of a failed tRPC call: the contract's data, the procedure's path, and tRPC's
 * own name for the error class (`code`, e.g. `UNAUTHORIZED`), which tRPC's clients expect.
 */
export const procedureErrorDataSchema = z.intersection(
  appErrorDataSchema,
  z.object({ path: z.string().nullable(), code: z.string() }),
);
export type ProcedureErrorData = z.infer<typeof procedureErrorDataSchema>;

/** SPEC.md "Errors": the body of every REST (and non-tRPC) error answer. */
export const restErrorBodySchema = z.object({
  error: z.object({
    code: appErrorCodeSchema,
    message: z.string(),
    details: z
      .union([validationDetailsSchema, conflictDetailsSchema, z.null()])
      .describe(
        'VALIDATION_ERROR: each invalid field path (`a.b.0`) with its message. ' +
          'CONFLICT on a task: `{ "task": … }`, the current version. Otherwise null.',
      ),
    timestamp: z.iso.datetime(),
    path: z.string().describe('The request path, without its query string'),
  }),
});
export type RestErrorBody = z.infer<typeof restErrorBodySchema>;

type DetailsFor<C extends AppErrorCode> = C extends 'VALIDATION_ERROR'
  ? ValidationDetails
  : C extends 'CONFLICT'
    ? ConflictDetails
    : never;

/** The one error type domain code throws; the API maps it for tRPC and REST. */
export class AppError<C extends AppErrorCode = AppErrorCode> extends Error {
  override readonly name = 'AppError';
  readonly code: C;
  readonly details: DetailsFor<C> | null;
  /** For TOO_MANY_REQUESTS and SERVICE_UNAVAILABLE: seconds until the caller may try again. */
  readonly retryAfterSeconds: number | null;

  constructor(
    code: C,
    message: string,
    options: { details?: DetailsFor<C>; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.details = options.details ?? null;
    this.retryAfterSeconds = options.retryAfterSeconds ?? null;
  }

  get httpStatus(): number {
    return appErrorStatus[this.code];
  }
}

/** Narrows to the application error (`instanceof` alone would leave its code parameter `any`). */
export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** Turns Zod issues into the `VALIDATION_ERROR` details: field path → first message. */
export function validationDetails(issues: readonly z.core.$ZodIssue[]): ValidationDetails {
  const details: ValidationDetails = {};
  for (const issue of issues) {
    const path = issue.path.map(String).join('.') || '(root)';
    details[path] ??= issue.message;
  }
  return details;
}
