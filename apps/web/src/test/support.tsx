import type { QueryClient } from '@tanstack/react-query';
import { createMemoryHistory } from '@tanstack/react-router';
import { render, screen, type RenderResult } from '@testing-library/react';
import { createTRPCClient, httpBatchLink, type TRPCLink } from '@trpc/client';
import { observable, type Unsubscribable } from '@trpc/server/observable';
import { inject } from 'vitest';
import type { AppRouter } from '@taskboard/api';
import { registerUser } from '@taskboard/test-kit';
import { App } from '../App';
import { createAppQueryClient, createBrowserClient } from '../client';

export const apiUrl = inject('apiUrl');
/** A global admin on the test API. */
export const adminToken = inject('adminToken');

/** The second test API, whose database a test can take down (`cutDatabase`). */
export const faultyApiUrl = inject('faultyApiUrl');
const faultControlUrl = inject('faultControlUrl');

/** The real tRPC client as another app (or another person) would use it. */
export function apiClient(token: string, at: string = apiUrl) {
  return createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: `${at}/trpc`, headers: { authorization: `Bearer ${token}` } })],
  });
}

/** Registers a fresh user on the test API (or on the one at `at`). */
export async function signUp(name: string, at: string = apiUrl) {
  const account = await registerUser(at, name);
  return { ...account, api: apiClient(account.token, at) };
}

/**
 * Takes the faulty API's PostgreSQL away (its connections reset, new ones refused) or gives
 * it back: for that API the database is down, and it answers SERVICE_UNAVAILABLE.
 */
export async function cutDatabase(): Promise<void> {
  const response = await fetch(`${faultControlUrl}/cut`, { method: 'POST' });
  if (!response.ok) throw new Error(`cut answered ${response.status}`);
}

export async function restoreDatabase(): Promise<void> {
  const response = await fetch(`${faultControlUrl}/restore`, { method: 'POST' });
  if (!response.ok) throw new Error(`restore answered ${response.status}`);
}

/**
 * Holds back calls to one procedure until the test lets them go, so a test can look at the
 * board between the user's action and the server's answer. `request`: the call is not sent
 * until released; `answer`: it is sent (the server reads now) and its answer held.
 */
export function gate(path: string, hold: 'request' | 'answer' = 'request') {
  const waiting: (() => void)[] = [];
  const link: TRPCLink<AppRouter> =
    () =>
    ({ op, next }) =>
      observable((observer) => {
        let subscription: Unsubscribable | null = null;
        if (op.path !== path) {
          subscription = next(op).subscribe(observer);
        } else if (hold === 'request') {
          waiting.push(() => {
            subscription = next(op).subscribe(observer);
          });
        } else {
          const deliveries: (() => void)[] = [];
          let released = false;
          const later = (deliver: () => void) => {
            if (released) deliver();
            else deliveries.push(deliver);
          };
          waiting.push(() => {
            released = true;
            for (const deliver of deliveries.splice(0)) deliver();
          });
          subscription = next(op).subscribe({
            next: (value) => {
              later(() => {
                observer.next(value);
              });
            },
            error: (error) => {
              later(() => {
                observer.error(error);
              });
            },
            complete: () => {
              later(() => {
                observer.complete();
              });
            },
          });
        }
        return () => {
          subscription?.unsubscribe();
        };
      });
  return {
    link,
    /** Lets every held call through. */
    release() {
      for (const forward of waiting.splice(0)) forward();
    },
    get held() {
      return waiting.length;
    },
  };
}

/** The whole app at `path`, signed in with `token`, talking to the real API. */
export function renderApp(
  path: string,
  token: string,
  links: TRPCLink<AppRouter>[] = [],
  origin: string = apiUrl,
): RenderResult & { history: ReturnType<typeof createMemoryHistory>; queryClient: QueryClient } {
  const history = createMemoryHistory({ initialEntries: [path] });
  // The app's own cache settings (writes retried while the server is unavailable), with
  // failed reads shown at once.
  const queryClient = createAppQueryClient();
  const defaults = queryClient.getDefaultOptions();
  queryClient.setDefaultOptions({ ...defaults, queries: { ...defaults.queries, retry: false } });
  const client = createBrowserClient({ origin, token, links });
  return {
    ...render(<App client={client} queryClient={queryClient} history={history} />),
    history,
    queryClient,
  };
}

/** A column of the board, by its accessible name. */
export function column(name: 'To do' | 'In progress' | 'Done'): HTMLElement {
  return screen.getByRole('region', { name });
}
