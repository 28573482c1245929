import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTRPC, useTRPCClient } from '../trpc';

/**
 * Keeps the members page current while it is open: an invite, a role change or a removal by
 * another owner (or the project renamed) refreshes the list. Follows the project from now,
 * and re-reads the list whenever the feed (re)starts, so nothing between the first read and
 * the feed, or during a drop, is missed.
 */
export function useMemberEvents(projectId: string): void {
  const client = useTRPCClient();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  useEffect(() => {
    const refresh = () => {
      void queryClient.invalidateQueries(trpc.members.list.queryFilter({ projectId }));
      void queryClient.invalidateQueries(trpc.projects.get.queryFilter({ id: projectId }));
    };
    const subscription = client.events.project.subscribe(
      { projectId },
      {
        // Started (and restarted after a drop) from now: what changed before is read afresh.
        onStarted: refresh,
        onData: ({ data: event }) => {
          if (event.type.startsWith('member.') || event.type.startsWith('project.')) refresh();
        },
        // Removed from the project, or it was deleted: the refreshed queries say so.
        onError: refresh,
      },
    );
    return () => {
      subscription.unsubscribe();
    };
  }, [client, trpc, queryClient, projectId]);
}
