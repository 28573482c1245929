import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { appErrorOf, type ShownError } from '../errors';
import { useTRPC, useTRPCClient } from '../trpc';
import type { ProjectEvent } from '@taskboard/schema';
import { boardKeyPrefix } from './data';
import { applyEvent, type BoardView } from './model';

/** How many received events are kept for views that load later (see `catchUp`). */
const RECEIVED_KEPT = 1_000;

/**
 * Keeps every cached view of a project's board current: one `events.project` subscription,
 * started from the event cursor of the board as first read. The WebSocket link resumes it
 * from the last event id after any disconnect, so nothing is missed and nothing doubles.
 * `onLost` hears when the subscription ends for good (project deleted, access removed).
 */
export function useProjectEvents(
  projectId: string,
  ready: boolean,
  onLost: (error: ShownError) => void,
): void {
  const client = useTRPCClient();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const onLostRef = useRef(onLost);
  useEffect(() => {
    onLostRef.current = onLost;
  }, [onLost]);

  useEffect(() => {
    if (!ready) return;
    const views = queryClient.getQueriesData<BoardView>({ queryKey: boardKeyPrefix(projectId) });
    const cursors = views.flatMap(([, view]) => (view ? [view.lastEventId] : []));
    if (cursors.length === 0) return;
    const prefix = boardKeyPrefix(projectId);
    /**
     * Applies events to every cached view. An event too old to carry previous values, about
     * a task a view never loaded, leaves that view's counts unknown: it is read again (the
     * events after its new cursor then replay into it, below).
     */
    const apply = (events: readonly ProjectEvent[]) => {
      for (const [key, view] of queryClient.getQueriesData<BoardView>({ queryKey: prefix })) {
        const missed = view ? events.filter((event) => event.id > view.lastEventId) : [];
        if (!view || missed.length === 0) continue;
        let shown = view;
        let exact = true;
        for (const event of missed) {
          const change = applyEvent(shown, event);
          shown = change.view;
          exact &&= change.exact;
        }
        queryClient.setQueryData<BoardView>(key, shown);
        if (!exact) void queryClient.refetchQueries({ queryKey: key, exact: true });
      }
    };
    // The events received so far, for views read while the subscription runs (other filters):
    // their data can arrive after events newer than their cursor, which then replay into them.
    const received: ProjectEvent[] = [];
    const catchUp = queryClient.getQueryCache().subscribe((cacheEvent) => {
      if (cacheEvent.type === 'updated') apply(received);
    });
    const subscription = client.events.project.subscribe(
      { projectId, lastEventId: Math.min(...cursors) },
      {
        onData: ({ data: event }) => {
          received.push(event);
          if (received.length > RECEIVED_KEPT) received.shift();
          apply([event]);
          if (event.type.startsWith('member.')) {
            void queryClient.invalidateQueries({
              queryKey: trpc.members.list.queryKey({ projectId }),
            });
            void queryClient.invalidateQueries({
              queryKey: trpc.projects.get.queryKey({ id: projectId }),
            });
          }
          if (event.type === 'project.deleted') {
            onLostRef.current({
              code: 'NOT_FOUND',
              message: 'This project was deleted.',
              fields: {},
              current: null,
            });
          }
        },
        onError: (error) => {
          onLostRef.current(appErrorOf(error));
        },
      },
    );
    return () => {
      catchUp();
      subscription.unsubscribe();
    };
  }, [client, trpc, queryClient, projectId, ready]);
}
