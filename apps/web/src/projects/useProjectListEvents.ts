import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTRPC, useTRPCClient } from '../trpc';

/**
 * Keeps the projects page current while it is open, like the board: being invited to a
 * project (or removed, or given another role), and renames, archives and deletions by others
 * of projects the user belongs to, re-read the list (`events.myProjects`). The list is read
 * afresh whenever the feed (re)starts, so nothing before it or during a drop is missed.
 */
export function useProjectListEvents(): void {
  const client = useTRPCClient();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  useEffect(() => {
    const refresh = () => {
      void queryClient.invalidateQueries(trpc.projects.list.pathFilter());
    };
    const subscription = client.events.myProjects.subscribe(
      {},
      {
        onStarted: refresh,
        onData: ({ data: event }) => {
          refresh();
          // The project's own page, if cached, shows the change too (name, archived, role).
          void queryClient.invalidateQueries(
            trpc.projects.get.queryFilter({ id: event.projectId }),
          );
        },
        onError: refresh,
      },
    );
    return () => {
      subscription.unsubscribe();
    };
  }, [client, trpc, queryClient]);
}
