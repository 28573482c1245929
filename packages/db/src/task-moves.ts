import { AppError, type Task, type TaskStatus } from '@taskboard/schema';
import { positionBetween } from './positions';
import { edgePosition, neighbour, nextKey, previousKey } from './task-columns';
import { lockTask } from './task-changes';
import { toTask } from './tasks';
import type { UnitOfWork } from './unit-of-work';

export interface TaskMove {
  status: TaskStatus;
  afterId?: string | null | undefined;
  beforeId?: string | null | undefined;
}

/**
 * Moves a task into `status` between the named neighbours, rewriting only its own row
 * (recorded as `task.moved`, with the column and key it had). It lands between them, always:
 * keys are unique (each ends with its task's id, positions.ts), so there is room between any
 * two neighbours. Two moves into the same gap at once get keys with the same prefix, ordered
 * by id: both succeed and every reader sees the same order, and a later move can still go
 * between them.
 */
export async function moveTask(
  uow: UnitOfWork,
  taskId: string,
  move: TaskMove,
  expectedVersion?: number,
): Promise<Task> {
  const current = await lockTask(uow, taskId, expectedVersion);
  const column = { projectId: current.projectId, status: move.status, taskId };
  const after = move.afterId ? await neighbour(uow.trx, column, move.afterId, 'afterId') : null;
  const before = move.beforeId ? await neighbour(uow.trx, column, move.beforeId, 'beforeId') : null;

  let lower: string | null;
  let upper: string | null;
  if (after !== null && before !== null) {
    // Board order is (position, id): between equal keys the id decides which comes first.
    const ordered =
      after.position < before.position ||
      (after.position === before.position && after.id < before.id);
    if (!ordered) throw new AppError('BAD_REQUEST', 'afterId must come before beforeId');
    lower = after.position;
    // Equal keys exist only in rows written before keys were unique, and migration 0002
    // split those; should one remain, the move lands right after the pair.
    upper =
      after.position === before.position
        ? await nextKey(uow.trx, column, after.position)
        : before.position;
  } else if (after !== null) {
    lower = after.position;
    upper = await nextKey(uow.trx, column, after.position);
  } else if (before !== null) {
    lower = await previousKey(uow.trx, column, before.position);
    upper = before.position;
  } else {
    lower = await edgePosition(uow.trx, current.projectId, move.status, 'last', taskId);
    upper = null;
  }

  const row = await uow.trx
    .updateTable('tasks')
    .set({
      status: move.status,
      position: positionBetween(lower, upper, taskId),
      version: current.version + 1,
      updatedAt: new Date(),
    })
    .where('id', '=', taskId)
    .returningAll()
    .executeTakeFirstOrThrow();
  const task = toTask(row);
  const previous = { status: current.status, position: current.position };
  uow.record(task.projectId, { type: 'task.moved', payload: { task, previous } }, task.assigneeId);
  return task;
}
