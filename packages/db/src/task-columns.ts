import { AppError, type TaskStatus } from '@taskboard/schema';
import { statusRank } from './tasks';
import type { Executor } from './types';

/** Where tasks stand in a column (board order is (position, id)): what placing a task reads. */

/** The first or last key of a column, to put a task before or after everything in it. */
export async function edgePosition(
  db: Executor,
  projectId: string,
  status: TaskStatus,
  edge: 'first' | 'last',
  excludeTaskId?: string,
): Promise<string | null> {
  const direction = edge === 'first' ? 'asc' : 'desc';
  let query = db
    .selectFrom('tasks')
    .select('position')
    .where('projectId', '=', projectId)
    .where('statusRank', '=', statusRank[status]);
  if (excludeTaskId !== undefined) query = query.where('id', '!=', excludeTaskId);
  const row = await query
    .orderBy('position', direction)
    .orderBy('id', direction)
    .limit(1)
    .executeTakeFirst();
  return row?.position ?? null;
}

export interface ColumnRef {
  projectId: string;
  status: TaskStatus;
  /** The task being moved: never its own neighbour. */
  taskId: string;
}

/** A neighbour's place in board order; it must be another task of the target column. */
export async function neighbour(
  db: Executor,
  column: ColumnRef,
  neighbourId: string,
  field: 'afterId' | 'beforeId',
): Promise<{ id: string; position: string }> {
  const row = await db
    .selectFrom('tasks')
    .select(['id', 'position'])
    .where('id', '=', neighbourId)
    .where('id', '!=', column.taskId)
    .where('projectId', '=', column.projectId)
    .where('statusRank', '=', statusRank[column.status])
    .executeTakeFirst();
  if (!row) {
    throw new AppError('BAD_REQUEST', `${field} must be another task in the target column`);
  }
  return row;
}

function columnTasks(db: Executor, column: ColumnRef) {
  return db
    .selectFrom('tasks')
    .where('projectId', '=', column.projectId)
    .where('statusRank', '=', statusRank[column.status])
    .where('id', '!=', column.taskId);
}

/** The smallest key in the column greater than `key`, or null at the end. */
export async function nextKey(
  db: Executor,
  column: ColumnRef,
  key: string,
): Promise<string | null> {
  const row = await columnTasks(db, column)
    .select('position')
    .where('position', '>', key)
    .orderBy('position')
    .limit(1)
    .executeTakeFirst();
  return row?.position ?? null;
}

/** The greatest key in the column smaller than `key`, or null at the start. */
export async function previousKey(
  db: Executor,
  column: ColumnRef,
  key: string,
): Promise<string | null> {
  const row = await columnTasks(db, column)
    .select('position')
    .where('position', '<', key)
    .orderBy('position', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.position ?? null;
}
