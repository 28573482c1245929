import { randomUUID } from 'node:crypto';
import {
  AppError,
  type Task,
  type TaskPlacement,
  type TaskPriority,
  type TaskStatus,
} from '@taskboard/schema';
import { findTaskCreatedEvent } from './events';
import { positionBetween } from './positions';
import { assertAssignable } from './task-changes';
import { edgePosition } from './task-columns';
import { toTask } from './tasks';
import type { Executor } from './types';
import type { UnitOfWork } from './unit-of-work';

export interface NewTask {
  /**
   * A client-chosen id. Creating it again is idempotent (see `createTask`); absent, one is
   * chosen here.
   */
  id?: string | undefined;
  projectId: string;
  title: string;
  description: string;
  status: TaskStatus;
  priority: TaskPriority;
  assigneeId: string | null;
  dueDate: string | null;
  createdById: string | null;
  /** Where in its column: first, or (default) last. */
  placement?: TaskPlacement;
}

/**
 * Puts a task at the top or the end of its column (recorded as `task.created`).
 *
 * With a client-chosen id, a create may arrive twice (a retry after a lost answer, an outbox
 * sent again): the insert skips on the id's key (ON CONFLICT DO NOTHING, so two at once
 * leave one row: the second waits for the first's commit, then skips), and the second answer
 * is the task as it is now, with no event. Refused with `CONFLICT`, writing nothing:
 * - the id is another project's task (which project is not said);
 * - the id was a task that has been deleted (its `task.created` is still in the log): a late
 *   retry must not bring back a task someone deleted;
 * - the same id with a different task (title, description, status, priority, assignee, due
 *   date or creator differ from what it was first created with): an idempotency key reused
 *   for another request is a client bug, and answering the first task would hide it.
 */
export async function createTask(uow: UnitOfWork, input: NewTask): Promise<Task> {
  const { placement = 'bottom', id: chosenId, ...values } = input;
  await assertAssignable(uow.trx, values.projectId, values.assigneeId);
  // The key ends with the id (positions.ts), so no two tasks share a key.
  const id = chosenId ?? randomUUID();
  const position =
    placement === 'top'
      ? positionBetween(
          null,
          await edgePosition(uow.trx, values.projectId, values.status, 'first'),
          id,
        )
      : positionBetween(
          await edgePosition(uow.trx, values.projectId, values.status, 'last'),
          null,
          id,
        );
  const row = await uow.trx
    .insertInto('tasks')
    .values({
      id,
      ...values,
      dueDate: values.dueDate === null ? null : new Date(values.dueDate),
      position,
    })
    .onConflict((conflict) => conflict.column('id').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) return repeatedCreate(uow.trx, id, input);
  if (chosenId !== undefined && (await findTaskCreatedEvent(uow.trx, id))) {
    // Throwing rolls the insert back.
    throw new AppError('CONFLICT', ID_TAKEN);
  }
  const task = toTask(row);
  uow.record(task.projectId, { type: 'task.created', payload: { task } }, task.assigneeId);
  return task;
}

/** One message for another project's id and a deleted task's: neither is revealed. */
const ID_TAKEN = 'This task id is already taken';

/** The answer to a create whose id names an existing task (see `createTask`). */
async function repeatedCreate(db: Executor, id: string, input: NewTask): Promise<Task> {
  const row = await db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst();
  if (row?.projectId !== input.projectId) throw new AppError('CONFLICT', ID_TAKEN);
  const task = toTask(row);
  // What it was created with: the task may have changed since, a repeat of its create has not.
  const original = (await findTaskCreatedEvent(db, id))?.task ?? task;
  if (!sameCreate(original, input)) {
    throw new AppError('CONFLICT', 'This task id was used for a different task');
  }
  return task;
}

function sameCreate(task: Task, input: NewTask): boolean {
  return (
    task.title === input.title &&
    task.description === input.description &&
    task.status === input.status &&
    task.priority === input.priority &&
    task.assigneeId === input.assigneeId &&
    task.dueDate === input.dueDate &&
    task.createdById === input.createdById
  );
}
