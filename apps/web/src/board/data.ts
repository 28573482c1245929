import type { QueryClient } from '@tanstack/react-query';
import { LIMITS, taskStatuses, type TaskStatus } from '@taskboard/schema';
import type { TaskboardClient } from '../client';
import { withCounts, type BoardView } from './model';
import type { BoardFilters } from './search';

/** tasks.list's largest page: a filtered column loads in pages of this size. */
const FILTERED_PAGE = LIMITS.pageLimitMax;

/** Every cached view of one project's board (one per filter set) starts with this key. */
export function boardKeyPrefix(projectId: string): readonly unknown[] {
  return ['board', projectId];
}

export function boardKey(projectId: string, filters: BoardFilters | null): readonly unknown[] {
  return ['board', projectId, filters ?? {}];
}

/**
 * Reads a board view. Unfiltered: `board.get` (first page of each column, counts and the event
 * cursor in one call). Filtered: the event cursor first, then each column from `tasks.list`
 * with the filters, so the search covers the whole project, not only the loaded cards; events
 * after the cursor that the lists already contain are skipped by version when they replay.
 */
export async function fetchBoardView(
  client: TaskboardClient,
  projectId: string,
  filters: BoardFilters | null,
): Promise<BoardView> {
  if (!filters) {
    const board = await client.board.get.query({ projectId });
    return { ...board, filters: null };
  }
  const board = await client.board.get.query({ projectId, limit: 1 });
  const lists = await Promise.all(
    taskStatuses.map((status) =>
      client.tasks.list.query({
        projectId,
        status,
        ...filters,
        sort: 'position',
        limit: FILTERED_PAGE,
      }),
    ),
  );
  return {
    project: board.project,
    lastEventId: board.lastEventId,
    filters,
    columns: taskStatuses.map((status, index) => {
      const list = lists[index];
      return {
        status,
        tasks: list?.tasks ?? [],
        count: list?.pagination.total ?? 0,
        nextCursor: list && list.pagination.totalPages > 1 ? '2' : null,
      };
    }),
  };
}

/** The next page of one column: by the board's cursor, or the next tasks.list page. */
export async function fetchMoreTasks(
  client: TaskboardClient,
  view: BoardView,
  status: TaskStatus,
  cursor: string,
): Promise<{ tasks: BoardView['columns'][number]['tasks']; nextCursor: string | null }> {
  if (!view.filters) {
    const column = await client.board.column.query({ projectId: view.project.id, status, cursor });
    return { tasks: column.tasks, nextCursor: column.nextCursor };
  }
  const page = Number(cursor);
  const list = await client.tasks.list.query({
    projectId: view.project.id,
    status,
    ...view.filters,
    sort: 'position',
    limit: FILTERED_PAGE,
    page,
  });
  return {
    tasks: list.tasks,
    nextCursor: page < list.pagination.totalPages ? String(page + 1) : null,
  };
}

/**
 * Re-reads the column counts of every cached view of a project, for when a live change
 * moved a task none of them had loaded (its old column is unknown). Counts read from the
 * server are only taken if they describe what the view shows: no event applied meanwhile
 * (or, unfiltered, exactly the events up to the server's cursor) and no write of ours in
 * flight. Otherwise it answers false and the caller asks again a little later.
 */
export async function refreshCounts(
  queryClient: QueryClient,
  client: TaskboardClient,
  projectId: string,
): Promise<boolean> {
  const cursor = async () => (await client.board.get.query({ projectId, limit: 1 })).lastEventId;
  const views = queryClient.getQueriesData<BoardView>({ queryKey: boardKeyPrefix(projectId) });
  const settled = await Promise.all(
    views.map(async ([key, view]) => {
      if (!view) return true;
      const filters = view.filters;
      let counts: Partial<Record<TaskStatus, number>>;
      let upTo: number;
      if (!filters) {
        const board = await client.board.get.query({ projectId, limit: 1 });
        counts = Object.fromEntries(board.columns.map((column) => [column.status, column.count]));
        upTo = board.lastEventId;
      } else {
        // tasks.list names no cursor: read the project's before and after, and trust the
        // lists only if nothing was written in between.
        const before = await cursor();
        const lists = await Promise.all(
          taskStatuses.map((status) =>
            client.tasks.list.query({ projectId, status, ...filters, limit: 1 }),
          ),
        );
        if ((await cursor()) !== before) return false;
        counts = Object.fromEntries(
          taskStatuses.map((status, index) => [status, lists[index]?.pagination.total ?? 0]),
        );
        upTo = before;
      }
      const current = queryClient.getQueryData<BoardView>(key);
      if (current?.lastEventId !== upTo || queryClient.isMutating() > 0) return false;
      queryClient.setQueryData<BoardView>(key, withCounts(current, counts));
      return true;
    }),
  );
  return settled.every(Boolean);
}

/** How long count refreshes wait to gather a burst of changes into one. */
const COUNTS_DEBOUNCE_MS = 300;
/** A busy board may keep moving under a count refresh; it gives up after this many tries. */
const MAX_COUNT_ATTEMPTS = 5;
const countTimers = new Map<string, ReturnType<typeof setTimeout>>();

/**
 * Asks for a count refresh of a project's views soon (debounced, retried while the board
 * keeps changing): for any change, live or our own, that touched a task no view had loaded.
 */
export function scheduleCountRefresh(
  queryClient: QueryClient,
  client: TaskboardClient,
  projectId: string,
  attempt = 0,
): void {
  clearTimeout(countTimers.get(projectId));
  countTimers.set(
    projectId,
    setTimeout(() => {
      countTimers.delete(projectId);
      refreshCounts(queryClient, client, projectId)
        .then((settled) => {
          if (!settled && attempt < MAX_COUNT_ATTEMPTS) {
            scheduleCountRefresh(queryClient, client, projectId, attempt + 1);
          }
        })
        .catch(() => {
          // Counts stay as they are; the next uncertain change or a reload corrects them.
        });
    }, COUNTS_DEBOUNCE_MS),
  );
}

export function cancelCountRefresh(projectId: string): void {
  clearTimeout(countTimers.get(projectId));
  countTimers.delete(projectId);
}
