import {
  AppError,
  type Task,
  type TaskPriority,
  type TaskStatus,
  type TaskUpdatedPrevious,
} from '@taskboard/schema';
import { positionBetween } from './positions';
import { edgePosition } from './task-columns';
import { toTask } from './tasks';
import { isoOrNull } from './timestamps';
import type { Executor, TaskRow } from './types';
import type { UnitOfWork } from './unit-of-work';

/**
 * The membership row is locked (FOR KEY SHARE) until commit, so a concurrent `removeMember`
 * waits for this assignment and then unassigns it, instead of leaving a non-member assigned.
 */
export async function assertAssignable(
  db: Executor,
  projectId: string,
  assigneeId: string | null,
): Promise<void> {
  if (assigneeId === null) return;
  const member = await db
    .selectFrom('projectMembers')
    .select('userId')
    .where('projectId', '=', projectId)
    .where('userId', '=', assigneeId)
    .forKeyShare()
    .executeTakeFirst();
  if (!member) throw new AppError('BAD_REQUEST', 'The assignee must be a member of the project');
}

/**
 * Locks the task for the rest of the transaction and checks the caller's `expectedVersion`:
 * `NOT_FOUND` if it is gone, `CONFLICT` with the current task if it changed meanwhile. The
 * locked row is what a change's event reports as its previous values.
 */
export async function lockTask(
  uow: UnitOfWork,
  taskId: string,
  expectedVersion: number | undefined,
): Promise<TaskRow> {
  const row = await uow.trx
    .selectFrom('tasks')
    .selectAll()
    .where('id', '=', taskId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', 'Task not found');
  if (expectedVersion !== undefined && row.version !== expectedVersion) {
    throw new AppError('CONFLICT', 'The task was changed by someone else', {
      details: { task: toTask(row) },
    });
  }
  return row;
}

export interface TaskChanges {
  title?: string | undefined;
  description?: string | undefined;
  status?: TaskStatus | undefined;
  priority?: TaskPriority | undefined;
  assigneeId?: string | null | undefined;
  dueDate?: string | null | undefined;
}

/**
 * Applies the changes and bumps the version (recorded as `task.updated`, with the previous
 * value of each field that changed). A new status puts the task at the end of that column.
 * No changes (nothing given, or only the values the task already has): the task is returned
 * as it is, with no new version and no event.
 */
export async function updateTask(
  uow: UnitOfWork,
  taskId: string,
  changes: TaskChanges,
  expectedVersion?: number,
): Promise<Task> {
  const current = await lockTask(uow, taskId, expectedVersion);
  // Only values that differ are changes: re-sending the current ones is a no-op.
  const set: Partial<Omit<TaskRow, 'id' | 'statusRank' | 'priorityRank'>> = {};
  const previous: TaskUpdatedPrevious = {};
  if (changes.title !== undefined && changes.title !== current.title) {
    set.title = changes.title;
    previous.title = current.title;
  }
  if (changes.description !== undefined && changes.description !== current.description) {
    set.description = changes.description;
    previous.description = current.description;
  }
  if (changes.priority !== undefined && changes.priority !== current.priority) {
    set.priority = changes.priority;
    previous.priority = current.priority;
  }
  if (changes.assigneeId !== undefined && changes.assigneeId !== current.assigneeId) {
    await assertAssignable(uow.trx, current.projectId, changes.assigneeId);
    set.assigneeId = changes.assigneeId;
    previous.assigneeId = current.assigneeId;
  }
  if (changes.dueDate !== undefined) {
    const dueDate = changes.dueDate === null ? null : new Date(changes.dueDate);
    if (dueDate?.getTime() !== current.dueDate?.getTime()) {
      set.dueDate = dueDate;
      previous.dueDate = isoOrNull(current.dueDate);
    }
  }
  if (changes.status !== undefined && changes.status !== current.status) {
    set.status = changes.status;
    set.position = positionBetween(
      await edgePosition(uow.trx, current.projectId, changes.status, 'last', taskId),
      null,
      taskId,
    );
    previous.status = current.status;
    previous.position = current.position;
  }
  if (Object.keys(set).length === 0) return toTask(current);
  const row = await uow.trx
    .updateTable('tasks')
    .set({ ...set, version: current.version + 1, updatedAt: new Date() })
    .where('id', '=', taskId)
    .returningAll()
    .executeTakeFirstOrThrow();
  const task = toTask(row);
  // Addressed to the new assignee, or to the one who just lost the task.
  const recipient = task.assigneeId ?? current.assigneeId;
  uow.record(task.projectId, { type: 'task.updated', payload: { task, previous } }, recipient);
  return task;
}

/**
 * Deletes a task (recorded as `task.deleted`, with the task as it was: a board that never
 * loaded it still knows which column, and which filters, lose a card) and returns it.
 */
export async function deleteTask(
  uow: UnitOfWork,
  taskId: string,
  expectedVersion?: number,
): Promise<Task> {
  const current = await lockTask(uow, taskId, expectedVersion);
  await uow.trx.deleteFrom('tasks').where('id', '=', taskId).execute();
  const task = toTask(current);
  uow.record(
    task.projectId,
    { type: 'task.deleted', payload: { taskId, previous: task } },
    task.assigneeId,
  );
  return task;
}
