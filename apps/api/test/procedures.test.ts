import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { DisposableDatabase } from '@taskboard/db/testing';
import type { AppErrorCode, ListTasksInput, MemberRole, Task } from '@taskboard/schema';
import {
  createTestDatabase,
  errorOf,
  signUp,
  startServer,
  type Client,
  type TestServer,
} from './support/server';
import { resultOf } from './support/answers';

/**
 * Every procedure of projects / members / tasks / board through the real tRPC client over
 * HTTP: the happy path, and each error path with its exact application code, HTTP status and
 * procedure path (SPEC.md "Errors").
 */

type Account = Awaited<ReturnType<typeof signUp>>;

/** SPEC.md's error table, written out here rather than imported, so the mapping is tested too. */
const httpStatusOf = {
  VALIDATION_ERROR: 400,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  USER_EXISTS: 409,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const satisfies Record<AppErrorCode, number>;

/** The call fails with `appCode`, its HTTP status, and `path` = the procedure. */
async function expectError(call: Promise<unknown>, appCode: AppErrorCode, path: string) {
  const error = await errorOf(call);
  expect({ appCode: error.appCode, httpStatus: error.httpStatus, path: error.path }).toEqual({
    appCode,
    httpStatus: httpStatusOf[appCode],
    path,
  });
  return error;
}

/** The call fails validation with a message for exactly these field paths. */
async function expectInvalid(call: Promise<unknown>, path: string, fields: string[]) {
  const error = await expectError(call, 'VALIDATION_ERROR', path);
  const details = error.details ?? {};
  expect(Object.keys(details).sort()).toEqual([...fields].sort());
  for (const message of Object.values(details)) expect(message).toEqual(expect.any(String));
  return details;
}

let database: DisposableDatabase;
let server: TestServer;
let alice: Account;
let bob: Account;
let carol: Account;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startServer(database);
  [alice, bob, carol] = await Promise.all([
    signUp(server, 'Alice'),
    signUp(server, 'Bob'),
    signUp(server, 'Carol'),
  ]);
});

afterAll(async () => {
  await server.close();
  await database.dispose();
});

/** A fresh project of `owner`, with the other accounts added in the given roles. */
async function projectWith(
  owner: Account,
  members: [Account, MemberRole][] = [],
  name = 'Printer',
) {
  const project = await owner.api.projects.create.mutate({ name });
  for (const [member, role] of members) {
    await owner.api.members.add.mutate({ projectId: project.id, email: member.email, role });
  }
  return project;
}

async function inboxOf(account: Account) {
  const projects = await account.api.projects.list.query();
  const inbox = projects.find((project) => project.isInbox);
  if (!inbox) throw new Error(`${account.user.name} has no Inbox`);
  return inbox;
}

async function counts(api: Client, projectId: string) {
  const board = await api.board.get.query({ projectId });
  return Object.fromEntries(board.columns.map((column) => [column.status, column.count]));
}

async function columnIds(api: Client, projectId: string, status: Task['status']) {
  const board = await api.board.get.query({ projectId });
  return board.columns.find((column) => column.status === status)?.tasks.map((task) => task.id);
}

