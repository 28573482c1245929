import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTaskInputSchema,
  type Project,
  type ProjectEvent,
  type Task,
  type User,
} from '@taskboard/schema';
import {
  createTask,
  deleteTask,
  getBoardColumns,
  getTask,
  latestProjectEventId,
  listProjectEventsAfter,
  runUnitOfWork,
  updateTask,
  type NewTask,
  type TaskChanges,
  type UnitOfWork,
} from '../src/index';
import { createTestDatabase, engine, type TestDatabase } from './support/database';
import { appErrorOf, makeProject, makeTask, makeUser } from './support/fixtures';

let handle: TestDatabase;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(() => handle.dispose());

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/** Runs `work` as one unit of work of `actor` and returns its result. */
async function asUser<T>(actor: User, work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
  const { result } = await runUnitOfWork(handle.db, actor.id, work);
  return result;
}

function update(actor: User, taskId: string, changes: TaskChanges, expectedVersion?: number) {
  return asUser(actor, (uow) => updateTask(uow, taskId, changes, expectedVersion));
}

function remove(actor: User, taskId: string, expectedVersion?: number) {
  return asUser(actor, (uow) => deleteTask(uow, taskId, expectedVersion));
}

/** Each key sorts (byte-wise, as `collate "C"`) strictly after the one before it. */
function expectStrictlyIncreasing(keys: string[]) {
  keys.forEach((key, i) => {
    if (i > 0) expect(key > (keys[i - 1] ?? '')).toBe(true);
  });
}

/** Everything a task write could change: the project's tasks, column counts and event log. */
async function projectState(projectId: string) {
  const rows = await handle.db
    .selectFrom('tasks')
    .selectAll()
    .where('projectId', '=', projectId)
    .orderBy('id')
    .execute();
  const columns = await getBoardColumns(handle.db, projectId, 500);
  return {
    rows,
    counts: columns.map((column) => [column.status, column.count]),
    lastEventId: await latestProjectEventId(handle.db, projectId),
  };
}

function newTask(project: Project, actor: User, fields: Partial<NewTask> = {}): NewTask {
  return {
    projectId: project.id,
    title: 'Level the bed',
    description: '',
    status: 'todo',
    priority: 'medium',
    assigneeId: null,
    dueDate: null,
    createdById: actor.id,
    ...fields,
  };
}

/** A fresh owner with a fresh project, so every test starts from an empty board. */
async function setup(members: [User, 'owner' | 'editor' | 'viewer'][] = []) {
  const owner = await makeUser(handle.db, 'Owner');
  const project = await makeProject(handle.db, owner, members);
  return { owner, project, lastEventId: await latestProjectEventId(handle.db, project.id) };
}

function eventsAfter(projectId: string, afterId: number): Promise<ProjectEvent[]> {
  return listProjectEventsAfter(handle.db, projectId, afterId);
}

