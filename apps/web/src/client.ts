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
  return createTRPCClient<AppRouter>({
    links: [
      ...links,
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
        // Errors of the contract that a retry cannot fix are shown at once.
        retry: (failures, error) => {
          const code = appErrorOf(error).code;
          if (code !== 'INTERNAL_SERVER_ERROR' && code !== 'TOO_MANY_REQUESTS') return false;
          return failures < 2;
        },
      },
    },
  });
}
