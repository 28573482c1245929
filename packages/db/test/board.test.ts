import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  taskStatuses,
  type BoardColumn,
  type Project,
  type TaskStatus,
  type User,
} from '@taskboard/schema';
import {
  bulkLoadTasks,
  deleteTask,
  getBoardColumn,
  getBoardColumns,
  moveTask,
  runUnitOfWork,
  updateTask,
  type UnitOfWork,
} from '../src/index';
import { createTestDatabase, engine, type TestDatabase } from './support/database';
import { appErrorOf, makeProject, makeTask, makeUser } from './support/fixtures';

let handle: TestDatabase;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(() => handle.dispose());

async function setup(): Promise<{ owner: User; project: Project }> {
  const owner = await makeUser(handle.db, 'Owner');
  const project = await makeProject(handle.db, owner);
  return { owner, project };
}

function columnOf(columns: BoardColumn[], status: TaskStatus): BoardColumn {
  const column = columns.find((candidate) => candidate.status === status);
  if (!column) throw new Error(`no ${status} column`);
  return column;
}

/** The counts getBoardColumns reports, in column order. */
async function boardCounts(projectId: string): Promise<number[]> {
  const columns = await getBoardColumns(handle.db, projectId, 1);
  return columns.map((column) => column.count);
}

/** The counts as the rows themselves say, in column order. */
async function rowCounts(projectId: string): Promise<number[]> {
  const rows = await handle.db
    .selectFrom('tasks')
    .select(['status', (eb) => eb.fn.countAll().as('n')])
    .where('projectId', '=', projectId)
    .groupBy('status')
    .execute();
  return taskStatuses.map((status) => Number(rows.find((row) => row.status === status)?.n ?? 0));
}

/** Checks the board's counts against `expected` and against the rows. */
async function expectCounts(projectId: string, expected: number[]) {
  expect(await boardCounts(projectId)).toEqual(expected);
  expect(await rowCounts(projectId)).toEqual(expected);
}

/** A column's task ids in board order, computed here from the rows: by key (byte-wise), then id. */
async function expectedOrder(projectId: string, status: TaskStatus): Promise<string[]> {
  const rows = await handle.db
    .selectFrom('tasks')
    .select(['id', 'position'])
    .where('projectId', '=', projectId)
    .where('status', '=', status)
    .execute();
  const byteWise = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return rows
    .sort((a, b) => byteWise(a.position, b.position) || byteWise(a.id, b.id))
    .map((row) => row.id);
}

/** Every task of a column, page by page: the first from getBoardColumns, the rest by cursor. */
async function walkColumn(projectId: string, status: TaskStatus, limit: number) {
  const pages: BoardColumn[] = [
    columnOf(await getBoardColumns(handle.db, projectId, limit), status),
  ];
  for (let cursor = pages[0]?.nextCursor; cursor; cursor = pages.at(-1)?.nextCursor) {
    pages.push(await getBoardColumn(handle.db, projectId, status, cursor, limit));
    if (pages.length > 1000) throw new Error('the cursor never ends');
  }
  return pages;
}

