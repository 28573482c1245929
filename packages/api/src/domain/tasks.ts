import * as db from '@taskboard/db';
import {
  AppError,
  type Board,
  type BoardColumn,
  type BoardColumnInput,
  type BoardInput,
  type CreateTaskInput,
  type DeleteResult,
  type ListTasksInput,
  type MoveTaskInput,
  type Task,
  type TaskList,
  type TaskRefInput,
  type TaskWriteResult,
  type UpdateTaskInput,
  type User,
} from '@taskboard/schema';
import { requireProjectRole, requireTaskRole, type ReadDeps } from './access';
import { commitAs, withEventId, type CommitDeps } from './commit';

export async function listTasks(
  deps: ReadDeps,
  user: User,
  input: ListTasksInput,
): Promise<TaskList> {
  // A named project must be visible; without one the list covers the caller's projects.
  if (input.projectId !== undefined)
    await requireProjectRole(deps, user, input.projectId, 'viewer');
  return db.listTasks(deps.db, input, { userId: user.id, all: user.role === 'admin' });
}

export async function getTask(deps: ReadDeps, user: User, taskId: string): Promise<Task> {
  const { task } = await requireTaskRole(deps, user, taskId, 'viewer');
  return task;
}

export async function createTask(
  deps: CommitDeps,
  user: User,
  input: CreateTaskInput,
): Promise<TaskWriteResult> {
  const projectId = input.projectId ?? (await inboxOf(deps, user)).id;
  const { result: task, eventId } = await commitAs(
    deps,
    user,
    { projectId },
    'tasks',
    (uow, { project }) =>
      db.createTask(uow, {
        id: input.id,
        projectId: project.id,
        title: input.title,
        description: input.description,
        status: input.status,
        priority: input.priority,
        assigneeId: input.assigneeId,
        dueDate: input.dueDate,
        createdById: user.id,
        placement: input.placement,
      }),
  );
  if (eventId !== null || input.id === undefined) return { ...task, eventId };
  // A repeated create (same client id) committed nothing: it answers the first one's event,
  // so the client recognises that event on its feed whichever of the two it sees first.
  const original = await db.findTaskCreatedEvent(deps.db, task.id);
  return { ...task, eventId: original?.id ?? null };
}

async function inboxOf(deps: ReadDeps, user: User) {
  const inbox = await db.getInboxProject(deps.db, user.id);
  if (!inbox) throw new AppError('NOT_FOUND', 'You have no Inbox project');
  return inbox;
}

export async function updateTask(
  deps: CommitDeps,
  user: User,
  input: UpdateTaskInput,
): Promise<TaskWriteResult> {
  const { id, expectedVersion, ...changes } = input;
  const committed = await commitAs(deps, user, { taskId: id }, 'tasks', (uow) =>
    db.updateTask(uow, id, changes, expectedVersion),
  );
  return withEventId(committed);
}

export async function moveTask(
  deps: CommitDeps,
  user: User,
  input: MoveTaskInput,
): Promise<TaskWriteResult> {
  const { id, expectedVersion, ...move } = input;
  const committed = await commitAs(deps, user, { taskId: id }, 'tasks', (uow) =>
    db.moveTask(uow, id, move, expectedVersion),
  );
  return withEventId(committed);
}

export async function deleteTask(
  deps: CommitDeps,
  user: User,
  input: TaskRefInput,
): Promise<DeleteResult> {
  const { eventId } = await commitAs(deps, user, { taskId: input.id }, 'tasks', (uow) =>
    db.deleteTask(uow, input.id, input.expectedVersion),
  );
  return { id: input.id, eventId };
}

export async function getBoard(deps: ReadDeps, user: User, input: BoardInput): Promise<Board> {
  const { project } = await requireProjectRole(deps, user, input.projectId, 'viewer');
  // One snapshot: the counts hold exactly the events up to lastEventId, the feed the rest.
  const { columns, lastEventId } = await db.readBoard(deps.db, project.id, input.limit);
  return { project, columns, lastEventId };
}

export async function getBoardColumn(
  deps: ReadDeps,
  user: User,
  input: BoardColumnInput,
): Promise<BoardColumn> {
  await requireProjectRole(deps, user, input.projectId, 'viewer');
  return db.getBoardColumn(deps.db, input.projectId, input.status, input.cursor, input.limit);
}