describe(`createTask (${engine})`, () => {
  it('stores every field and returns the stored task', async () => {
    const { owner, project } = await setup();
    const task = await asUser(owner, (uow) =>
      createTask(
        uow,
        newTask(project, owner, {
          title: 'Replace the nozzle',
          description: '0.4 mm, hardened steel',
          status: 'in-progress',
          priority: 'high',
          assigneeId: owner.id,
          dueDate: '2030-01-02T03:04:05.678Z',
        }),
      ),
    );

    expect(task).toMatchObject({
      projectId: project.id,
      title: 'Replace the nozzle',
      description: '0.4 mm, hardened steel',
      status: 'in-progress',
      priority: 'high',
      assigneeId: owner.id,
      dueDate: '2030-01-02T03:04:05.678Z',
      version: 1,
      createdById: owner.id,
    });
    expect(task.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(task.position).not.toBe('');
    expect(task.updatedAt).toBe(task.createdAt);
    await expect(getTask(handle.db, task.id)).resolves.toEqual(task);
  });

  it('applies the defaults of the create input', async () => {
    const { owner, project } = await setup();
    const input = createTaskInputSchema.parse({ title: '  Print a benchy  ' });
    const task = await asUser(owner, (uow) =>
      createTask(uow, { ...input, projectId: project.id, createdById: owner.id }),
    );

    expect(task).toMatchObject({
      title: 'Print a benchy',
      description: '',
      status: 'todo',
      priority: 'medium',
      assigneeId: null,
      dueDate: null,
      version: 1,
    });
  });

  it('appends each task to the end of its own column', async () => {
    const { owner, project } = await setup();
    const todo: Task[] = [];
    const done: Task[] = [];
    for (let i = 0; i < 6; i++) {
      todo.push(await makeTask(handle.db, project, owner, { title: `todo ${i}` }));
      done.push(await makeTask(handle.db, project, owner, { title: `done ${i}`, status: 'done' }));
    }

    expectStrictlyIncreasing(todo.map((task) => task.position));
    expectStrictlyIncreasing(done.map((task) => task.position));
    const board = await getBoardColumns(handle.db, project.id, 100);
    expect(board.map((column) => column.tasks.map((task) => task.id))).toEqual([
      todo.map((task) => task.id),
      [],
      done.map((task) => task.id),
    ]);
  });

  it('puts a task created with placement "top" before everything in its column', async () => {
    const { owner, project } = await setup();
    const first = await makeTask(handle.db, project, owner, { title: 'first' });
    const second = await makeTask(handle.db, project, owner, { title: 'second' });
    const top = await makeTask(handle.db, project, owner, { title: 'top', placement: 'top' });
    const higher = await makeTask(handle.db, project, owner, { title: 'higher', placement: 'top' });
    const elsewhere = await makeTask(handle.db, project, owner, {
      title: 'alone',
      status: 'done',
      placement: 'top',
    });

    const board = await getBoardColumns(handle.db, project.id, 100);
    expect(board.map((column) => column.tasks.map((task) => task.id))).toEqual([
      [higher.id, top.id, first.id, second.id],
      [],
      [elsewhere.id],
    ]);
  });

  it('records task.created with the new task, in the same transaction', async () => {
    const { owner, project, lastEventId } = await setup();
    const { result: task, events } = await runUnitOfWork(handle.db, owner.id, (uow) =>
      createTask(uow, newTask(project, owner)),
    );

    const logged = await eventsAfter(project.id, lastEventId);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      projectId: project.id,
      actorId: owner.id,
      type: 'task.created',
      payload: { task },
    });
    expect(events).toEqual(logged);
  });

  it('accepts a member of the project as assignee', async () => {
    const member = await makeUser(handle.db, 'Grace');
    const { owner, project } = await setup([[member, 'viewer']]);
    const task = await makeTask(handle.db, project, owner, { assigneeId: member.id });
    expect(task.assigneeId).toBe(member.id);
  });

  it('refuses an assignee who is not a member (BAD_REQUEST), writing nothing', async () => {
    const stranger = await makeUser(handle.db, 'Stranger');
    const elsewhere = await makeUser(handle.db, 'Elsewhere');
    const { owner, project } = await setup();
    // A member of another project is no more assignable here than anyone else.
    await makeProject(handle.db, owner, [[elsewhere, 'editor']], 'Other');
    const before = await projectState(project.id);

    for (const assigneeId of [stranger.id, elsewhere.id, UNKNOWN_ID]) {
      const error = await appErrorOf(
        asUser(owner, (uow) => createTask(uow, newTask(project, owner, { assigneeId }))),
      );
      expect(error.code).toBe('BAD_REQUEST');
    }
    expect(await projectState(project.id)).toEqual(before);
  });
});

describe(`getTask (${engine})`, () => {
  it('returns the task, or null for an unknown id', async () => {
    const { owner, project } = await setup();
    const task = await makeTask(handle.db, project, owner, { title: 'Tune input shaping' });
    await expect(getTask(handle.db, task.id)).resolves.toEqual(task);
    await expect(getTask(handle.db, UNKNOWN_ID)).resolves.toBeNull();
  });
});

