import { QueryClient } from '@tanstack/react-query';
import {
  createTRPCClient,
  createWSClient,
  httpBatchLink,
  splitLink,
  wsLink,
  type TRPCClient,
  type TRPCLink,
} from '@trpc/client';
import type { AppRouter } from '@taskboard/api';
import { appErrorOf } from './errors';
import { trackSocket } from './live/connection';
import {
  availability,
  availabilityLink,
  databaseIsBack,
  isServiceUnavailable,
  retryDelayMs,
  UNAVAILABLE_WRITE_TRIES,
} from './service/availability';

export type TaskboardClient = TRPCClient<AppRouter>;

export interface BrowserClientOptions {
  /** Where the API is; default this page's origin. */
  origin?: string;
  /** A session token, where no cookie can carry the session (tests in Node). */
  token?: string;
  /** Extra links before the transport (tests hold requests back with one). */
  links?: TRPCLink<AppRouter>[];
}

/**
 * The browser's tRPC client: the API is this page's origin (served by the API in production,
 * proxied by Vite in development), so the session cookie authenticates both the batched HTTP
 * calls and the WebSocket. Subscriptions resume from their last event id after a reconnect.
 */
export function createBrowserClient({
  origin = window.location.origin,
  token,
  links = [],
}: BrowserClientOptions = {}): TaskboardClient {
  const socket = createWSClient({
    url: `${origin.replace(/^http/, 'ws')}/trpc`,
    connectionParams: token ? { token } : null,
    // Open while something is subscribed (the board); closed a moment after.
    lazy: { enabled: true, closeMs: 2_000 },
    retryDelayMs: (attempt) => Math.min(250 * 2 ** attempt, 5_000),
  });
  trackSocket(socket);
  availability.setProbe(() => databaseIsBack(origin));
  return createTRPCClient<AppRouter>({
    links: [
      ...links,
      availabilityLink(),
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: wsLink({ client: socket }),
        false: httpBatchLink({
          url: `${origin}/trpc`,
          maxURLLength: 4_000,
          ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
        }),
      }),
    ],
  });
}

export function createAppQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        // Errors of the contract that a retry cannot fix are shown at once; a server whose
        // database is down is waited for (the banner says so) as long as a write would be.
        retry: (failures, error) => {
          if (isServiceUnavailable(error)) return failures < UNAVAILABLE_WRITE_TRIES;
          const code = appErrorOf(error).code;
          if (code !== 'INTERNAL_SERVER_ERROR' && code !== 'TOO_MANY_REQUESTS') return false;
          return failures < 2;
        },
        retryDelay: (failures, error) =>
          isServiceUnavailable(error)
            ? retryDelayMs(error)
            : Math.min(1_000 * 2 ** failures, 30_000),
      },
      mutations: {
        // SERVICE_UNAVAILABLE: the database is down, so almost always nothing was written
        // (docs/api.md: only a COMMIT cut off in flight leaves it unknown, and expectedVersion
        // refuses a repeat of an update, move or delete; a quick add repeats under its own id,
        // answered with the task already made). The write stays on screen and is sent again
        // after Retry-After, instead of being undone with a toast.
        retry: (failures, error) =>
          isServiceUnavailable(error) && failures < UNAVAILABLE_WRITE_TRIES,
        retryDelay: (_failures, error) => retryDelayMs(error),
      },
    },
  });
}
