import type { Task, TaskStatus } from '@taskboard/schema';
import { iso, isoOrNull } from './timestamps';
import type { Executor, TaskRow } from './types';

/**
 * Tasks, one module per seam: this one maps rows and reads one task; `task-create.ts` adds
 * tasks (idempotently, by id), `task-changes.ts` updates and deletes them, `task-moves.ts`
 * moves them between neighbours, `task-list.ts` lists them.
 */

/** Mirrors the generated column `tasks.status_rank` (migration 0001): the board's column order. */
export const statusRank: Record<TaskStatus, number> = { todo: 0, 'in-progress': 1, done: 2 };

export function toTask(row: TaskRow): Task {
  return {
    id: row.id,
    projectId: row.projectId,
    title: row.title,
    description: row.description,
    status: row.status,
    priority: row.priority,
    assigneeId: row.assigneeId,
    dueDate: isoOrNull(row.dueDate),
    position: row.position,
    version: row.version,
    createdById: row.createdById,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export async function getTask(db: Executor, taskId: string): Promise<Task | null> {
  const row = await db.selectFrom('tasks').selectAll().where('id', '=', taskId).executeTakeFirst();
  return row ? toTask(row) : null;
}
