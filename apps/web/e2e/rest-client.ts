// Setting the scene through the REST API (/api/v1) with a bearer token, so each spec spends
// its browser time on what it tests. Used by the global setup (Node's fetch) and the specs.
import { z } from 'zod';
import {
  boardSchema,
  taskSchema,
  type Board,
  type Task,
  type TaskPriority,
  type TaskStatus,
} from '@taskboard/schema';
import { registerUser as registerAccount, restCall as call } from '@taskboard/test-kit';

// A TestUser has the token and email these take: the kit's scene helpers serve as they are.
export { addMember, createProject } from '@taskboard/test-kit';
/** Tasks in the seeded big board (global-setup.ts). */
export const BIG_BOARD_TASKS = 5_000;
export const SESSION_COOKIE = 'taskboard_session';

/** A registered account and one of its session tokens. */
export const testUserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  token: z.string(),
});
export type TestUser = z.infer<typeof testUserSchema>;

/** Registers a new account (the test kit's: unique email, TEST_PASSWORD) and keeps its token. */
export async function registerUser(baseUrl: string, name: string): Promise<TestUser> {
  const account = await registerAccount(baseUrl, name);
  return { id: account.user.id, email: account.email, name, token: account.token };
}

export interface NewTask {
  title: string;
  status?: TaskStatus;
  priority?: TaskPriority;
  description?: string;
  assigneeId?: string | null;
  /** ISO timestamp. */
  dueDate?: string | null;
}

export async function createTask(
  baseUrl: string,
  user: TestUser,
  projectId: string,
  task: NewTask,
): Promise<Task> {
  const created = await call(
    baseUrl,
    'POST',
    '/project-management/tasks',
    user.token,
    z.object({ task: taskSchema }),
    { projectId, ...task },
  );
  return created.task;
}

/** Creates tasks one after another, so each lands below the one before in its column. */
export async function createTasks(
  baseUrl: string,
  user: TestUser,
  projectId: string,
  tasks: NewTask[],
): Promise<Task[]> {
  const created: Task[] = [];
  for (const task of tasks) created.push(await createTask(baseUrl, user, projectId, task));
  return created;
}

export async function getTask(baseUrl: string, user: TestUser, id: string): Promise<Task> {
  const found = await call(
    baseUrl,
    'GET',
    `/project-management/tasks/${id}`,
    user.token,
    z.object({ task: taskSchema }),
  );
  return found.task;
}

/** The board as the API serves it: first page of each column, counts of all. */
export async function getBoard(baseUrl: string, user: TestUser, projectId: string): Promise<Board> {
  const found = await call(
    baseUrl,
    'GET',
    `/projects/${projectId}/board`,
    user.token,
    z.object({ board: boardSchema }),
  );
  return found.board;
}

/** The last task of a column in board order. */
export async function lastTaskOf(
  baseUrl: string,
  user: TestUser,
  projectId: string,
  status: TaskStatus,
): Promise<Task> {
  const query = new URLSearchParams({
    projectId,
    status,
    sort: 'position',
    order: 'desc',
    limit: '1',
  });
  const list = await call(
    baseUrl,
    'GET',
    `/project-management/tasks?${query.toString()}`,
    user.token,
    z.object({ tasks: z.array(taskSchema) }),
  );
  const [task] = list.tasks;
  if (!task) throw new Error(`column ${status} is empty`);
  return task;
}

/** Moves a task through REST, as another app would (no neighbours: the server places it). */
export async function moveTask(
  baseUrl: string,
  user: TestUser,
  id: string,
  move: { status: TaskStatus; afterId?: string; beforeId?: string },
): Promise<Task> {
  const moved = await call(
    baseUrl,
    'POST',
    `/project-management/tasks/${id}/move`,
    user.token,
    z.object({ task: taskSchema }),
    move,
  );
  return moved.task;
}

export async function deleteTask(baseUrl: string, user: TestUser, id: string): Promise<void> {
  await call(baseUrl, 'DELETE', `/project-management/tasks/${id}`, user.token, z.unknown());
}

/** How many tasks of a column pass the filters (the `total` of tasks.list). */
export async function countTasks(
  baseUrl: string,
  user: TestUser,
  projectId: string,
  filters: { status: TaskStatus; priority?: TaskPriority },
): Promise<number> {
  const query = new URLSearchParams({ projectId, ...filters, limit: '1' });
  const list = await call(
    baseUrl,
    'GET',
    `/project-management/tasks?${query.toString()}`,
    user.token,
    z.object({ pagination: z.object({ total: z.number() }) }),
  );
  return list.pagination.total;
}
