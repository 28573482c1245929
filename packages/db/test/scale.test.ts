import { CompiledQuery, type LogEvent } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTasksInputSchema, type ListTasksInput } from '@taskboard/schema';
import { bulkLoadTasks, getBoardColumn, getBoardColumns, listTasks } from '../src/index';
import { createTestDatabase, engine, type TestDatabase } from './support/database';
import { makeProject, makeUser } from './support/fixtures';

const TASKS = 100_000;

let handle: TestDatabase;
let projectId: string;
let viewer: { userId: string; all: boolean };

/** Every query on tasks that a query function runs, captured through Kysely's log hook. */
let captured: CompiledQuery[] = [];
function capture(event: LogEvent) {
  if (event.level === 'query' && event.query.sql.includes('from "tasks"')) {
    captured.push(CompiledQuery.raw(event.query.sql, [...event.query.parameters]));
  }
}

/** Runs `work`, then EXPLAINs each tasks query it ran, with the same parameters. */
async function plansOf(work: () => Promise<unknown>): Promise<string[]> {
  captured = [];
  await work();
  const queries = captured;
  captured = [];
  const plans: string[] = [];
  for (const query of queries) {
    const result = await handle.db.executeQuery(
      CompiledQuery.raw(`explain ${query.sql}`, [...query.parameters]),
    );
    plans.push(result.rows.map((row) => Object.values(row ?? {}).join('')).join('\n'));
  }
  captured = [];
  return plans;
}

function list(input: Partial<ListTasksInput>) {
  return listTasks(handle.db, listTasksInputSchema.parse({ projectId, ...input }), viewer);
}

beforeAll(async () => {
  handle = await createTestDatabase({ log: capture });
  const owner = await makeUser(handle.db);
  const other = await makeUser(handle.db, 'Grace');
  const project = await makeProject(handle.db, owner, [[other, 'editor']]);
  // Another project, so that the project condition has rows to exclude.
  const noise = await makeProject(handle.db, owner, [], 'Noise');
  projectId = project.id;
  viewer = { userId: owner.id, all: false };
  await bulkLoadTasks(handle.db, {
    projectId,
    count: TASKS,
    createdById: owner.id,
    assigneeIds: [owner.id, other.id],
  });
  await bulkLoadTasks(handle.db, { projectId: noise.id, count: 5_000, createdById: owner.id });
  captured = [];
}, 600_000);
afterAll(() => handle.dispose());

describe(`${TASKS} tasks in one project (${engine})`, () => {
  it('counts every task exactly', async () => {
    const columns = await getBoardColumns(handle.db, projectId, 200);
    expect(columns.reduce((sum, column) => sum + column.count, 0)).toBe(TASKS);
    const listed = await list({ limit: 50 });
    expect(listed.pagination.total).toBe(TASKS);
    expect(listed.tasks).toHaveLength(50);
  });

  it('reads the board from the board index and the counters, never scanning tasks', async () => {
    const plans = await plansOf(() => getBoardColumns(handle.db, projectId, 200));
    expect(plans).toHaveLength(3);
    for (const plan of plans) {
      expect(plan).toContain('tasks_board_idx');
      expect(plan).not.toMatch(/Seq Scan on tasks|Sort/);
    }
  });

  it('pages a column by cursor from the board index', async () => {
    const first = await getBoardColumns(handle.db, projectId, 200);
    const cursor = first[1]?.nextCursor;
    expect(cursor).toBeTypeOf('string');
    const plans = await plansOf(() =>
      getBoardColumn(handle.db, projectId, 'in-progress', cursor ?? '', 200),
    );
    expect(plans).toHaveLength(1);
    expect(plans[0]).toContain('tasks_board_idx');
    expect(plans[0]).not.toMatch(/Seq Scan on tasks|Sort/);
  });

  it.each([
    ['position', 'tasks_board_idx'],
    ['createdAt', 'tasks_created_at_idx'],
    ['priority', 'tasks_priority_idx'],
  ] as const)('lists a page sorted by %s in index order (%s)', async (sort, index) => {
    const [page] = await plansOf(() => list({ sort, limit: 50 }));
    expect(page).toContain(index);
    expect(page).not.toMatch(/Seq Scan on tasks/);
  });

  it('filters a status from the board index', async () => {
    const [page] = await plansOf(() => list({ status: 'done', limit: 50 }));
    expect(page).toContain('tasks_board_idx');
    expect(page).not.toMatch(/Seq Scan on tasks/);
  });

  it('answers a selective search from the trigram indexes', async () => {
    const plans = await plansOf(() => list({ search: 'task that does not exist', limit: 50 }));
    const all = plans.join('\n');
    expect(all).toMatch(/tasks_title_trgm_idx/);
    expect(all).toMatch(/tasks_description_trgm_idx/);
    expect(all).not.toMatch(/Seq Scan on tasks/);
  });

  it('finds an assignee through an index', async () => {
    const [page] = await plansOf(() => list({ assigneeId: viewer.userId, limit: 50 }));
    expect(page).not.toMatch(/Seq Scan on tasks/);
  });
});
