import { LIMITS, taskStatuses, type TaskStatus } from '@taskboard/schema';
import type { TaskboardClient } from '../client';
import type { BoardView } from './model';
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

/** How often a filtered view is read before it is taken although writes kept coming. */
const FILTERED_READ_TRIES = 3;

/**
 * Reads a board view. Unfiltered: `board.get` (first page of each column, counts and the event
 * cursor in one call). Filtered: each column from `tasks.list` with the filters, so the search
 * covers the whole project, not only the loaded cards. `tasks.list` names no event cursor, so
 * the project's cursor is read before and after the lists: equal, the lists are the state at
 * that event (later events then apply exactly once); different, a write landed in between and
 * would count twice, so the view is read again (a board that busy three times running is taken
 * as read, as at the first cursor).
 */
export async function fetchBoardView(
  client: TaskboardClient,
  projectId: string,
  filters: BoardFilters | null,
): Promise<BoardView> {
  if (!filters) {
    const board = await client.board.get.query({ projectId });
    return { ...board, filters: null, pending: [] };
  }
  const cursor = () => client.board.get.query({ projectId, limit: 1 });
  for (let attempt = 1; ; attempt += 1) {
    const board = await cursor();
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
    if (attempt < FILTERED_READ_TRIES && (await cursor()).lastEventId !== board.lastEventId) {
      continue;
    }
    return {
      project: board.project,
      lastEventId: board.lastEventId,
      filters,
      pending: [],
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
