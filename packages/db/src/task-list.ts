import type { ListTasksInput, TaskList } from '@taskboard/schema';
import type { SelectQueryBuilder } from 'kysely';
import { statusRank, toTask } from './tasks';
import type { Database, Executor } from './types';

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
