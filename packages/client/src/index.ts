import {
  createTRPCClient,
  createWSClient,
  httpBatchLink,
  splitLink,
  TRPCClientError,
  wsLink,
  type TRPCClient,
} from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@taskboard/api';
import {
  appErrorCodes,
  procedureErrorDataSchema,
  type AppErrorCode,
  type AppErrorData,
  type ProcedureErrorData,
  type ProjectEvent,
  type ProjectEventType,
} from '@taskboard/schema';

export type {
  AppRouter,
  AppErrorCode,
  AppErrorData,
  ProcedureErrorData,
  ProjectEvent,
  ProjectEventType,
};
/** Every application error code of the contract (SPEC.md "Errors"). */
export const errorCodes: readonly AppErrorCode[] = appErrorCodes;

/** The input of every procedure: `RouterInputs['tasks']['create']`. */
export type RouterInputs = inferRouterInputs<AppRouter>;
/** The output of every procedure: `RouterOutputs['board']['get']`. */
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type Task = RouterOutputs['tasks']['get'];
export type Project = RouterOutputs['projects']['get'];

export type TaskboardClient = TRPCClient<AppRouter>;

export interface TaskboardClientOptions {
  /** Where the API listens, e.g. `http://localhost:3000`. */
  url: string;
  /** A session token (from `signIn`), or a function giving the current one. */
  token?: string | (() => string | undefined);
  /** The WebSocket class; default: the global one, or the `ws` package in Node < 22. */
  WebSocket?: typeof globalThis.WebSocket;
}

/**
 * The typed client of the Taskboard API: queries and mutations over batched HTTP with
 * `Authorization: Bearer`, subscriptions over one WebSocket (opened on the first subscription,
 * closed a second after the last one ends, so scripts exit by themselves). A dropped
 * connection reconnects, and `events.project` subscriptions resume from their last event id:
 * nothing is missed.
 */
export function createTaskboardClient(options: TaskboardClientOptions): TaskboardClient {
  const base = options.url.replace(/\/+$/, '');
  const token = () => (typeof options.token === 'function' ? options.token() : options.token);
  const socket = createWSClient({
    url: `${base.replace(/^http/, 'ws')}/trpc`,
    WebSocket: options.WebSocket ?? defaultWebSocket(),
    lazy: { enabled: true, closeMs: 1_000 },
    connectionParams: () => {
      const current = token();
      return current ? { token: current } : {};
    },
    retryDelayMs: (attempt) => Math.min(500 * 2 ** attempt, 10_000),
  });
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: wsLink({ client: socket }),
        false: httpBatchLink({
          url: `${base}/trpc`,
          headers: () => {
            const current = token();
            return current ? { authorization: `Bearer ${current}` } : {};
          },
        }),
      }),
    ],
  });
}

/** The session `signIn` opens: its token, the user, and when it expires. */
export type SignedIn = RouterOutputs['auth']['login'];

/** Signs in with email and password; the token then goes to `createTaskboardClient`. */
export function signIn(url: string, email: string, password: string): Promise<SignedIn> {
  return createTaskboardClient({ url }).auth.login.mutate({ email, password });
}

/** A failed call in the API's error contract: `error.data.appCode` says what went wrong. */
export type TaskboardError = TRPCClientError<AppRouter> & {
  data: ProcedureErrorData;
};

/**
 * Narrows a caught error to the API's typed error; then `error.data.appCode === 'CONFLICT'`
 * narrows `error.data.details` to the current task, `'VALIDATION_ERROR'` to the field messages.
 */
export function isTaskboardError(error: unknown): error is TaskboardError {
  return (
    error instanceof TRPCClientError && procedureErrorDataSchema.safeParse(error.data).success
  );
}

function isWebSocketClass(value: unknown): value is typeof globalThis.WebSocket {
  return typeof value === 'function';
}

/** The global WebSocket (browsers, Node ≥ 22), else the `ws` package (Node 20). */
function defaultWebSocket(): typeof globalThis.WebSocket {
  if (isWebSocketClass(globalThis.WebSocket)) return globalThis.WebSocket;
  const nodeModule = globalThis.process.getBuiltinModule('node:module');
  const ws: unknown = nodeModule.createRequire(import.meta.url)('ws');
  const WebSocket = typeof ws === 'object' && ws !== null && 'WebSocket' in ws ? ws.WebSocket : ws;
  if (!isWebSocketClass(WebSocket)) throw new Error('No WebSocket: install the `ws` package');
  return WebSocket;
}
