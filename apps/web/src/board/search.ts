import { z } from 'zod';
import {
  idSchema,
  LIMITS,
  taskPrioritySchema,
  type Task,
  type TaskPriority,
} from '@taskboard/schema';

/**
 * The board's URL search: filters and the open task. A bad value (a hand-edited URL) is
 * dropped rather than failing the page.
 */
export const boardSearchSchema = z.object({
  q: z.string().max(LIMITS.searchMax).optional().catch(undefined),
  assignee: idSchema.optional().catch(undefined),
  priority: taskPrioritySchema.optional().catch(undefined),
  task: idSchema.optional().catch(undefined),
});
export type BoardSearch = z.infer<typeof boardSearchSchema>;

/** The filters part of the search; null when nothing is filtered. */
export interface BoardFilters {
  search?: string;
  assigneeId?: string;
  priority?: TaskPriority;
}

export function filtersOf(search: BoardSearch): BoardFilters | null {
  const filters: BoardFilters = {};
  const text = search.q?.trim();
  if (text) filters.search = text;
  if (search.assignee) filters.assigneeId = search.assignee;
  if (search.priority) filters.priority = search.priority;
  return Object.keys(filters).length > 0 ? filters : null;
}

/**
 * Whether a task passes the filters: the same rules as `tasks.list` on the server
 * (case-insensitive text in title or description), so live changes land in filtered views
 * exactly where a reload would put them.
 */
export function matchesFilters(task: Task, filters: BoardFilters | null): boolean {
  if (!filters) return true;
  if (filters.assigneeId && task.assigneeId !== filters.assigneeId) return false;
  if (filters.priority && task.priority !== filters.priority) return false;
  if (filters.search) {
    const needle = filters.search.toLowerCase();
    return (
      task.title.toLowerCase().includes(needle) || task.description.toLowerCase().includes(needle)
    );
  }
  return true;
}
