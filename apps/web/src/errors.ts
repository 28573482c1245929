import { TRPCClientError } from '@trpc/client';
import { isAppErrorCode, taskSchema, type AppErrorCode, type Task } from '@taskboard/schema';

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

function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  const fields: Record<string, string> = {};
  for (const [key, message] of Object.entries(value)) {
    if (typeof message === 'string') fields[key] = message;
  }
  return fields;
}

/** Reads a failed call as the API's error contract (SPEC.md "Errors"), whatever threw it. */
export function appErrorOf(error: unknown): ShownError {
  if (error instanceof TRPCClientError) {
    const data: unknown = error.data;
    if (
      typeof data === 'object' &&
      data !== null &&
      'appCode' in data &&
      isAppErrorCode(data.appCode)
    ) {
      const details = 'details' in data ? data.details : null;
      const current =
        data.appCode === 'CONFLICT' &&
        typeof details === 'object' &&
        details !== null &&
        'task' in details
          ? taskSchema.safeParse(details.task)
          : null;
      return {
        code: data.appCode,
        message: error.message,
        fields: data.appCode === 'VALIDATION_ERROR' ? stringRecord(details) : {},
        current: current?.success ? current.data : null,
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