describe(`updateTask (${engine})`, () => {
  it('changes each field, one version per change, recording task.updated each time', async () => {
    const member = await makeUser(handle.db, 'Grace');
    const { owner, project } = await setup([[member, 'editor']]);
    const created = await makeTask(handle.db, project, owner);
    const steps: [TaskChanges, Partial<Task>][] = [
      [{ title: 'Calibrate e-steps' }, { title: 'Calibrate e-steps' }],
      [{ description: 'Mark 120 mm, extrude 100' }, { description: 'Mark 120 mm, extrude 100' }],
      [{ priority: 'high' }, { priority: 'high' }],
      [{ assigneeId: member.id }, { assigneeId: member.id }],
      [{ dueDate: '2031-05-06T07:08:09.000Z' }, { dueDate: '2031-05-06T07:08:09.000Z' }],
      [{ status: 'in-progress' }, { status: 'in-progress' }],
      [{ assigneeId: null }, { assigneeId: null }],
      [{ dueDate: null }, { dueDate: null }],
    ];

    let previous = created;
    for (const [changes, expected] of steps) {
      const lastEventId = await latestProjectEventId(handle.db, project.id);
      const updated = await update(owner, created.id, changes, previous.version);

      expect(updated).toEqual({
        ...previous,
        ...expected,
        position: updated.position,
        version: previous.version + 1,
        updatedAt: updated.updatedAt,
      });
      expect(updated.updatedAt >= previous.updatedAt).toBe(true);
      await expect(getTask(handle.db, created.id)).resolves.toEqual(updated);
      const events = await eventsAfter(project.id, lastEventId);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        type: 'task.updated',
        actorId: owner.id,
        payload: { task: updated },
      });
      previous = updated;
    }
    expect(previous.version).toBe(1 + steps.length);
  });

  it('applies several changes at once as one version', async () => {
    const { owner, project } = await setup();
    const task = await makeTask(handle.db, project, owner);
    const updated = await update(owner, task.id, { title: 'Dry the PETG', priority: 'low' });
    expect(updated).toMatchObject({ title: 'Dry the PETG', priority: 'low', version: 2 });
  });

  it('keeps the position when the status does not change', async () => {
    const { owner, project } = await setup();
    const task = await makeTask(handle.db, project, owner);
    await makeTask(handle.db, project, owner);
    const updated = await update(owner, task.id, { status: 'todo', title: 'Renamed' });
    expect(updated).toMatchObject({ status: 'todo', position: task.position, version: 2 });
  });

  it('puts a task whose status changes at the end of its new column', async () => {
    const { owner, project } = await setup();
    const moving = await makeTask(handle.db, project, owner, { title: 'moving' });
    const done = [
      await makeTask(handle.db, project, owner, { status: 'done' }),
      await makeTask(handle.db, project, owner, { status: 'done' }),
    ];

    const updated = await update(owner, moving.id, { status: 'done' });

    expect(updated.status).toBe('done');
    for (const task of done) expect(updated.position > task.position).toBe(true);
    const board = await getBoardColumns(handle.db, project.id, 100);
    expect(board.map((column) => column.tasks.map((task) => task.id))).toEqual([
      [],
      [],
      [...done.map((task) => task.id), moving.id],
    ]);
    expect(board.map((column) => column.count)).toEqual([0, 0, 3]);
  });

  it('returns the task unchanged for no changes: no new version, no event', async () => {
    const { owner, project } = await setup();
    const task = await makeTask(handle.db, project, owner, {
      title: 'Same',
      description: 'Same',
      priority: 'high',
      assigneeId: owner.id,
      dueDate: '2030-01-01T00:00:00.000Z',
    });
    const before = await projectState(project.id);

    await expect(update(owner, task.id, {}, 1)).resolves.toEqual(task);
    // Values the task already has are no change either.
    const same: TaskChanges = {
      title: 'Same',
      description: 'Same',
      status: 'todo',
      priority: 'high',
      assigneeId: owner.id,
      dueDate: '2030-01-01T00:00:00.000Z',
    };
    await expect(update(owner, task.id, same, 1)).resolves.toEqual(task);
    expect(await projectState(project.id)).toEqual(before);
  });

  it('refuses a stale expectedVersion with CONFLICT and the current task, writing nothing', async () => {
    const { owner, project } = await setup();
    const task = await makeTask(handle.db, project, owner);
    const current = await update(owner, task.id, { title: 'Changed by someone else' });
    const before = await projectState(project.id);

    const error = await appErrorOf(update(owner, task.id, { title: 'Mine', status: 'done' }, 1));

    expect(error.code).toBe('CONFLICT');
    expect(error.details).toEqual({ task: current });
    expect(await projectState(project.id)).toEqual(before);
    // The conflict is checked even when there is nothing to change.
    expect((await appErrorOf(update(owner, task.id, {}, 1))).code).toBe('CONFLICT');
  });

  it('applies the change when expectedVersion is current', async () => {
    const { owner, project } = await setup();
    const task = await makeTask(handle.db, project, owner);
    const updated = await update(owner, task.id, { title: 'v2' }, 1);
    await expect(update(owner, task.id, { title: 'v3' }, updated.version)).resolves.toMatchObject({
      title: 'v3',
      version: 3,
    });
  });

  it('answers NOT_FOUND for an unknown id', async () => {
    const { owner } = await setup();
    expect((await appErrorOf(update(owner, UNKNOWN_ID, { title: 'x' }))).code).toBe('NOT_FOUND');
    expect((await appErrorOf(update(owner, UNKNOWN_ID, {}, 1))).code).toBe('NOT_FOUND');
  });

  it('refuses an assignee who is not a member (BAD_REQUEST), writing nothing', async () => {
    const stranger = await makeUser(handle.db, 'Stranger');
    const elsewhere = await makeUser(handle.db, 'Elsewhere');
    const { owner, project } = await setup();
    await makeProject(handle.db, owner, [[elsewhere, 'editor']], 'Other');
    const task = await makeTask(handle.db, project, owner);
    const before = await projectState(project.id);

    for (const assigneeId of [stranger.id, elsewhere.id, UNKNOWN_ID]) {
      const error = await appErrorOf(update(owner, task.id, { title: 'New title', assigneeId }));
      expect(error.code).toBe('BAD_REQUEST');
    }
    expect(await projectState(project.id)).toEqual(before);
  });
});