describe('projects', () => {
  it('create, get, list and update', async () => {
    const created = await alice.api.projects.create.mutate({
      name: '  Firmware  ',
      description: 'Marlin fork',
    });
    expect(created).toMatchObject({
      name: 'Firmware',
      description: 'Marlin fork',
      status: 'active',
      ownerId: alice.user.id,
      isInbox: false,
      role: 'owner',
    });
    expect(await alice.api.projects.get.query({ id: created.id })).toEqual(resultOf(created));

    const listed = await alice.api.projects.list.query();
    // A list row also says whose project it is (an admin's list holds everyone's Inboxes).
    expect(listed).toContainEqual({
      ...resultOf(created),
      ownerName: alice.user.name,
      ownerEmail: alice.user.email,
    });
    expect(listed.filter((project) => project.isInbox).map((project) => project.name)).toEqual([
      'Inbox',
    ]);

    const renamed = await alice.api.projects.update.mutate({ id: created.id, name: 'Firmware 2' });
    expect(renamed).toMatchObject({
      id: created.id,
      name: 'Firmware 2',
      description: 'Marlin fork',
    });
    expect(renamed.updatedAt >= created.updatedAt).toBe(true);
    const described = await alice.api.projects.update.mutate({ id: created.id, description: '' });
    expect(described).toMatchObject({ name: 'Firmware 2', description: '' });
    expect(await alice.api.projects.get.query({ id: created.id })).toEqual({
      ...resultOf(described),
      role: 'owner',
    });
  });

  it('archive hides a project from the default list and freezes its tasks; archived:false restores it', async () => {
    const project = await projectWith(alice, [], 'Archivable');
    const task = await alice.api.tasks.create.mutate({ projectId: project.id, title: 'Keep me' });

    const archived = await alice.api.projects.archive.mutate({ id: project.id });
    expect(archived).toMatchObject({ id: project.id, status: 'archived' });
    expect((await alice.api.projects.list.query()).map((p) => p.id)).not.toContain(project.id);
    expect(
      (await alice.api.projects.list.query({ includeArchived: true })).map((p) => p.id),
    ).toContain(project.id);
    // Still readable.
    expect(await alice.api.tasks.get.query({ id: task.id })).toEqual(resultOf(task));
    await expectError(
      alice.api.tasks.create.mutate({ projectId: project.id, title: 'No' }),
      'BAD_REQUEST',
      'tasks.create',
    );
    await expectError(
      alice.api.tasks.update.mutate({ id: task.id, title: 'No' }),
      'BAD_REQUEST',
      'tasks.update',
    );
    await expectError(
      alice.api.tasks.move.mutate({ id: task.id, status: 'done' }),
      'BAD_REQUEST',
      'tasks.move',
    );
    await expectError(
      alice.api.tasks.delete.mutate({ id: task.id }),
      'BAD_REQUEST',
      'tasks.delete',
    );
    expect(await alice.api.tasks.get.query({ id: task.id })).toEqual(resultOf(task));

    const restored = await alice.api.projects.archive.mutate({ id: project.id, archived: false });
    expect(restored.status).toBe('active');
    expect((await alice.api.projects.list.query()).map((p) => p.id)).toContain(project.id);
    await alice.api.tasks.create.mutate({ projectId: project.id, title: 'Yes' });
  });

  it('the Inbox cannot be archived or deleted', async () => {
    const inbox = await inboxOf(alice);
    await expectError(
      alice.api.projects.archive.mutate({ id: inbox.id }),
      'BAD_REQUEST',
      'projects.archive',
    );
    await expectError(
      alice.api.projects.delete.mutate({ id: inbox.id }),
      'BAD_REQUEST',
      'projects.delete',
    );
    expect(await alice.api.projects.get.query({ id: inbox.id })).toMatchObject({
      status: 'active',
      isInbox: true,
    });
  });

  it('delete removes the project with its tasks', async () => {
    const project = await projectWith(alice, [[bob, 'editor']], 'Doomed');
    const task = await bob.api.tasks.create.mutate({ projectId: project.id, title: 'Gone soon' });
    expect(resultOf(await alice.api.projects.delete.mutate({ id: project.id }))).toEqual({
      id: project.id,
    });
    await expectError(
      alice.api.projects.get.query({ id: project.id }),
      'NOT_FOUND',
      'projects.get',
    );
    await expectError(bob.api.projects.get.query({ id: project.id }), 'NOT_FOUND', 'projects.get');
    await expectError(alice.api.tasks.get.query({ id: task.id }), 'NOT_FOUND', 'tasks.get');
    await expectError(
      alice.api.projects.delete.mutate({ id: project.id }),
      'NOT_FOUND',
      'projects.delete',
    );
  });

  it('unknown ids are NOT_FOUND', async () => {
    const id = randomUUID();
    await expectError(alice.api.projects.get.query({ id }), 'NOT_FOUND', 'projects.get');
    await expectError(
      alice.api.projects.update.mutate({ id, name: 'x' }),
      'NOT_FOUND',
      'projects.update',
    );
    await expectError(alice.api.projects.archive.mutate({ id }), 'NOT_FOUND', 'projects.archive');
    await expectError(alice.api.projects.delete.mutate({ id }), 'NOT_FOUND', 'projects.delete');
  });

  it('invalid input is a VALIDATION_ERROR naming each field', async () => {
    await expectInvalid(alice.api.projects.create.mutate({ name: '' }), 'projects.create', [
      'name',
    ]);
    await expectInvalid(alice.api.projects.create.mutate({ name: '   ' }), 'projects.create', [
      'name',
    ]);
    await expectInvalid(
      alice.api.projects.create.mutate({ name: 'x'.repeat(101), description: 'y'.repeat(1001) }),
      'projects.create',
      ['name', 'description'],
    );
    await expectInvalid(alice.api.projects.get.query({ id: 'not-a-uuid' }), 'projects.get', ['id']);
    const project = await projectWith(alice);
    await expectInvalid(
      alice.api.projects.update.mutate({ id: project.id, name: '' }),
      'projects.update',
      ['name'],
    );
    expect((await alice.api.projects.get.query({ id: project.id })).name).toBe('Printer');
  });
});

