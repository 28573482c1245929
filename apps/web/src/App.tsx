import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { RouterProvider, type RouterHistory } from '@tanstack/react-router';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { useState, type ReactElement } from 'react';
import type { AppRouter } from '@taskboard/api';
import type { TaskboardClient } from './client';
import { createAppRouter } from './router';
import { TRPCProvider } from './trpc';
import { ServiceBanner } from './ui/ServiceBanner';
import { ToastProvider } from './ui/toast';

/** The app with its providers; the client and query cache come from outside (tests make their own). */
export function App({
  client,
  queryClient,
  history,
}: {
  client: TaskboardClient;
  queryClient: QueryClient;
  history?: RouterHistory;
}): ReactElement {
  const [router] = useState(() =>
    createAppRouter(
      { queryClient, trpc: createTRPCOptionsProxy<AppRouter>({ client, queryClient }) },
      history,
    ),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={client} queryClient={queryClient}>
        <ToastProvider>
          {/* Above every route, the signed-in shell or not: while the database is down the
              sign-in check and the sign-in form wait too, and must say why. */}
          <ServiceBanner />
          <RouterProvider router={router} />
        </ToastProvider>
      </TRPCProvider>
    </QueryClientProvider>
  );
}
