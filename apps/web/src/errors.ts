import { TRPCClientError } from '@trpc/client';
import { procedureErrorDataSchema, type AppErrorCode, type Task } from '@taskboard/schema';

export interface ShownError {
  code: AppErrorCode;
  /** One sentence for a person: the server's message, or ours for a lost connection. */
  message: string;
  /** VALIDATION_ERROR: field path → message, shown next to the field. */
  fields: Record<string, string>;
  /** CONFLICT: the task as it is now on the server. */
  current: Task | null;
}

const NETWORK_MESSAGE = 'Could not reach Taskboard. Check your connection and try again.';

/** Reads a failed call as the API's error contract (SPEC.md "Errors"), whatever threw it. */
export function appErrorOf(error: unknown): ShownError {
  if (error instanceof TRPCClientError) {
    // The contract's own schema: checking the code narrows the details (fields, current task).
    const data = procedureErrorDataSchema.safeParse(error.data);
    if (data.success) {
      const contract = data.data;
      return {
        code: contract.appCode,
        message: error.message,
        fields: contract.appCode === 'VALIDATION_ERROR' ? contract.details : {},
        current: contract.appCode === 'CONFLICT' ? (contract.details?.task ?? null) : null,
      };
    }
    // No contract body: the request never reached the API (offline, socket closed).
    return { code: 'INTERNAL_SERVER_ERROR', message: NETWORK_MESSAGE, fields: {}, current: null };
  }
  return {
    code: 'INTERNAL_SERVER_ERROR',
    message: error instanceof Error && error.message ? error.message : NETWORK_MESSAGE,
    fields: {},
    current: null,
  };
}