describe('members', () => {
  it('list starts with the owner; add by email (case-insensitive) defaults to editor', async () => {
    const project = await projectWith(alice);
    expect(await alice.api.members.list.query({ projectId: project.id })).toEqual([
      expect.objectContaining({
        projectId: project.id,
        userId: alice.user.id,
        role: 'owner',
        user: { id: alice.user.id, email: alice.email, name: 'Alice' },
      }),
    ]);

    const added = await alice.api.members.add.mutate({
      projectId: project.id,
      email: `  ${bob.email.toUpperCase()} `,
    });
    expect(added).toMatchObject({
      projectId: project.id,
      userId: bob.user.id,
      role: 'editor',
      user: { id: bob.user.id, email: bob.email, name: 'Bob' },
    });
    const viewer = await alice.api.members.add.mutate({
      projectId: project.id,
      email: carol.email,
      role: 'viewer',
    });
    expect(viewer.role).toBe('viewer');

    const members = await bob.api.members.list.query({ projectId: project.id });
    expect(members.map((m) => [m.userId, m.role])).toEqual([
      [alice.user.id, 'owner'],
      [bob.user.id, 'editor'],
      [carol.user.id, 'viewer'],
    ]);
    expect(await bob.api.projects.get.query({ id: project.id })).toMatchObject({ role: 'editor' });
    expect((await carol.api.projects.list.query()).find((p) => p.id === project.id)?.role).toBe(
      'viewer',
    );
  });

  it('add: unknown email NOT_FOUND, twice CONFLICT, Inbox BAD_REQUEST, bad email VALIDATION_ERROR', async () => {
    const project = await projectWith(alice, [[bob, 'editor']]);
    await expectError(
      alice.api.members.add.mutate({ projectId: project.id, email: 'nobody-here@example.com' }),
      'NOT_FOUND',
      'members.add',
    );
    const twice = await expectError(
      alice.api.members.add.mutate({
        projectId: project.id,
        email: bob.email.toUpperCase(),
        role: 'viewer',
      }),
      'CONFLICT',
      'members.add',
    );
    expect(twice.details).toBeNull();
    const inbox = await inboxOf(alice);
    await expectError(
      alice.api.members.add.mutate({ projectId: inbox.id, email: bob.email }),
      'BAD_REQUEST',
      'members.add',
    );
    await expectInvalid(
      alice.api.members.add.mutate({ projectId: project.id, email: 'not an email' }),
      'members.add',
      ['email'],
    );
    await expectError(
      alice.api.members.add.mutate({ projectId: randomUUID(), email: bob.email }),
      'NOT_FOUND',
      'members.add',
    );
    // The failed attempts changed nothing: bob is still an editor, nobody else joined.
    expect(
      (await alice.api.members.list.query({ projectId: project.id })).map((m) => [
        m.userId,
        m.role,
      ]),
    ).toEqual([
      [alice.user.id, 'owner'],
      [bob.user.id, 'editor'],
    ]);
    expect((await inboxOf(bob)).id).not.toBe(inbox.id);
  });

  it('updateRole changes the role; a non-member is NOT_FOUND', async () => {
    const project = await projectWith(alice, [[bob, 'editor']]);
    const updated = await alice.api.members.updateRole.mutate({
      projectId: project.id,
      userId: bob.user.id,
      role: 'viewer',
    });
    expect(updated).toMatchObject({ projectId: project.id, userId: bob.user.id, role: 'viewer' });
    expect((await bob.api.projects.get.query({ id: project.id })).role).toBe('viewer');
    await expectError(
      bob.api.tasks.create.mutate({ projectId: project.id, title: 'Viewers cannot' }),
      'FORBIDDEN',
      'tasks.create',
    );
    await expectError(
      alice.api.members.updateRole.mutate({
        projectId: project.id,
        userId: carol.user.id,
        role: 'editor',
      }),
      'NOT_FOUND',
      'members.updateRole',
    );
    await expectError(
      alice.api.members.updateRole.mutate({
        projectId: project.id,
        userId: randomUUID(),
        role: 'editor',
      }),
      'NOT_FOUND',
      'members.updateRole',
    );
    await expectError(
      alice.api.members.updateRole.mutate({
        projectId: randomUUID(),
        userId: bob.user.id,
        role: 'editor',
      }),
      'NOT_FOUND',
      'members.updateRole',
    );
  });

  it('the last owner can neither step down nor leave', async () => {
    const project = await projectWith(alice, [[bob, 'editor']]);
    await expectError(
      alice.api.members.updateRole.mutate({
        projectId: project.id,
        userId: alice.user.id,
        role: 'editor',
      }),
      'BAD_REQUEST',
      'members.updateRole',
    );
    await expectError(
      alice.api.members.remove.mutate({ projectId: project.id, userId: alice.user.id }),
      'BAD_REQUEST',
      'members.remove',
    );
    expect(
      (await alice.api.members.list.query({ projectId: project.id })).map((m) => [
        m.userId,
        m.role,
      ]),
    ).toEqual([
      [alice.user.id, 'owner'],
      [bob.user.id, 'editor'],
    ]);

    // With a second owner she may step down; the project's ownerId passes to the other owner.
    await alice.api.members.updateRole.mutate({
      projectId: project.id,
      userId: bob.user.id,
      role: 'owner',
    });
    await alice.api.members.updateRole.mutate({
      projectId: project.id,
      userId: alice.user.id,
      role: 'editor',
    });
    expect(await bob.api.projects.get.query({ id: project.id })).toMatchObject({
      ownerId: bob.user.id,
      role: 'owner',
    });
    await expectError(
      bob.api.members.remove.mutate({ projectId: project.id, userId: bob.user.id }),
      'BAD_REQUEST',
      'members.remove',
    );
  });

  it('an owner removes a member (their tasks are unassigned); a member may remove themselves', async () => {
    const project = await projectWith(alice, [
      [bob, 'editor'],
      [carol, 'viewer'],
    ]);
    const task = await alice.api.tasks.create.mutate({
      projectId: project.id,
      title: 'Bob’s job',
      assigneeId: bob.user.id,
    });

    expect(
      resultOf(
        await alice.api.members.remove.mutate({ projectId: project.id, userId: bob.user.id }),
      ),
    ).toEqual({ projectId: project.id, userId: bob.user.id });
    expect(await alice.api.tasks.get.query({ id: task.id })).toMatchObject({
      assigneeId: null,
      version: task.version + 1,
    });
    await expectError(bob.api.projects.get.query({ id: project.id }), 'NOT_FOUND', 'projects.get');

    expect(
      resultOf(
        await carol.api.members.remove.mutate({ projectId: project.id, userId: carol.user.id }),
      ),
    ).toEqual({ projectId: project.id, userId: carol.user.id });
    await expectError(
      carol.api.members.list.query({ projectId: project.id }),
      'NOT_FOUND',
      'members.list',
    );
    expect(
      (await alice.api.members.list.query({ projectId: project.id })).map((m) => m.userId),
    ).toEqual([alice.user.id]);

    await expectError(
      alice.api.members.remove.mutate({ projectId: project.id, userId: bob.user.id }),
      'NOT_FOUND',
      'members.remove',
    );
    await expectError(
      alice.api.members.list.query({ projectId: randomUUID() }),
      'NOT_FOUND',
      'members.list',
    );
  });
});