function cursorOf(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe(`getBoardColumns (${engine})`, () => {
  it('an empty project has three empty columns, in board order', async () => {
    const { project } = await setup();
    await expect(getBoardColumns(handle.db, project.id, 200)).resolves.toEqual([
      { status: 'todo', count: 0, tasks: [], nextCursor: null },
      { status: 'in-progress', count: 0, tasks: [], nextCursor: null },
      { status: 'done', count: 0, tasks: [], nextCursor: null },
    ]);
  });

  it('returns each column in position order with its exact count', async () => {
    const { owner, project } = await setup();
    const todo = [
      await makeTask(handle.db, project, owner, { title: 'one' }),
      await makeTask(handle.db, project, owner, { title: 'two' }),
    ];
    const done = [await makeTask(handle.db, project, owner, { status: 'done' })];
    // Another project's tasks are not on this board.
    await makeTask(handle.db, await makeProject(handle.db, owner, [], 'Other'), owner);

    await expect(getBoardColumns(handle.db, project.id, 200)).resolves.toEqual([
      { status: 'todo', count: 2, tasks: todo, nextCursor: null },
      { status: 'in-progress', count: 0, tasks: [], nextCursor: null },
      { status: 'done', count: 1, tasks: done, nextCursor: null },
    ]);
  });

  it('limits each column to its first `limit` cards, with a cursor for the rest', async () => {
    const { owner, project } = await setup();
    for (let i = 0; i < 5; i++) await makeTask(handle.db, project, owner);
    for (let i = 0; i < 3; i++)
      await makeTask(handle.db, project, owner, { status: 'in-progress' });
    await makeTask(handle.db, project, owner, { status: 'done' });

    const columns = await getBoardColumns(handle.db, project.id, 3);

    const todo = columnOf(columns, 'todo');
    expect(todo.count).toBe(5);
    expect(todo.tasks.map((task) => task.id)).toEqual(
      (await expectedOrder(project.id, 'todo')).slice(0, 3),
    );
    expect(todo.nextCursor).toEqual(expect.any(String));
    // Exactly `limit` cards: no further page.
    expect(columnOf(columns, 'in-progress')).toMatchObject({ count: 3, nextCursor: null });
    expect(columnOf(columns, 'in-progress').tasks).toHaveLength(3);
    expect(columnOf(columns, 'done')).toMatchObject({ count: 1, nextCursor: null });
  });
});

describe(`column counts (${engine})`, () => {
  it('follow creates, status changes, moves and deletes', async () => {
    const { owner, project } = await setup();
    const inUnit = <T>(work: (uow: UnitOfWork) => Promise<T>) =>
      runUnitOfWork(handle.db, owner.id, work);

    const a = await makeTask(handle.db, project, owner);
    const b = await makeTask(handle.db, project, owner);
    const c = await makeTask(handle.db, project, owner, { status: 'in-progress' });
    await expectCounts(project.id, [2, 1, 0]);

    await inUnit((uow) => updateTask(uow, a.id, { status: 'done' }));
    await expectCounts(project.id, [1, 1, 1]);

    await inUnit((uow) => updateTask(uow, b.id, { title: 'Only the title' }));
    await expectCounts(project.id, [1, 1, 1]);

    await inUnit((uow) => moveTask(uow, b.id, { status: 'in-progress', beforeId: c.id }));
    await expectCounts(project.id, [0, 2, 1]);

    await inUnit((uow) => moveTask(uow, c.id, { status: 'in-progress' }));
    await expectCounts(project.id, [0, 2, 1]);

    await inUnit((uow) => deleteTask(uow, c.id));
    await expectCounts(project.id, [0, 1, 1]);

    await inUnit((uow) => deleteTask(uow, a.id));
    await inUnit((uow) => deleteTask(uow, b.id));
    await expectCounts(project.id, [0, 0, 0]);
  });

  it('do not change when a write is refused', async () => {
    const { owner, project } = await setup();
    const task = await makeTask(handle.db, project, owner);
    await runUnitOfWork(handle.db, owner.id, (uow) => updateTask(uow, task.id, { title: 'v2' }));

    const stale = runUnitOfWork(handle.db, owner.id, (uow) =>
      moveTask(uow, task.id, { status: 'done' }, 1),
    );
    expect((await appErrorOf(stale)).code).toBe('CONFLICT');
    await expectCounts(project.id, [1, 0, 0]);
  });

  it('follow bulkLoadTasks, added to what was there', async () => {
    const { owner, project } = await setup();
    await makeTask(handle.db, project, owner);
    await makeTask(handle.db, project, owner, { status: 'done' });

    await bulkLoadTasks(handle.db, {
      projectId: project.id,
      count: 300,
      createdById: owner.id,
      batchSize: 70,
    });

    const counts = await boardCounts(project.id);
    expect(counts.reduce((sum, n) => sum + n, 0)).toBe(302);
    expect(counts.every((n) => n > 1)).toBe(true);
    await expectCounts(project.id, counts);
  });
});

describe(`getBoardColumn (${engine})`, () => {
  it('walks a column page by page: every card once, in board order, ties by id', async () => {
    const { owner, project } = await setup();
    for (let i = 0; i < 23; i++) await makeTask(handle.db, project, owner, { title: `card ${i}` });
    // Equal keys, as concurrent moves into one gap leave them: the id orders them.
    const ids = await expectedOrder(project.id, 'todo');
    for (const [from, to] of [
      [3, 4],
      [5, 6],
      [5, 7],
      [20, 21],
      [20, 22],
    ] as const) {
      const source = await handle.db
        .selectFrom('tasks')
        .select('position')
        .where('id', '=', ids[from] ?? '')
        .executeTakeFirstOrThrow();
      await handle.db
        .updateTable('tasks')
        .set({ position: source.position })
        .where('id', '=', ids[to] ?? '')
        .execute();
    }
    const expected = await expectedOrder(project.id, 'todo');

    for (const limit of [1, 4, 7, 23, 50]) {
      const pages = await walkColumn(project.id, 'todo', limit);
      const walked = pages.flatMap((page) => page.tasks.map((task) => task.id));

      expect(walked).toEqual(expected);
      expect(pages).toHaveLength(Math.ceil(23 / limit));
      for (const page of pages.slice(0, -1)) expect(page.tasks).toHaveLength(limit);
      for (const page of pages) expect(page).toMatchObject({ status: 'todo', count: 23 });
      expect(pages.at(-1)?.nextCursor).toBeNull();
    }
  });

  it('walks every column of a bulk-loaded board', async () => {
    const { owner, project } = await setup();
    await bulkLoadTasks(handle.db, { projectId: project.id, count: 400, createdById: owner.id });

    const seen: string[] = [];
    for (const status of taskStatuses) {
      const pages = await walkColumn(project.id, status, 37);
      const walked = pages.flatMap((page) => page.tasks.map((task) => task.id));
      expect(walked).toEqual(await expectedOrder(project.id, status));
      expect(walked).toHaveLength(pages[0]?.count ?? -1);
      seen.push(...walked);
    }
    expect(new Set(seen).size).toBe(400);
  });

  it('refuses a cursor it did not make (BAD_REQUEST)', async () => {
    const { owner, project } = await setup();
    const task = await makeTask(handle.db, project, owner);
    const bad = [
      'not a cursor',
      '%%%',
      Buffer.from('not json').toString('base64url'),
      cursorOf({ position: task.position, id: task.id }),
      cursorOf([task.position]),
      cursorOf([task.position, task.id, 'extra']),
      cursorOf(['', task.id]),
      cursorOf([task.position, 'not-a-uuid']),
      cursorOf([1, task.id]),
    ];
    for (const cursor of bad) {
      const error = await appErrorOf(getBoardColumn(handle.db, project.id, 'todo', cursor, 10));
      expect({ cursor, code: error.code }).toEqual({ cursor, code: 'BAD_REQUEST' });
    }
    // The same shape as a real cursor is accepted: after the only card, nothing.
    await expect(
      getBoardColumn(handle.db, project.id, 'todo', cursorOf([task.position, task.id]), 10),
    ).resolves.toEqual({ status: 'todo', count: 1, tasks: [], nextCursor: null });
  });
});
