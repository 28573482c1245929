import { randomUUID } from 'node:crypto';
import {
  AppError,
  type ListTasksInput,
  type Task,
  type TaskList,
  type TaskPlacement,
  type TaskPriority,
  type TaskStatus,
} from '@taskboard/schema';
import type { SelectQueryBuilder } from 'kysely';
import { positionBetween } from './positions';
import { iso, isoOrNull } from './timestamps';
import type { Database, Executor, TaskRow } from './types';
import type { UnitOfWork } from './unit-of-work';

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

/** The first or last key of a column, to put a task before or after everything in it. */
async function edgePosition(
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

/**
 * The membership row is locked (FOR KEY SHARE) until commit, so a concurrent `removeMember`
 * waits for this assignment and then unassigns it, instead of leaving a non-member assigned.
 */
async function assertAssignable(db: Executor, projectId: string, assigneeId: string | null) {
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

export interface NewTask {
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

/** Puts a task at the top or the end of its column (recorded as `task.created`). */
export async function createTask(uow: UnitOfWork, input: NewTask): Promise<Task> {
  const { placement = 'bottom', ...values } = input;
  await assertAssignable(uow.trx, values.projectId, values.assigneeId);
  // The id is chosen here: the key ends with it (positions.ts), so no two tasks share a key.
  const id = randomUUID();
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
    .returningAll()
    .executeTakeFirstOrThrow();
  const task = toTask(row);
  uow.record(task.projectId, { type: 'task.created', payload: { task } }, task.assigneeId);
  return task;
}

/**
 * Locks the task for the rest of the transaction and checks the caller's `expectedVersion`:
 * `NOT_FOUND` if it is gone, `CONFLICT` with the current task if it changed meanwhile.
 */
async function lockTask(
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
 * Applies the changes and bumps the version (recorded as `task.updated`). A new status puts
 * the task at the end of that column. No changes (nothing given, or only the values the task
 * already has): the task is returned as it is, with no new version and no event.
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
  if (changes.title !== undefined && changes.title !== current.title) set.title = changes.title;
  if (changes.description !== undefined && changes.description !== current.description) {
    set.description = changes.description;
  }
  if (changes.priority !== undefined && changes.priority !== current.priority) {
    set.priority = changes.priority;
  }
  if (changes.assigneeId !== undefined && changes.assigneeId !== current.assigneeId) {
    await assertAssignable(uow.trx, current.projectId, changes.assigneeId);
    set.assigneeId = changes.assigneeId;
  }
  if (changes.dueDate !== undefined) {
    const dueDate = changes.dueDate === null ? null : new Date(changes.dueDate);
    if (dueDate?.getTime() !== current.dueDate?.getTime()) set.dueDate = dueDate;
  }
  if (changes.status !== undefined && changes.status !== current.status) {
    set.status = changes.status;
    set.position = positionBetween(
      await edgePosition(uow.trx, current.projectId, changes.status, 'last', taskId),
      null,
      taskId,
    );
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
  uow.record(task.projectId, { type: 'task.updated', payload: { task } }, recipient);
  return task;
}

export interface TaskMove {
  status: TaskStatus;
  afterId?: string | null | undefined;
  beforeId?: string | null | undefined;
}

/**
 * Moves a task into `status` between the named neighbours, rewriting only its own row
 * (recorded as `task.moved`). It lands between them, always: keys are unique (each ends with
 * its task's id, positions.ts), so there is room between any two neighbours. Two moves into
 * the same gap at once get keys with the same prefix, ordered by id: both succeed and every
 * reader sees the same order, and a later move can still go between them.
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
  uow.record(task.projectId, { type: 'task.moved', payload: { task } }, task.assigneeId);
  return task;
}

interface ColumnRef {
  projectId: string;
  status: TaskStatus;
  /** The task being moved: never its own neighbour. */
  taskId: string;
}

/** A neighbour's place in board order; it must be another task of the target column. */
async function neighbour(
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
async function nextKey(db: Executor, column: ColumnRef, key: string): Promise<string | null> {
  const row = await columnTasks(db, column)
    .select('position')
    .where('position', '>', key)
    .orderBy('position')
    .limit(1)
    .executeTakeFirst();
  return row?.position ?? null;
}

/** The greatest key in the column smaller than `key`, or null at the start. */
async function previousKey(db: Executor, column: ColumnRef, key: string): Promise<string | null> {
  const row = await columnTasks(db, column)
    .select('position')
    .where('position', '<', key)
    .orderBy('position', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.position ?? null;
}

/** Deletes a task (recorded as `task.deleted`) and returns it as it was. */
export async function deleteTask(
  uow: UnitOfWork,
  taskId: string,
  expectedVersion?: number,
): Promise<Task> {
  const current = await lockTask(uow, taskId, expectedVersion);
  await uow.trx.deleteFrom('tasks').where('id', '=', taskId).execute();
  const task = toTask(current);
  uow.record(task.projectId, { type: 'task.deleted', payload: { taskId } }, task.assigneeId);
  return task;
}

/** Who is listing: a member sees their projects' tasks, a global admin (`all`) every task. */
export interface TaskViewer {
  userId: string;
  all: boolean;
}

/** `%`, `_` and `\` in a search are literal characters, not patterns. */
function likePattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

type TaskQuery = SelectQueryBuilder<Database, 'tasks', object>;

function filteredTasks(db: Executor, input: ListTasksInput, viewer: TaskViewer): TaskQuery {
  let query: TaskQuery = db.selectFrom('tasks');
  if (!viewer.all) {
    query = query.where('projectId', 'in', (eb) =>
      eb.selectFrom('projectMembers').select('projectId').where('userId', '=', viewer.userId),
    );
  }
  if (input.projectId !== undefined) query = query.where('projectId', '=', input.projectId);
  // Filter on the rank so the board index (project, status_rank, position) serves the sort.
  if (input.status !== undefined) query = query.where('statusRank', '=', statusRank[input.status]);
  if (input.priority !== undefined) query = query.where('priority', '=', input.priority);
  if (input.assigneeId !== undefined) query = query.where('assigneeId', '=', input.assigneeId);
  if (input.search) {
    const pattern = likePattern(input.search);
    query = query.where((eb) =>
      eb.or([eb('title', 'ilike', pattern), eb('description', 'ilike', pattern)]),
    );
  }
  return query;
}

/**
 * The exact total. A whole project (or one of its columns) is read from the trigger-kept
 * counters instead of counting rows, so the common board-sized list costs the same at 100,000
 * tasks as at 100; any other filter counts the matching rows.
 */
async function countTasks(
  db: Executor,
  filtered: TaskQuery,
  input: ListTasksInput,
  viewer: TaskViewer,
): Promise<number> {
  const { projectId } = input;
  const wholeProject =
    input.priority === undefined && input.assigneeId === undefined && !input.search;
  if (projectId === undefined || !wholeProject) {
    const row = await filtered
      .select((eb) => eb.fn.countAll().as('total'))
      .executeTakeFirstOrThrow();
    return Number(row.total);
  }
  let query = db
    .selectFrom('projectTaskCounts')
    .select((eb) => eb.fn.coalesce(eb.fn.sum('count'), eb.lit(0)).as('total'))
    .where('projectId', '=', projectId);
  if (input.status !== undefined) query = query.where('status', '=', input.status);
  if (!viewer.all) {
    query = query.where('projectId', 'in', (eb) =>
      eb.selectFrom('projectMembers').select('projectId').where('userId', '=', viewer.userId),
    );
  }
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.total);
}

/**
 * One page of the tasks the viewer may see, filtered and sorted, with the exact total.
 * Sorts end with the id so that pages never overlap or skip on ties.
 */
export async function listTasks(
  db: Executor,
  input: ListTasksInput,
  viewer: TaskViewer,
): Promise<TaskList> {
  const base = filteredTasks(db, input, viewer);
  const dir = input.order;
  let page = base.selectAll();
  switch (input.sort) {
    case 'position':
      page = page.orderBy('statusRank', dir).orderBy('position', dir);
      break;
    case 'createdAt':
      page = page.orderBy('createdAt', dir);
      break;
    case 'dueDate':
      // Tasks without a due date come last either way.
      page = page.orderBy('dueDate', (ob) => (dir === 'asc' ? ob.asc() : ob.desc()).nullsLast());
      break;
    case 'priority':
      page = page.orderBy('priorityRank', dir);
      break;
  }
  const [rows, total] = await Promise.all([
    page
      .orderBy('id', dir)
      .limit(input.limit)
      .offset((input.page - 1) * input.limit)
      .execute(),
    countTasks(db, base, input, viewer),
  ]);
  return {
    tasks: rows.map(toTask),
    pagination: {
      page: input.page,
      limit: input.limit,
      total,
      totalPages: Math.ceil(total / input.limit),
    },
  };
}