describe('tasks', () => {
  it('create without projectId goes to the caller’s Inbox, with the defaults', async () => {
    const inbox = await inboxOf(bob);
    const task = await bob.api.tasks.create.mutate({ title: '  Buy filament  ' });
    expect(task).toMatchObject({
      projectId: inbox.id,
      title: 'Buy filament',
      description: '',
      status: 'todo',
      priority: 'medium',
      assigneeId: null,
      dueDate: null,
      version: 1,
      createdById: bob.user.id,
    });
    expect(task.position).toEqual(expect.any(String));
    expect(await bob.api.tasks.get.query({ id: task.id })).toEqual(resultOf(task));
  });

  it('create with every field; dueDate is normalised to UTC', async () => {
    const project = await projectWith(alice, [[bob, 'editor']]);
    const task = await bob.api.tasks.create.mutate({
      projectId: project.id,
      title: 'Tune PID',
      description: 'Hotend overshoots',
      status: 'in-progress',
      priority: 'high',
      assigneeId: alice.user.id,
      dueDate: '2026-03-01T12:00:00+02:00',
    });
    expect(task).toMatchObject({
      projectId: project.id,
      title: 'Tune PID',
      description: 'Hotend overshoots',
      status: 'in-progress',
      priority: 'high',
      assigneeId: alice.user.id,
      dueDate: '2026-03-01T10:00:00.000Z',
      version: 1,
      createdById: bob.user.id,
    });
    expect(await counts(alice.api, project.id)).toEqual({ todo: 0, 'in-progress': 1, done: 0 });
  });

  it('create: assignee not a member BAD_REQUEST, unknown project NOT_FOUND, nothing written', async () => {
    const project = await projectWith(alice);
    await expectError(
      alice.api.tasks.create.mutate({
        projectId: project.id,
        title: 'x',
        assigneeId: carol.user.id,
      }),
      'BAD_REQUEST',
      'tasks.create',
    );
    await expectError(
      alice.api.tasks.create.mutate({
        projectId: project.id,
        title: 'x',
        assigneeId: randomUUID(),
      }),
      'BAD_REQUEST',
      'tasks.create',
    );
    await expectError(
      alice.api.tasks.create.mutate({ projectId: randomUUID(), title: 'x' }),
      'NOT_FOUND',
      'tasks.create',
    );
    expect(await counts(alice.api, project.id)).toEqual({ todo: 0, 'in-progress': 0, done: 0 });
  });

  it('create: invalid input names each field', async () => {
    const project = await projectWith(alice);
    const path = 'tasks.create';
    await expectInvalid(alice.api.tasks.create.mutate({ projectId: project.id, title: '' }), path, [
      'title',
    ]);
    await expectInvalid(
      alice.api.tasks.create.mutate({ projectId: project.id, title: '   ' }),
      path,
      ['title'],
    );
    await expectInvalid(
      alice.api.tasks.create.mutate({ projectId: project.id, title: 'x'.repeat(201) }),
      path,
      ['title'],
    );
    await expectInvalid(
      alice.api.tasks.create.mutate({
        projectId: project.id,
        title: 'ok',
        description: 'd'.repeat(1001),
      }),
      path,
      ['description'],
    );
    await expectInvalid(
      alice.api.tasks.create.mutate({
        projectId: 'nope',
        title: '',
        assigneeId: 'someone',
        dueDate: 'tomorrow',
      }),
      path,
      ['projectId', 'title', 'assigneeId', 'dueDate'],
    );
    expect(await counts(alice.api, project.id)).toEqual({ todo: 0, 'in-progress': 0, done: 0 });
  });

  it('get: unknown id NOT_FOUND, malformed id VALIDATION_ERROR', async () => {
    await expectError(alice.api.tasks.get.query({ id: randomUUID() }), 'NOT_FOUND', 'tasks.get');
    await expectInvalid(alice.api.tasks.get.query({ id: '42' }), 'tasks.get', ['id']);
  });

  it('update bumps the version; expectedVersion guards it; a status change lands at the column’s end', async () => {
    const project = await projectWith(alice, [[bob, 'editor']]);
    const done = await alice.api.tasks.create.mutate({
      projectId: project.id,
      title: 'Done already',
      status: 'done',
    });
    const task = await alice.api.tasks.create.mutate({ projectId: project.id, title: 'Draft' });

    const v2 = await alice.api.tasks.update.mutate({
      id: task.id,
      title: 'Final',
      priority: 'low',
    });
    expect(v2).toMatchObject({
      ...resultOf(task),
      title: 'Final',
      priority: 'low',
      version: 2,
      updatedAt: v2.updatedAt,
    });
    const v3 = await alice.api.tasks.update.mutate({
      id: task.id,
      expectedVersion: 2,
      assigneeId: bob.user.id,
      dueDate: '2026-05-01T00:00:00Z',
      description: 'with notes',
    });
    expect(v3).toMatchObject({
      version: 3,
      assigneeId: bob.user.id,
      dueDate: '2026-05-01T00:00:00.000Z',
      description: 'with notes',
    });

    const stale = await expectError(
      alice.api.tasks.update.mutate({ id: task.id, expectedVersion: 2, title: 'Lost?' }),
      'CONFLICT',
      'tasks.update',
    );
    expect(stale.details).toEqual({ task: resultOf(v3) });
    expect(await alice.api.tasks.get.query({ id: task.id })).toEqual(resultOf(v3));

    const moved = await alice.api.tasks.update.mutate({
      id: task.id,
      expectedVersion: 3,
      status: 'done',
    });
    expect(moved).toMatchObject({ status: 'done', version: 4 });
    expect(moved.position > done.position).toBe(true);
    expect(await columnIds(alice.api, project.id, 'done')).toEqual([done.id, task.id]);

    const unassigned = await alice.api.tasks.update.mutate({
      id: task.id,
      assigneeId: null,
      dueDate: null,
    });
    expect(unassigned).toMatchObject({ assigneeId: null, dueDate: null, version: 5 });
    // Nothing to change: the task as it is, same version, and no event.
    expect(await alice.api.tasks.update.mutate({ id: task.id })).toEqual({
      ...unassigned,
      eventId: null,
    });

    await expectError(
      alice.api.tasks.update.mutate({ id: task.id, assigneeId: carol.user.id }),
      'BAD_REQUEST',
      'tasks.update',
    );
    await expectInvalid(
      alice.api.tasks.update.mutate({ id: task.id, title: '', expectedVersion: 0 }),
      'tasks.update',
      ['title', 'expectedVersion'],
    );
    await expectError(
      alice.api.tasks.update.mutate({ id: randomUUID(), title: 'x' }),
      'NOT_FOUND',
      'tasks.update',
    );
    expect(await alice.api.tasks.get.query({ id: task.id })).toEqual(resultOf(unassigned));
  });

  it('two clients updating one task with the same expectedVersion: one wins, the other gets CONFLICT with the winner', async () => {
    const project = await projectWith(alice, [[bob, 'editor']]);
    for (let round = 0; round < 5; round++) {
      const task = await alice.api.tasks.create.mutate({
        projectId: project.id,
        title: `Race ${round}`,
      });
      const attempts = [
        alice.api.tasks.update.mutate({ id: task.id, expectedVersion: 1, title: 'Alice was here' }),
        bob.api.tasks.update.mutate({
          id: task.id,
          expectedVersion: 1,
          title: 'Bob was here',
          priority: 'high',
        }),
      ];
      const settled = await Promise.allSettled(attempts);
      const winners = settled.flatMap((outcome) =>
        outcome.status === 'fulfilled' ? [outcome.value] : [],
      );
      expect(winners).toHaveLength(1);
      const winner = winners[0];
      const loser = attempts[settled.findIndex((outcome) => outcome.status === 'rejected')];
      if (!winner || !loser) throw new Error('expected one winner and one loser');
      expect(winner.version).toBe(2);
      const conflict = await expectError(loser, 'CONFLICT', 'tasks.update');
      expect(conflict.details).toEqual({ task: resultOf(winner) });
      expect(await alice.api.tasks.get.query({ id: task.id })).toEqual(resultOf(winner));
    }
  });

  it('move between neighbours (afterId / beforeId / both / neither)', async () => {
    const project = await projectWith(alice);
    const create = (title: string) =>
      alice.api.tasks.create.mutate({ projectId: project.id, title });
    const a = await create('A');
    const b = await create('B');
    const c = await create('C');
    const order = () => columnIds(alice.api, project.id, 'todo');
    expect(await order()).toEqual([a.id, b.id, c.id]);

    const c2 = await alice.api.tasks.move.mutate({
      id: c.id,
      status: 'todo',
      afterId: a.id,
      expectedVersion: 1,
    });
    expect(c2).toMatchObject({ status: 'todo', version: 2 });
    expect(await order()).toEqual([a.id, c.id, b.id]);

    await alice.api.tasks.move.mutate({ id: b.id, status: 'todo', beforeId: a.id });
    expect(await order()).toEqual([b.id, a.id, c.id]);

    const a2 = await alice.api.tasks.move.mutate({ id: a.id, status: 'in-progress' });
    expect(a2).toMatchObject({ status: 'in-progress', version: 2 });
    expect(await order()).toEqual([b.id, c.id]);
    expect(await columnIds(alice.api, project.id, 'in-progress')).toEqual([a.id]);

    await alice.api.tasks.move.mutate({ id: c.id, status: 'todo', afterId: null, beforeId: b.id });
    expect(await order()).toEqual([c.id, b.id]);
    const a3 = await alice.api.tasks.move.mutate({
      id: a.id,
      status: 'todo',
      afterId: c.id,
      beforeId: b.id,
    });
    expect(a3).toMatchObject({ status: 'todo', version: 3 });
    expect(await order()).toEqual([c.id, a.id, b.id]);
    expect(await counts(alice.api, project.id)).toEqual({ todo: 3, 'in-progress': 0, done: 0 });

    // Bad neighbours: in another column, the task itself, unknown, or in the wrong order.
    const other = await alice.api.tasks.create.mutate({
      projectId: project.id,
      title: 'D',
      status: 'done',
    });
    const before = await alice.api.tasks.get.query({ id: b.id });
    const badMoves = [
      { id: b.id, status: 'todo' as const, afterId: other.id },
      { id: b.id, status: 'todo' as const, afterId: b.id },
      { id: b.id, status: 'todo' as const, beforeId: randomUUID() },
      { id: c.id, status: 'todo' as const, afterId: b.id, beforeId: a.id },
    ];
    for (const move of badMoves) {
      await expectError(alice.api.tasks.move.mutate(move), 'BAD_REQUEST', 'tasks.move');
    }
    expect(await alice.api.tasks.get.query({ id: b.id })).toEqual(before);
    expect(await order()).toEqual([c.id, a.id, b.id]);

    await expectError(
      alice.api.tasks.move.mutate({ id: randomUUID(), status: 'todo' }),
      'NOT_FOUND',
      'tasks.move',
    );
    await expectInvalid(
      alice.api.tasks.move.mutate({ id: a.id, status: 'todo', afterId: 'x', beforeId: 'y' }),
      'tasks.move',
      ['afterId', 'beforeId'],
    );
  });

  it('move and delete with a stale version are CONFLICT and change nothing', async () => {
    const project = await projectWith(alice);
    const first = await alice.api.tasks.create.mutate({ projectId: project.id, title: 'First' });
    const created = await alice.api.tasks.create.mutate({ projectId: project.id, title: 'Second' });
    const current = await alice.api.tasks.update.mutate({
      id: created.id,
      title: 'Second, edited',
    });
    const board = await alice.api.board.get.query({ projectId: project.id });

    const move = await expectError(
      alice.api.tasks.move.mutate({
        id: created.id,
        status: 'todo',
        beforeId: first.id,
        expectedVersion: 1,
      }),
      'CONFLICT',
      'tasks.move',
    );
    expect(move.details).toEqual({ task: resultOf(current) });
    const del = await expectError(
      alice.api.tasks.delete.mutate({ id: created.id, expectedVersion: 1 }),
      'CONFLICT',
      'tasks.delete',
    );
    expect(del.details).toEqual({ task: resultOf(current) });

    expect(await alice.api.tasks.get.query({ id: created.id })).toEqual(resultOf(current));
    expect(await alice.api.board.get.query({ projectId: project.id })).toEqual(board);
  });

  it('delete removes the task; again it is NOT_FOUND', async () => {
    const project = await projectWith(alice);
    const task = await alice.api.tasks.create.mutate({ projectId: project.id, title: 'Temporary' });
    expect(
      resultOf(await alice.api.tasks.delete.mutate({ id: task.id, expectedVersion: 1 })),
    ).toEqual({ id: task.id });
    await expectError(alice.api.tasks.get.query({ id: task.id }), 'NOT_FOUND', 'tasks.get');
    await expectError(alice.api.tasks.delete.mutate({ id: task.id }), 'NOT_FOUND', 'tasks.delete');
    expect(await counts(alice.api, project.id)).toEqual({ todo: 0, 'in-progress': 0, done: 0 });
  });

  describe('list', () => {
    let projectId: string;
    let t: Record<'calibrate' | 'level' | 'pid' | 'benchy' | 'infill', Task>;

    beforeAll(async () => {
      const project = await projectWith(alice, [[bob, 'editor']], 'Listing');
      projectId = project.id;
      const create = async (input: Parameters<typeof alice.api.tasks.create.mutate>[0]) =>
        resultOf(await alice.api.tasks.create.mutate(input));
      t = {
        calibrate: await create({
          projectId,
          title: 'Calibrate extruder',
          priority: 'high',
          assigneeId: bob.user.id,
          dueDate: '2026-02-01T00:00:00Z',
        }),
        level: await create({
          projectId,
          title: 'Level the bed',
          priority: 'low',
          description: 'Use a sheet of PAPER',
        }),
        pid: await create({
          projectId,
          title: 'Tune PID',
          status: 'in-progress',
          assigneeId: bob.user.id,
          dueDate: '2026-01-15T00:00:00Z',
        }),
        benchy: await create({
          projectId,
          title: 'Print benchy',
          status: 'done',
          priority: 'high',
        }),
        infill: await create({ projectId, title: '100% infill test' }),
      };
    });

    const ids = (list: { tasks: Task[] }) => list.tasks.map((task) => task.id);

    it('a project’s tasks in board order, with the pagination shape', async () => {
      const list = await bob.api.tasks.list.query({ projectId });
      expect(ids(list)).toEqual([t.calibrate.id, t.level.id, t.infill.id, t.pid.id, t.benchy.id]);
      expect(list.pagination).toEqual({ page: 1, limit: 20, total: 5, totalPages: 1 });
      expect(list.tasks[0]).toEqual(t.calibrate);
    });

    it('filters by status, priority, assignee and search (case-insensitive, title or description, literal %)', async () => {
      const q = (input: Pick<ListTasksInput, 'status' | 'priority' | 'assigneeId' | 'search'>) =>
        alice.api.tasks.list.query({ projectId, ...input });
      expect(ids(await q({ status: 'todo' }))).toEqual([t.calibrate.id, t.level.id, t.infill.id]);
      expect((await q({ status: 'todo' })).pagination.total).toBe(3);
      expect(ids(await q({ priority: 'high' }))).toEqual([t.calibrate.id, t.benchy.id]);
      expect(ids(await q({ assigneeId: bob.user.id }))).toEqual([t.calibrate.id, t.pid.id]);
      expect(ids(await q({ search: 'paper' }))).toEqual([t.level.id]);
      expect(ids(await q({ search: 'pid' }))).toEqual([t.pid.id]);
      expect(ids(await q({ search: '%' }))).toEqual([t.infill.id]);
      expect(ids(await q({ search: '_' }))).toEqual([]);
      const combined = await q({ status: 'todo', priority: 'high', assigneeId: bob.user.id });
      expect(ids(combined)).toEqual([t.calibrate.id]);
      expect(combined.pagination.total).toBe(1);
      expect(await q({ assigneeId: carol.user.id })).toEqual({
        tasks: [],
        pagination: { page: 1, limit: 20, total: 0, totalPages: 0 },
      });
    });

    it('sorts by priority, dueDate and createdAt', async () => {
      const byPriority = ids(
        await alice.api.tasks.list.query({ projectId, sort: 'priority', order: 'desc' }),
      );
      expect(byPriority.slice(0, 2).sort()).toEqual([t.calibrate.id, t.benchy.id].sort());
      expect(byPriority.at(-1)).toBe(t.level.id);
      const byDue = ids(await alice.api.tasks.list.query({ projectId, sort: 'dueDate' }));
      expect(byDue.slice(0, 2)).toEqual([t.pid.id, t.calibrate.id]);
      const byDueDesc = ids(
        await alice.api.tasks.list.query({ projectId, sort: 'dueDate', order: 'desc' }),
      );
      expect(byDueDesc.slice(0, 2)).toEqual([t.calibrate.id, t.pid.id]);
      const byCreated = (await alice.api.tasks.list.query({ projectId, sort: 'createdAt' })).tasks;
      const created = byCreated.map((task) => task.createdAt);
      expect(created).toEqual([...created].sort());
    });

    it('pages: limit and page, and a page beyond the end is empty with the same totals', async () => {
      const page1 = await alice.api.tasks.list.query({ projectId, limit: 2 });
      const page2 = await alice.api.tasks.list.query({ projectId, limit: 2, page: 2 });
      const page3 = await alice.api.tasks.list.query({ projectId, limit: 2, page: 3 });
      expect(page1.pagination).toEqual({ page: 1, limit: 2, total: 5, totalPages: 3 });
      expect(page3.pagination).toEqual({ page: 3, limit: 2, total: 5, totalPages: 3 });
      expect([...ids(page1), ...ids(page2), ...ids(page3)]).toEqual(
        ids(await alice.api.tasks.list.query({ projectId })),
      );
      expect(await alice.api.tasks.list.query({ projectId, limit: 2, page: 4 })).toEqual({
        tasks: [],
        pagination: { page: 4, limit: 2, total: 5, totalPages: 3 },
      });
    });

    it('without projectId: only tasks of the caller’s projects', async () => {
      const list = await carol.api.tasks.list.query({ search: 'infill' });
      expect(ids(list)).not.toContain(t.infill.id);
      const mine = await bob.api.tasks.list.query({ assigneeId: bob.user.id, limit: 100 });
      expect(ids(mine)).toEqual(expect.arrayContaining([t.calibrate.id, t.pid.id]));
    });

    it('invalid paging and search are VALIDATION_ERRORs; an unknown project is NOT_FOUND', async () => {
      const path = 'tasks.list';
      await expectInvalid(alice.api.tasks.list.query({ projectId, limit: 0 }), path, ['limit']);
      await expectInvalid(alice.api.tasks.list.query({ projectId, limit: 101 }), path, ['limit']);
      await expectInvalid(alice.api.tasks.list.query({ projectId, page: 0, limit: 1.5 }), path, [
        'page',
        'limit',
      ]);
      await expectInvalid(alice.api.tasks.list.query({ search: 's'.repeat(101) }), path, [
        'search',
      ]);
      await expectError(alice.api.tasks.list.query({ projectId: randomUUID() }), 'NOT_FOUND', path);
    });
  });
});

