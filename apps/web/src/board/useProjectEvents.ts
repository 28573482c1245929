import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { appErrorOf, type ShownError } from '../errors';
import { useTRPC, useTRPCClient } from '../trpc';
import { boardKeyPrefix, cancelCountRefresh, scheduleCountRefresh } from './data';
import { takeDraftFor } from './drafts';
import type { ProjectEvent } from '@taskboard/schema';
import { applyEvent, withoutTask, type BoardView } from './model';

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
    const scheduleCounts = () => {
      scheduleCountRefresh(queryClient, client, projectId);
    };
    // The events received so far, for views read while the subscription runs (other filters):
    // their data can arrive after events newer than their cursor, which then replay into them.
    const received: ProjectEvent[] = [];
    const prefix = boardKeyPrefix(projectId);
    const catchUp = queryClient.getQueryCache().subscribe((cacheEvent) => {
      if (cacheEvent.type !== 'updated') return;
      for (const [key, view] of queryClient.getQueriesData<BoardView>({ queryKey: prefix })) {
        const missed = view ? received.filter((event) => event.id > view.lastEventId) : [];
        if (!view || missed.length === 0) continue;
        let shown = view;
        let uncertain = false;
        for (const event of missed) {
          const change = applyEvent(shown, event);
          shown = change.view;
          uncertain ||= change.countsUncertain;
        }
        queryClient.setQueryData<BoardView>(key, shown);
        if (uncertain) scheduleCounts();
      }
    });
    const subscription = client.events.project.subscribe(
      { projectId, lastEventId: Math.min(...cursors) },
      {
        onData: ({ data: event }) => {
          received.push(event);
          if (received.length > RECEIVED_KEPT) received.shift();
          // An object: a plain `let` set inside the callback reads as always-false to the linter.
          const counts = { uncertain: false };
          // Our own quick add, answered by its event first: the saved task replaces the draft.
          const draftId =
            event.type === 'task.created' ? takeDraftFor(event.payload.task) : undefined;
          queryClient.setQueriesData<BoardView>({ queryKey: boardKeyPrefix(projectId) }, (view) => {
            if (!view) return view;
            const change = applyEvent(draftId ? withoutTask(view, draftId).view : view, event);
            counts.uncertain ||= change.countsUncertain;
            return change.view;
          });
          if (counts.uncertain) scheduleCounts();
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
      cancelCountRefresh(projectId);
      catchUp();
      subscription.unsubscribe();
    };
  }, [client, trpc, queryClient, projectId, ready]);
}