describe(`deleteTask (${engine})`, () => {
  it('deletes the task, returns it as it was and records task.deleted', async () => {
    const { owner, project, lastEventId } = await setup();
    const task = await makeTask(handle.db, project, owner, { assigneeId: owner.id });
    const kept = await makeTask(handle.db, project, owner);
    const created = await latestProjectEventId(handle.db, project.id);

    await expect(remove(owner, task.id, 1)).resolves.toEqual(task);

    await expect(getTask(handle.db, task.id)).resolves.toBeNull();
    await expect(getTask(handle.db, kept.id)).resolves.toEqual(kept);
    const events = await eventsAfter(project.id, created);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'task.deleted',
      actorId: owner.id,
      payload: { taskId: task.id },
    });
    expect(created).toBeGreaterThan(lastEventId);
    const board = await getBoardColumns(handle.db, project.id, 100);
    expect(board.map((column) => column.count)).toEqual([1, 0, 0]);
  });

  it('refuses a stale expectedVersion with CONFLICT and keeps the task', async () => {
    const { owner, project } = await setup();
    const task = await makeTask(handle.db, project, owner);
    const current = await update(owner, task.id, { priority: 'low' });
    const before = await projectState(project.id);

    const error = await appErrorOf(remove(owner, task.id, 1));

    expect(error.code).toBe('CONFLICT');
    expect(error.details).toEqual({ task: current });
    expect(await projectState(project.id)).toEqual(before);
    await expect(getTask(handle.db, task.id)).resolves.toEqual(current);
  });

  it('answers NOT_FOUND for an unknown or already deleted task', async () => {
    const { owner, project } = await setup();
    const task = await makeTask(handle.db, project, owner);
    await remove(owner, task.id);
    expect((await appErrorOf(remove(owner, task.id))).code).toBe('NOT_FOUND');
    expect((await appErrorOf(remove(owner, UNKNOWN_ID))).code).toBe('NOT_FOUND');
  });
});