describe('board', () => {
  it('three columns in order with counts; lastEventId grows with every change', async () => {
    const project = await projectWith(alice);
    const empty = await alice.api.board.get.query({ projectId: project.id });
    expect(empty.project).toMatchObject({ id: project.id, name: project.name });
    expect(empty.columns).toEqual([
      { status: 'todo', count: 0, tasks: [], nextCursor: null },
      { status: 'in-progress', count: 0, tasks: [], nextCursor: null },
      { status: 'done', count: 0, tasks: [], nextCursor: null },
    ]);
    // Creating the project recorded its owner joining.
    expect(empty.lastEventId).toBeGreaterThan(0);

    const one = await alice.api.tasks.create.mutate({ projectId: project.id, title: 'One' });
    const two = await alice.api.tasks.create.mutate({ projectId: project.id, title: 'Two' });
    const three = await alice.api.tasks.create.mutate({
      projectId: project.id,
      title: 'Three',
      status: 'done',
    });
    const board = await alice.api.board.get.query({ projectId: project.id });
    expect(board.columns.map((c) => [c.status, c.count, c.tasks.map((task) => task.id)])).toEqual([
      ['todo', 2, [one.id, two.id]],
      ['in-progress', 0, []],
      ['done', 1, [three.id]],
    ]);
    expect(board.lastEventId).toBeGreaterThan(empty.lastEventId);

    await alice.api.tasks.move.mutate({ id: one.id, status: 'in-progress' });
    const after = await alice.api.board.get.query({ projectId: project.id });
    expect(after.lastEventId).toBeGreaterThan(board.lastEventId);
    expect(after.columns.map((c) => c.count)).toEqual([1, 1, 1]);

    // A read changes nothing.
    expect((await alice.api.board.get.query({ projectId: project.id })).lastEventId).toBe(
      after.lastEventId,
    );
  });

  it('a column longer than the limit pages by nextCursor through board.column', async () => {
    const project = await projectWith(alice, [[carol, 'viewer']]);
    const created: Task[] = [];
    for (let i = 0; i < 5; i++) {
      created.push(
        await alice.api.tasks.create.mutate({ projectId: project.id, title: `Card ${i}` }),
      );
    }
    await alice.api.tasks.create.mutate({
      projectId: project.id,
      title: 'Shipped',
      status: 'done',
    });

    const board = await carol.api.board.get.query({ projectId: project.id, limit: 2 });
    const todo = board.columns[0];
    expect(todo).toMatchObject({ status: 'todo', count: 5 });
    expect(todo?.tasks.map((task) => task.id)).toEqual([created[0]?.id, created[1]?.id]);
    expect(board.columns[2]).toMatchObject({ status: 'done', count: 1, nextCursor: null });

    const seen = todo?.tasks.map((task) => task.id) ?? [];
    let cursor = todo?.nextCursor ?? null;
    let pages = 1;
    while (cursor !== null) {
      const page = await carol.api.board.column.query({
        projectId: project.id,
        status: 'todo',
        cursor,
        limit: 2,
      });
      expect(page).toMatchObject({ status: 'todo', count: 5 });
      expect(page.tasks.length).toBeLessThanOrEqual(2);
      seen.push(...page.tasks.map((task) => task.id));
      cursor = page.nextCursor;
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(created.map((task) => task.id));
  });

  it('errors: unknown project NOT_FOUND, bad cursor BAD_REQUEST, bad limit VALIDATION_ERROR', async () => {
    const project = await projectWith(alice);
    await expectError(
      alice.api.board.get.query({ projectId: randomUUID() }),
      'NOT_FOUND',
      'board.get',
    );
    await expectError(
      alice.api.board.column.query({ projectId: randomUUID(), status: 'todo', cursor: 'abc' }),
      'NOT_FOUND',
      'board.column',
    );
    await expectError(
      alice.api.board.column.query({ projectId: project.id, status: 'todo', cursor: 'garbage' }),
      'BAD_REQUEST',
      'board.column',
    );
    await expectInvalid(
      alice.api.board.column.query({ projectId: project.id, status: 'todo', cursor: '' }),
      'board.column',
      ['cursor'],
    );
    await expectInvalid(
      alice.api.board.get.query({ projectId: project.id, limit: 0 }),
      'board.get',
      ['limit'],
    );
    await expectInvalid(
      alice.api.board.get.query({ projectId: project.id, limit: 501 }),
      'board.get',
      ['limit'],
    );
  });
});

describe('the error contract on the wire', () => {
  const wireErrorSchema = z.object({
    error: z.object({
      data: z.object({
        appCode: z.string(),
        httpStatus: z.number(),
        details: z.unknown(),
        path: z.string().nullable(),
      }),
    }),
  });

  async function raw(path: string, init: { body?: unknown; query?: unknown; token?: string }) {
    const url = new URL(`${server.url}/trpc/${path}`);
    if (init.query !== undefined) url.searchParams.set('input', JSON.stringify(init.query));
    const response = await fetch(url, {
      method: init.body === undefined ? 'GET' : 'POST',
      headers: {
        ...(init.token && { authorization: `Bearer ${init.token}` }),
        ...(init.body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
    });
    const body: unknown = await response.json();
    return { status: response.status, body };
  }

  it('answers with the HTTP status of the code and carries the procedure path', async () => {
    const notFound = await raw('projects.get', { query: { id: randomUUID() }, token: alice.token });
    expect(notFound.status).toBe(404);
    expect(notFound.body).toMatchObject({
      error: {
        data: { appCode: 'NOT_FOUND', httpStatus: 404, details: null, path: 'projects.get' },
      },
    });

    const signedOut = await raw('board.get', { query: { projectId: randomUUID() } });
    expect(signedOut.status).toBe(401);
    expect(signedOut.body).toMatchObject({
      error: { data: { appCode: 'UNAUTHORIZED', httpStatus: 401, path: 'board.get' } },
    });

    // Inputs the typed client cannot send: a bad enum and a wrong type.
    const invalid = await raw('tasks.create', {
      body: { title: 7, status: 'blocked' },
      token: alice.token,
    });
    expect(invalid.status).toBe(400);
    const { data } = wireErrorSchema.parse(invalid.body).error;
    expect({ appCode: data.appCode, httpStatus: data.httpStatus, path: data.path }).toEqual({
      appCode: 'VALIDATION_ERROR',
      httpStatus: 400,
      path: 'tasks.create',
    });
    expect(Object.keys(z.record(z.string(), z.string()).parse(data.details)).sort()).toEqual([
      'status',
      'title',
    ]);
    expect(JSON.stringify(invalid.body)).not.toMatch(/stack|at .*\.ts:/);

    const noInput = await raw('tasks.get', { token: alice.token });
    expect(noInput.status).toBe(400);
    expect(noInput.body).toMatchObject({
      error: { data: { appCode: 'VALIDATION_ERROR', path: 'tasks.get' } },
    });
  });
});
