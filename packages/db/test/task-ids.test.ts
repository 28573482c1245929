import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Project, User } from '@taskboard/schema';
import {
  createTask,
  deleteTask,
  findTaskCreatedEvent,
  listProjectEventsAfter,
  runUnitOfWork,
  updateTask,
  type NewTask,
} from '../src/index';
import { createTestDatabase, engine, type TestDatabase } from './support/database';
import { appErrorOf, makeProject, makeUser } from './support/fixtures';

let handle: TestDatabase;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(() => handle.dispose());

function newTask(project: Project, actor: User, fields: Partial<NewTask> = {}): NewTask {
  return {
    projectId: project.id,
    title: 'Print the benchy',
    description: 'PLA',
    status: 'in-progress',
    priority: 'high',
    assigneeId: null,
    dueDate: '2031-05-06T07:08:09.000Z',
    createdById: actor.id,
    ...fields,
  };
}

function create(actor: User, input: NewTask) {
  return runUnitOfWork(handle.db, actor.id, (uow) => createTask(uow, input));
}

/** Everything a create could write: the project's task rows and its event log. */
async function written(projectId: string) {
  const rows = await handle.db
    .selectFrom('tasks')
    .selectAll()
    .where('projectId', '=', projectId)
    .orderBy('id')
    .execute();
  return { rows, events: await listProjectEventsAfter(handle.db, projectId, 0) };
}

describe(`createTask with a client-chosen id (${engine})`, () => {
  let owner: User;
  let mate: User;
  let project: Project;
  let elsewhere: Project;

  beforeAll(async () => {
    owner = await makeUser(handle.db, 'Chooser');
    mate = await makeUser(handle.db, 'Mate');
    project = await makeProject(handle.db, owner, [[mate, 'editor']]);
    elsewhere = await makeProject(handle.db, mate, [], 'Elsewhere');
  });

  it('creates the task under that id, and its task.created can be found by it', async () => {
    const id = randomUUID();
    const { result: task, events } = await create(owner, newTask(project, owner, { id }));
    expect(task.id).toBe(id);
    expect(task.position.endsWith(`${id.replaceAll('-', '')}V`)).toBe(true);
    await expect(findTaskCreatedEvent(handle.db, id)).resolves.toEqual({
      id: events[0]?.id,
      task,
    });
  });

  it('is idempotent: the same create again answers the task as it is now, with no row and no event', async () => {
    const id = randomUUID();
    const input = newTask(project, owner, { id });
    const { result: first } = await create(owner, input);
    await runUnitOfWork(handle.db, mate.id, (uow) => updateTask(uow, id, { priority: 'low' }));
    const before = await written(project.id);

    const { result: again, events } = await create(owner, input);
    expect(events).toEqual([]);
    expect(again).toEqual({ ...first, priority: 'low', version: 2, updatedAt: again.updatedAt });
    await expect(written(project.id)).resolves.toEqual(before);
  });

  it('CONCURRENT: eight creates with one id at once leave one row and one event, and all answer that task', async () => {
    const id = randomUUID();
    const before = await written(project.id);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => create(owner, newTask(project, owner, { id }))),
    );
    const after = await written(project.id);
    expect(after.rows.filter((row) => row.id === id)).toHaveLength(1);
    expect(after.rows).toHaveLength(before.rows.length + 1);
    const createdEvents = results.flatMap((result) => result.events);
    expect(createdEvents.map((event) => event.type)).toEqual(['task.created']);
    expect(after.events.slice(before.events.length)).toEqual(createdEvents);
    for (const { result } of results) expect(result).toEqual(results[0]?.result);
  });

  it("refuses another project's task id with CONFLICT, naming no project and writing nothing", async () => {
    const id = randomUUID();
    await create(mate, newTask(elsewhere, mate, { id }));
    const before = await written(project.id);
    const error = await appErrorOf(create(owner, newTask(project, owner, { id })));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).not.toContain(elsewhere.id);
    expect(error.message).not.toContain(elsewhere.name);
    await expect(written(project.id)).resolves.toEqual(before);
  });

  it('refuses the id of a deleted task with CONFLICT instead of bringing it back', async () => {
    const id = randomUUID();
    const input = newTask(project, owner, { id });
    await create(owner, input);
    await runUnitOfWork(handle.db, owner.id, (uow) => deleteTask(uow, id));
    const before = await written(project.id);
    expect((await appErrorOf(create(owner, input))).code).toBe('CONFLICT');
    await expect(written(project.id)).resolves.toEqual(before);
  });

  it.each<[string, Partial<NewTask>]>([
    ['another title', { title: 'Print a boat' }],
    ['another description', { description: 'PETG' }],
    ['another status', { status: 'todo' }],
    ['another priority', { priority: 'low' }],
    ['another due date', { dueDate: null }],
  ])('refuses the same id with %s (CONFLICT), writing nothing', async (_what, change) => {
    const id = randomUUID();
    await create(owner, newTask(project, owner, { id }));
    const before = await written(project.id);
    const error = await appErrorOf(create(owner, newTask(project, owner, { id, ...change })));
    expect(error).toMatchObject({ code: 'CONFLICT' });
    await expect(written(project.id)).resolves.toEqual(before);
  });

  it("refuses another member's repeat of someone's create (the creator differs)", async () => {
    const id = randomUUID();
    await create(owner, newTask(project, owner, { id }));
    const error = await appErrorOf(create(mate, newTask(project, mate, { id })));
    expect(error.code).toBe('CONFLICT');
  });

  it('compares a repeat with what the task was created with, not with what it is now', async () => {
    const id = randomUUID();
    const input = newTask(project, owner, { id });
    await create(owner, input);
    await runUnitOfWork(handle.db, owner.id, (uow) => updateTask(uow, id, { title: 'Renamed' }));
    // The repeat of the original create is still that create…
    await expect(create(owner, input)).resolves.toMatchObject({ events: [] });
    // …and a create with the new title is not.
    const renamed = create(owner, { ...input, title: 'Renamed' });
    expect((await appErrorOf(renamed)).code).toBe('CONFLICT');
  });
});
