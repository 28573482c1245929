import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  listTasksInputSchema,
  taskPriorities,
  taskSorts,
  taskStatuses,
  type ListTasksInput,
  type Project,
  type Task,
  type TaskList,
  type User,
} from '@taskboard/schema';
import { bulkLoadTasks, listTasks, toTask, type NewTask, type TaskViewer } from '../src/index';
import { createTestDatabase, engine, type TestDatabase } from './support/database';
import { makeProject, makeTask, makeUser } from './support/fixtures';

let handle: TestDatabase;

/** Owns Printer and Spares; Grace is an editor of Printer; Linus only has Garage. */
let ada: User;
let grace: User;
let linus: User;
let printer: Project;
let spares: Project;
let garage: Project;
/** Every task of each project, as stored. */
let printerTasks: Task[];
let sparesTasks: Task[];
let garageTasks: Task[];

const viewerOf = (user: User): TaskViewer => ({ userId: user.id, all: false });
const admin = (user: User): TaskViewer => ({ userId: user.id, all: true });

/** Cards whose text exercises search: literal `%`, `_`, `\` next to near misses. */
const searchable: Partial<NewTask>[] = [
  { title: 'Print at 100% infill' },
  { title: 'Print at 100 percent infill' },
  { title: 'Tune z_offset' },
  { title: 'Tune zXoffset' },
  { title: 'Back up config', description: 'Copy C:\\firmware\\config.h' },
  { title: 'Flash firmware' },
  { title: 'Calibrate EXTRUDER' },
  { title: 'Level the bed', description: 'then calibrate the bed mesh' },
];

const DAY_MS = 86_400_000;
const BASE_MS = Date.UTC(2030, 0, 1);

/** 24 Printer tasks with every status, priority and assignee, and ties in every sort key. */
async function seedPrinter(): Promise<Task[]> {
  const tasks: Task[] = [];
  for (let i = 0; i < 24; i++) {
    tasks.push(
      await makeTask(handle.db, printer, ada, {
        title: `Task ${i}`,
        status: taskStatuses[i % 3] ?? 'todo',
        priority: taskPriorities[(i * 7) % 3] ?? 'medium',
        assigneeId: i % 4 === 0 ? grace.id : i % 4 === 1 ? ada.id : null,
        dueDate: i % 3 === 0 ? null : new Date(BASE_MS + ((i * 5) % 7) * DAY_MS).toISOString(),
        ...searchable[i],
      }),
    );
  }
  // Creation times with ties (six distinct values).
  for (const [i, task] of tasks.entries()) {
    await handle.db
      .updateTable('tasks')
      .set({ createdAt: new Date(BASE_MS + (i % 6) * 1000) })
      .where('id', '=', task.id)
      .execute();
  }
  // Two cards of one column with the same key, as concurrent moves into one gap leave them.
  const [first, , , second] = tasks;
  if (first && second) {
    await handle.db
      .updateTable('tasks')
      .set({ position: first.position })
      .where('id', '=', second.id)
      .execute();
  }
  return storedTasks(printer);
}

async function storedTasks(project: Project): Promise<Task[]> {
  const rows = await handle.db
    .selectFrom('tasks')
    .selectAll()
    .where('projectId', '=', project.id)
    .execute();
  return rows.map(toTask);
}

beforeAll(async () => {
  handle = await createTestDatabase();
  ada = await makeUser(handle.db, 'Ada');
  grace = await makeUser(handle.db, 'Grace');
  linus = await makeUser(handle.db, 'Linus');
  printer = await makeProject(handle.db, ada, [[grace, 'editor']], 'Printer');
  spares = await makeProject(handle.db, ada, [], 'Spares');
  garage = await makeProject(handle.db, linus, [], 'Garage');
  printerTasks = await seedPrinter();
  for (const title of ['Order nozzles', 'Order belts', 'Order a PSU', 'Calibrate the scale']) {
    await makeTask(handle.db, spares, ada, { title });
  }
  sparesTasks = await storedTasks(spares);
  for (const title of ['Calibrate the lathe', 'Sweep the floor', 'Print 100% of the parts']) {
    await makeTask(handle.db, garage, linus, { title, status: 'done' });
  }
  garageTasks = await storedTasks(garage);
});
afterAll(() => handle.dispose());

function list(viewer: TaskViewer, input: Partial<ListTasksInput> = {}): Promise<TaskList> {
  return listTasks(handle.db, listTasksInputSchema.parse(input), viewer);
}

/** Every page of a list, from page 1 until totalPages, each checked for a consistent total. */
async function listAllPages(viewer: TaskViewer, input: Partial<ListTasksInput>, limit: number) {
  const first = await list(viewer, { ...input, limit, page: 1 });
  const { total, totalPages } = first.pagination;
  expect(totalPages).toBe(Math.ceil(total / limit));
  if (totalPages === 0) expect(first.tasks).toEqual([]);
  const pages = [first];
  for (let page = 2; page <= totalPages; page++) {
    pages.push(await list(viewer, { ...input, limit, page }));
  }
  for (const [i, page] of pages.entries()) {
    if (totalPages === 0) break;
    expect(page.pagination).toEqual({ page: i + 1, limit, total, totalPages });
    expect(page.tasks).toHaveLength(i + 1 < totalPages ? limit : total - limit * (totalPages - 1));
  }
  return pages.flatMap((page) => page.tasks);
}

const ids = (tasks: Task[]) => tasks.map((task) => task.id);

function byteWise(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const statusRank = { todo: 0, 'in-progress': 1, done: 2 } as const;
const priorityRank = { low: 0, medium: 1, high: 2 } as const;

/** The order the list must have, computed here: the sort key, then the id; no due date last. */
function sorted(
  tasks: readonly Task[],
  sort: ListTasksInput['sort'] = 'position',
  order: ListTasksInput['order'] = 'asc',
): Task[] {
  const primary = (a: Task, b: Task): number => {
    switch (sort) {
      case 'position':
        return statusRank[a.status] - statusRank[b.status] || byteWise(a.position, b.position);
      case 'createdAt':
        return Date.parse(a.createdAt) - Date.parse(b.createdAt);
      case 'dueDate':
        return Date.parse(a.dueDate ?? '') - Date.parse(b.dueDate ?? '') || 0;
      case 'priority':
        return priorityRank[a.priority] - priorityRank[b.priority];
    }
  };
  return [...tasks].sort((a, b) => {
    if (sort === 'dueDate' && (a.dueDate === null) !== (b.dueDate === null)) {
      return a.dueDate === null ? 1 : -1;
    }
    const ascending = primary(a, b) || byteWise(a.id, b.id);
    return order === 'asc' ? ascending : -ascending;
  });
}

/** What a case-insensitive search must find. */
function matches(search: string) {
  const needle = search.toLowerCase();
  return (task: Task) =>
    task.title.toLowerCase().includes(needle) || task.description.toLowerCase().includes(needle);
}

describe(`listTasks pagination (${engine})`, () => {
  it('gives the exact total and totalPages, and pages that add up to the whole list', async () => {
    for (const limit of [1, 5, 7, 24, 100]) {
      const all = await listAllPages(viewerOf(ada), { projectId: printer.id }, limit);
      expect(ids(all)).toEqual(ids(sorted(printerTasks)));
    }
  });

  it('defaults to page 1 of 20', async () => {
    const result = await list(viewerOf(ada), { projectId: printer.id });
    expect(result.pagination).toEqual({ page: 1, limit: 20, total: 24, totalPages: 2 });
    expect(ids(result.tasks)).toEqual(ids(sorted(printerTasks).slice(0, 20)));
  });

  it('answers a page beyond the end with no tasks but the right total', async () => {
    for (const page of [2, 3, 50]) {
      await expect(
        list(viewerOf(ada), { projectId: printer.id, limit: 24, page }),
      ).resolves.toEqual({
        tasks: [],
        pagination: { page, limit: 24, total: 24, totalPages: 1 },
      });
    }
    await expect(
      list(viewerOf(ada), { projectId: printer.id, priority: 'high', search: 'Task', page: 9 }),
    ).resolves.toMatchObject({ tasks: [], pagination: { page: 9, totalPages: 1 } });
  });

  it('answers an empty list with total 0 and no pages', async () => {
    const inbox = await list(viewerOf(ada), { search: 'no such card anywhere' });
    expect(inbox).toEqual({
      tasks: [],
      pagination: { page: 1, limit: 20, total: 0, totalPages: 0 },
    });
  });

  it('accepts limits from 1 to 100 only', async () => {
    const bulk = await makeProject(handle.db, ada, [], 'Bulk');
    await bulkLoadTasks(handle.db, { projectId: bulk.id, count: 150, createdById: ada.id });

    const first = await list(viewerOf(ada), { projectId: bulk.id, limit: 100 });
    expect(first.tasks).toHaveLength(100);
    expect(first.pagination).toEqual({ page: 1, limit: 100, total: 150, totalPages: 2 });
    const second = await list(viewerOf(ada), { projectId: bulk.id, limit: 100, page: 2 });
    expect(second.tasks).toHaveLength(50);
    expect(new Set([...ids(first.tasks), ...ids(second.tasks)]).size).toBe(150);
    expect((await list(viewerOf(ada), { projectId: bulk.id, limit: 1 })).tasks).toHaveLength(1);

    for (const input of [{ limit: 0 }, { limit: 101 }, { limit: 1.5 }, { page: 0 }]) {
      expect(listTasksInputSchema.safeParse(input).success).toBe(false);
    }
    await handle.db.deleteFrom('projects').where('id', '=', bulk.id).execute();
  });
});

describe(`listTasks sorting (${engine})`, () => {
  const cases = taskSorts.flatMap((sort) =>
    (['asc', 'desc'] as const).map((order) => ({ sort, order })),
  );

  it.each(cases)('by $sort $order, ties by id, pages never overlap', async ({ sort, order }) => {
    for (const [input, expected] of [
      [{ projectId: printer.id }, printerTasks],
      [{}, [...printerTasks, ...sparesTasks]],
    ] as const) {
      const all = await listAllPages(viewerOf(ada), { ...input, sort, order }, 5);
      expect(ids(all)).toEqual(ids(sorted(expected, sort, order)));
      expect(new Set(ids(all)).size).toBe(expected.length);
    }
  });

  it('the data has ties in every sort key, so the id really decides', () => {
    const distinct = (values: unknown[]) => new Set(values).size;
    const positions = printerTasks.map((task) => `${task.status} ${task.position}`);
    expect(distinct(positions)).toBeLessThan(printerTasks.length);
    expect(distinct(printerTasks.map((task) => task.createdAt))).toBe(6);
    const due = printerTasks.flatMap((task) => (task.dueDate === null ? [] : [task.dueDate]));
    expect(distinct(due)).toBeLessThan(due.length);
    expect(due.length).toBeLessThan(printerTasks.length);
  });

  it('position: column order todo, in-progress, done, then the column order of the board', async () => {
    const result = await list(viewerOf(ada), { projectId: printer.id, limit: 100 });
    const statuses = result.tasks.map((task) => task.status);
    expect(statuses).toEqual([
      ...Array.from({ length: 8 }, () => 'todo'),
      ...Array.from({ length: 8 }, () => 'in-progress'),
      ...Array.from({ length: 8 }, () => 'done'),
    ]);
  });

  it('priority: low < medium < high', async () => {
    const result = await list(viewerOf(ada), {
      projectId: printer.id,
      sort: 'priority',
      limit: 100,
    });
    const ranks = result.tasks.map((task) => priorityRank[task.priority]);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(result.tasks[0]?.priority).toBe('low');
    expect(result.tasks.at(-1)?.priority).toBe('high');
  });

  it('dueDate: tasks without one come last in both directions', async () => {
    for (const order of ['asc', 'desc'] as const) {
      const result = await list(viewerOf(ada), {
        projectId: printer.id,
        sort: 'dueDate',
        order,
        limit: 100,
      });
      const nulls = result.tasks.filter((task) => task.dueDate === null).length;
      expect(nulls).toBe(8);
      expect(result.tasks.slice(-nulls).every((task) => task.dueDate === null)).toBe(true);
    }
  });
});

describe(`listTasks filters (${engine})`, () => {
  /** The list (all of it, in position order) for `input` equals the oracle's pick. */
  async function expectFilter(
    input: Partial<ListTasksInput>,
    pick: (task: Task) => boolean,
    viewer = viewerOf(ada),
    visible = [...printerTasks, ...sparesTasks],
  ) {
    const expected = sorted(visible.filter(pick));
    const result = await list(viewer, { ...input, limit: 100 });
    expect(ids(result.tasks)).toEqual(ids(expected));
    expect(result.pagination.total).toBe(expected.length);
  }

  it('projectId', async () => {
    await expectFilter({ projectId: printer.id }, (task) => task.projectId === printer.id);
    await expectFilter({ projectId: spares.id }, (task) => task.projectId === spares.id);
  });

  it.each(taskStatuses)('status %s, alone and within a project', async (status) => {
    await expectFilter({ status }, (task) => task.status === status);
    await expectFilter(
      { projectId: printer.id, status },
      (task) => task.projectId === printer.id && task.status === status,
    );
  });

  it.each(taskPriorities)('priority %s', async (priority) => {
    await expectFilter({ priority }, (task) => task.priority === priority);
    await expectFilter(
      { projectId: printer.id, priority },
      (task) => task.projectId === printer.id && task.priority === priority,
    );
  });

  it('assigneeId', async () => {
    await expectFilter({ assigneeId: grace.id }, (task) => task.assigneeId === grace.id);
    await expectFilter({ assigneeId: ada.id }, (task) => task.assigneeId === ada.id);
    await expectFilter({ assigneeId: linus.id }, () => false);
  });

  it('all filters at once', async () => {
    const input = {
      projectId: printer.id,
      status: 'in-progress',
      priority: 'medium',
      assigneeId: grace.id,
      search: 'task',
    } as const;
    const pick = (task: Task) =>
      task.projectId === printer.id &&
      task.status === 'in-progress' &&
      task.priority === 'medium' &&
      task.assigneeId === grace.id &&
      matches('task')(task);
    expect(printerTasks.filter(pick).length).toBeGreaterThan(0);
    await expectFilter(input, pick);
  });

  it('search is case-insensitive, in the title or the description', async () => {
    for (const search of ['calibrate', 'CALIBRATE', 'Extruder', 'BED MESH', 'firmware']) {
      await expectFilter({ search }, matches(search));
    }
    // Title only, description only, and both kinds in one answer.
    const calibrate = await list(viewerOf(ada), { projectId: printer.id, search: 'cAlIbRaTe' });
    expect(calibrate.tasks.map((task) => task.title).sort()).toEqual([
      'Calibrate EXTRUDER',
      'Level the bed',
    ]);
  });

  it('search treats %, _ and \\ as literal characters', async () => {
    const cases: [string, string[]][] = [
      ['%', ['Print at 100% infill']],
      ['100%', ['Print at 100% infill']],
      ['_', ['Tune z_offset']],
      ['z_o', ['Tune z_offset']],
      ['\\', ['Back up config']],
      ['\\f', ['Back up config']],
      ['%_\\', []],
    ];
    for (const [search, titles] of cases) {
      const result = await list(viewerOf(ada), { projectId: printer.id, search });
      expect({ search, titles: result.tasks.map((task) => task.title) }).toEqual({
        search,
        titles,
      });
      expect(result.pagination.total).toBe(titles.length);
      await expectFilter({ search }, matches(search));
    }
  });

  it('an empty search filters nothing', async () => {
    await expectFilter({ search: '' }, () => true);
    await expectFilter({ search: '   ' }, () => true);
  });
});

describe(`listTasks visibility (${engine})`, () => {
  it("a member sees only their projects' tasks", async () => {
    const mine = await listAllPages(viewerOf(ada), {}, 10);
    expect(ids(mine)).toEqual(ids(sorted([...printerTasks, ...sparesTasks])));
    const graces = await listAllPages(viewerOf(grace), {}, 10);
    expect(ids(graces)).toEqual(ids(sorted(printerTasks)));
    const linuses = await listAllPages(viewerOf(linus), {}, 10);
    expect(ids(linuses)).toEqual(ids(sorted(garageTasks)));
  });

  it("a non-member gets nothing of another project's, whatever the filters", async () => {
    const outsider = viewerOf(linus);
    const empty = { tasks: [], pagination: { page: 1, limit: 20, total: 0, totalPages: 0 } };
    await expect(list(outsider, { projectId: printer.id })).resolves.toEqual(empty);
    for (const status of taskStatuses) {
      await expect(list(outsider, { projectId: printer.id, status })).resolves.toEqual(empty);
    }
    await expect(list(outsider, { projectId: printer.id, search: 'task' })).resolves.toEqual(empty);
    await expect(list(outsider, { assigneeId: grace.id })).resolves.toEqual(empty);
    // The search finds only Linus's own card, not Ada's.
    const calibrate = await list(outsider, { search: 'calibrate' });
    expect(calibrate.tasks.map((task) => task.title)).toEqual(['Calibrate the lathe']);
  });

  it('a global admin (all) sees every task', async () => {
    const everything = await handle.db.selectFrom('tasks').selectAll().execute();
    const all = await listAllPages(admin(linus), {}, 9);
    expect(ids(all)).toEqual(ids(sorted(everything.map(toTask))));
    expect(all).toHaveLength(printerTasks.length + sparesTasks.length + garageTasks.length);

    const printerOnly = await list(admin(linus), { projectId: printer.id, limit: 100 });
    expect(ids(printerOnly.tasks)).toEqual(ids(sorted(printerTasks)));
    expect(printerOnly.pagination.total).toBe(24);
    const done = await list(admin(grace), { projectId: garage.id, status: 'done' });
    expect(ids(done.tasks)).toEqual(ids(sorted(garageTasks)));
    expect(done.pagination.total).toBe(3);
  });
});
