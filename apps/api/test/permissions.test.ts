import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUserRole } from '@taskboard/db';
import type { DisposableDatabase } from '@taskboard/db/testing';
import type { AppErrorCode, MemberRole, Task } from '@taskboard/schema';
import {
  client,
  createTestDatabase,
  errorOf,
  signUp,
  startServer,
  type Client,
  type TestServer,
} from './support/server';
import { resultOf } from './support/answers';

/**
 * SPEC.md's permission table, procedure by procedure, for every kind of caller:
 *
 * | action                                        | viewer | editor | owner | global admin |
 * | read project, tasks, members                  | yes    | yes    | yes   | yes          |
 * | create / update / move / delete tasks         | no     | yes    | yes   | yes          |
 * | rename / archive project, manage members      | no     | no     | yes   | yes          |
 * | delete project                                | no     | no     | yes   | yes          |
 *
 * A non-member gets NOT_FOUND (the project's existence is not revealed), a member without the
 * right FORBIDDEN, a signed-out caller UNAUTHORIZED.
 */

type Account = Awaited<ReturnType<typeof signUp>>;
type Actor = 'viewer' | 'editor' | 'owner' | 'non-member' | 'admin' | 'signed-out';
/** `signed-in`: not tied to an existing project, so any signed-in user may call it. */
type Minimum = MemberRole | 'signed-in';

const actors: readonly Actor[] = ['viewer', 'editor', 'owner', 'non-member', 'admin', 'signed-out'];
const rank: Record<MemberRole, number> = { viewer: 0, editor: 1, owner: 2 };

const httpStatusOf = {
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
} as const satisfies Partial<Record<AppErrorCode, number>>;
type Denial = keyof typeof httpStatusOf;

function expectedOutcome(actor: Actor, minimum: Minimum): 'allowed' | Denial {
  switch (actor) {
    case 'signed-out':
      return 'UNAUTHORIZED';
    case 'admin':
      return 'allowed';
    case 'non-member':
      return minimum === 'signed-in' ? 'allowed' : 'NOT_FOUND';
    default:
      return minimum === 'signed-in' || rank[actor] >= rank[minimum] ? 'allowed' : 'FORBIDDEN';
  }
}

/** One project with an owner, an editor, a viewer and a bystander (a viewer to act on). */
interface Fixture {
  projectId: string;
  /** Two tasks in `todo`, so a column page of 1 has a `nextCursor`. */
  task: Task;
  otherTask: Task;
  /** The `nextCursor` of the `todo` column at limit 1. */
  cursor: string;
  /** A member the owner may re-role or remove; never the caller. */
  bystanderId: string;
  /** The email of a user who is not a member yet. */
  inviteeEmail: string;
}

interface Row {
  procedure: string;
  /** Distinguishes two rows of one procedure. */
  variant?: string;
  minimum: Minimum;
  kind: 'query' | 'mutation';
  /**
   * When allowed, changes the fixture in a way another caller would trip over, so an allowed
   * call gets a fresh project (a refused one must leave the shared project as it was).
   */
  fresh?: boolean;
  call: (api: Client, fx: Fixture) => Promise<unknown>;
}

const table: Row[] = [
  // projects
  {
    procedure: 'projects.list',
    minimum: 'signed-in',
    kind: 'query',
    call: (api) => api.projects.list.query(),
  },
  {
    procedure: 'projects.get',
    minimum: 'viewer',
    kind: 'query',
    call: (api, fx) => api.projects.get.query({ id: fx.projectId }),
  },
  {
    procedure: 'projects.create',
    minimum: 'signed-in',
    kind: 'mutation',
    call: (api) => api.projects.create.mutate({ name: 'Mine' }),
  },
  {
    procedure: 'projects.update',
    minimum: 'owner',
    kind: 'mutation',
    call: (api, fx) => api.projects.update.mutate({ id: fx.projectId, name: 'Renamed' }),
  },
  {
    procedure: 'projects.archive',
    minimum: 'owner',
    kind: 'mutation',
    fresh: true,
    call: (api, fx) => api.projects.archive.mutate({ id: fx.projectId }),
  },
  {
    procedure: 'projects.archive',
    variant: 'restore',
    minimum: 'owner',
    kind: 'mutation',
    call: (api, fx) => api.projects.archive.mutate({ id: fx.projectId, archived: false }),
  },
  {
    procedure: 'projects.delete',
    minimum: 'owner',
    kind: 'mutation',
    fresh: true,
    call: (api, fx) => api.projects.delete.mutate({ id: fx.projectId }),
  },
  // members
  {
    procedure: 'members.list',
    minimum: 'viewer',
    kind: 'query',
    call: (api, fx) => api.members.list.query({ projectId: fx.projectId }),
  },
  {
    procedure: 'members.add',
    minimum: 'owner',
    kind: 'mutation',
    fresh: true,
    call: (api, fx) => api.members.add.mutate({ projectId: fx.projectId, email: fx.inviteeEmail }),
  },
  {
    procedure: 'members.updateRole',
    minimum: 'owner',
    kind: 'mutation',
    fresh: true,
    call: (api, fx) =>
      api.members.updateRole.mutate({
        projectId: fx.projectId,
        userId: fx.bystanderId,
        role: 'editor',
      }),
  },
  {
    procedure: 'members.remove',
    variant: 'another member',
    minimum: 'owner',
    kind: 'mutation',
    fresh: true,
    call: (api, fx) =>
      api.members.remove.mutate({ projectId: fx.projectId, userId: fx.bystanderId }),
  },
  // tasks
  {
    procedure: 'tasks.list',
    minimum: 'viewer',
    kind: 'query',
    call: (api, fx) => api.tasks.list.query({ projectId: fx.projectId }),
  },
  {
    procedure: 'tasks.list',
    variant: 'without projectId',
    minimum: 'signed-in',
    kind: 'query',
    call: (api) => api.tasks.list.query({}),
  },
  {
    procedure: 'tasks.get',
    minimum: 'viewer',
    kind: 'query',
    call: (api, fx) => api.tasks.get.query({ id: fx.task.id }),
  },
  {
    procedure: 'tasks.create',
    minimum: 'editor',
    kind: 'mutation',
    call: (api, fx) =>
      api.tasks.create.mutate({ projectId: fx.projectId, title: 'New', status: 'done' }),
  },
  {
    procedure: 'tasks.create',
    variant: 'into the own Inbox',
    minimum: 'signed-in',
    kind: 'mutation',
    call: (api) => api.tasks.create.mutate({ title: 'Note to self' }),
  },
  {
    procedure: 'tasks.update',
    minimum: 'editor',
    kind: 'mutation',
    call: (api, fx) => api.tasks.update.mutate({ id: fx.task.id, priority: 'high' }),
  },
  {
    procedure: 'tasks.move',
    minimum: 'editor',
    kind: 'mutation',
    call: (api, fx) =>
      api.tasks.move.mutate({ id: fx.task.id, status: 'todo', afterId: fx.otherTask.id }),
  },
  {
    procedure: 'tasks.delete',
    minimum: 'editor',
    kind: 'mutation',
    fresh: true,
    call: (api, fx) => api.tasks.delete.mutate({ id: fx.task.id }),
  },
  // board
  {
    procedure: 'board.get',
    minimum: 'viewer',
    kind: 'query',
    call: (api, fx) => api.board.get.query({ projectId: fx.projectId }),
  },
  {
    procedure: 'board.column',
    minimum: 'viewer',
    kind: 'query',
    call: (api, fx) =>
      api.board.column.query({
        projectId: fx.projectId,
        status: 'todo',
        cursor: fx.cursor,
        limit: 1,
      }),
  },
];

let database: DisposableDatabase;
let server: TestServer;
let owner: Account;
let editor: Account;
let viewer: Account;
let outsider: Account;
let bystander: Account;
let invitee: Account;
let adminApi: Client;
let adminId: string;
let shared: Fixture;
const signedOut = () => client(server);

function apiOf(actor: Actor): Client {
  switch (actor) {
    case 'owner':
      return owner.api;
    case 'editor':
      return editor.api;
    case 'viewer':
      return viewer.api;
    case 'non-member':
      return outsider.api;
    case 'admin':
      return adminApi;
    case 'signed-out':
      return signedOut();
  }
}

async function createFixture(name = 'Permissions'): Promise<Fixture> {
  const project = await owner.api.projects.create.mutate({ name });
  const projectId = project.id;
  await Promise.all([
    owner.api.members.add.mutate({ projectId, email: editor.email, role: 'editor' }),
    owner.api.members.add.mutate({ projectId, email: viewer.email, role: 'viewer' }),
    owner.api.members.add.mutate({ projectId, email: bystander.email, role: 'viewer' }),
  ]);
  const task = await owner.api.tasks.create.mutate({ projectId, title: 'First' });
  const otherTask = await owner.api.tasks.create.mutate({ projectId, title: 'Second' });
  const board = await owner.api.board.get.query({ projectId, limit: 1 });
  const cursor = board.columns[0]?.nextCursor;
  if (!cursor) throw new Error('the todo column should have a second page');
  return {
    projectId,
    task,
    otherTask,
    cursor,
    bystanderId: bystander.user.id,
    inviteeEmail: invitee.email,
  };
}

/** What an outside observer (the owner) sees of a project: its newest event and its columns. */
async function snapshot(projectId: string) {
  // One batched request.
  const [board, members] = await Promise.all([
    owner.api.board.get.query({ projectId }),
    owner.api.members.list.query({ projectId }),
  ]);
  return {
    lastEventId: board.lastEventId,
    project: board.project,
    columns: board.columns,
    members,
  };
}

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startServer(database);
  const admin = await signUp(server, 'Admin');
  [owner, editor, viewer, outsider, bystander, invitee] = await Promise.all([
    signUp(server, 'Owner'),
    signUp(server, 'Editor'),
    signUp(server, 'Viewer'),
    signUp(server, 'Outsider'),
    signUp(server, 'Bystander'),
    signUp(server, 'Invitee'),
  ]);
  // Sessions are cached with the user for up to a minute: the role must be set before the
  // admin's session is created, so sign in again.
  await setUserRole(database.db, admin.user.id, 'admin');
  const signedIn = await client(server).auth.login.mutate({
    email: admin.email,
    password: admin.password,
  });
  expect(signedIn.user.role).toBe('admin');
  adminApi = client(server, signedIn.token);
  adminId = signedIn.user.id;
  shared = await createFixture();
});

afterAll(async () => {
  await server.close();
  await database.dispose();
});

const cases = table.flatMap((row) =>
  actors.map((actor) => ({
    ...row,
    name: row.variant ? `${row.procedure} (${row.variant})` : row.procedure,
    actor,
    outcome: expectedOutcome(actor, row.minimum),
  })),
);

describe('the permission table', () => {
  it.each(cases)(
    '$name by $actor: $outcome',
    async ({ procedure, kind, fresh, call, actor, outcome }) => {
      const fx = fresh && outcome === 'allowed' ? await createFixture() : shared;
      const before = kind === 'mutation' ? await snapshot(fx.projectId) : null;
      const result = call(apiOf(actor), fx);
      if (outcome === 'allowed') {
        await expect(result).resolves.toBeDefined();
        return;
      }
      const error = await errorOf(result);
      expect({ appCode: error.appCode, httpStatus: error.httpStatus, path: error.path }).toEqual({
        appCode: outcome,
        httpStatus: httpStatusOf[outcome],
        path: procedure,
      });
      // A refused call wrote nothing.
      if (before) expect(await snapshot(fx.projectId)).toEqual(before);
    },
  );

  it('covers every project, member, task and board procedure', () => {
    const procedures = new Set(table.map((row) => row.procedure));
    expect([...procedures].sort()).toEqual(
      [
        'projects.list',
        'projects.get',
        'projects.create',
        'projects.update',
        'projects.archive',
        'projects.delete',
        'members.list',
        'members.add',
        'members.updateRole',
        'members.remove',
        'tasks.list',
        'tasks.get',
        'tasks.create',
        'tasks.update',
        'tasks.move',
        'tasks.delete',
        'board.get',
        'board.column',
      ].sort(),
    );
  });
});

describe('leaving a project', () => {
  it.each(['viewer', 'editor'] as const)('a %s may remove themselves', async (role) => {
    const fx = await createFixture('Leaving');
    const member = role === 'viewer' ? viewer : editor;
    await member.api.members.remove.mutate({ projectId: fx.projectId, userId: member.user.id });
    const error = await errorOf(member.api.projects.get.query({ id: fx.projectId }));
    expect(error.appCode).toBe('NOT_FOUND');
  });

  it('the only owner may not (BAD_REQUEST); a non-member gets NOT_FOUND; signed out UNAUTHORIZED', async () => {
    const fx = await createFixture('Staying');
    const before = await snapshot(fx.projectId);
    const ownerLeaves = await errorOf(
      owner.api.members.remove.mutate({ projectId: fx.projectId, userId: owner.user.id }),
    );
    expect([ownerLeaves.appCode, ownerLeaves.httpStatus]).toEqual(['BAD_REQUEST', 400]);
    const outsiderLeaves = await errorOf(
      outsider.api.members.remove.mutate({ projectId: fx.projectId, userId: outsider.user.id }),
    );
    expect([outsiderLeaves.appCode, outsiderLeaves.httpStatus]).toEqual(['NOT_FOUND', 404]);
    const adminLeaves = await errorOf(
      adminApi.members.remove.mutate({ projectId: fx.projectId, userId: adminId }),
    );
    expect([adminLeaves.appCode, adminLeaves.httpStatus]).toEqual(['NOT_FOUND', 404]);
    const anonymous = await errorOf(
      signedOut().members.remove.mutate({ projectId: fx.projectId, userId: viewer.user.id }),
    );
    expect([anonymous.appCode, anonymous.httpStatus, anonymous.path]).toEqual([
      'UNAUTHORIZED',
      401,
      'members.remove',
    ]);
    expect(await snapshot(fx.projectId)).toEqual(before);
  });
});

describe('ids of another project', () => {
  /** Project A: owner (also a viewer of B) and editor. Project B: its own owner, with a task. */
  let a: Fixture;
  let bProjectId: string;
  let bTask: Task;
  let bOwner: Account;

  beforeAll(async () => {
    a = await createFixture('Project A');
    bOwner = outsider;
    const b = await bOwner.api.projects.create.mutate({ name: 'Project B' });
    bProjectId = b.id;
    await bOwner.api.members.add.mutate({ projectId: b.id, email: owner.email, role: 'viewer' });
    bTask = resultOf(await bOwner.api.tasks.create.mutate({ projectId: b.id, title: 'B’s task' }));
  });

  async function expectRefused(call: Promise<unknown>, appCode: AppErrorCode, path: string) {
    const error = await errorOf(call);
    expect({ appCode: error.appCode, path: error.path }).toEqual({ appCode, path });
  }

  it('are refused, and nothing is written in either project', async () => {
    const beforeA = await snapshot(a.projectId);
    const beforeB = await bOwner.api.board.get.query({ projectId: bProjectId });
    const bMembers = await bOwner.api.members.list.query({ projectId: bProjectId });

    // B's task as a neighbour in A (the caller can see both projects).
    await expectRefused(
      owner.api.tasks.move.mutate({ id: a.task.id, status: 'todo', afterId: bTask.id }),
      'BAD_REQUEST',
      'tasks.move',
    );
    await expectRefused(
      owner.api.tasks.move.mutate({
        id: a.task.id,
        status: 'todo',
        beforeId: bTask.id,
        expectedVersion: a.task.version,
      }),
      'BAD_REQUEST',
      'tasks.move',
    );
    // A member of B only, as assignee in A.
    await expectRefused(
      owner.api.tasks.create.mutate({
        projectId: a.projectId,
        title: 'x',
        assigneeId: bOwner.user.id,
      }),
      'BAD_REQUEST',
      'tasks.create',
    );
    await expectRefused(
      owner.api.tasks.update.mutate({ id: a.task.id, assigneeId: bOwner.user.id }),
      'BAD_REQUEST',
      'tasks.update',
    );
    // A user who is only in B, managed through A.
    await expectRefused(
      owner.api.members.updateRole.mutate({
        projectId: a.projectId,
        userId: bOwner.user.id,
        role: 'viewer',
      }),
      'NOT_FOUND',
      'members.updateRole',
    );
    await expectRefused(
      owner.api.members.remove.mutate({ projectId: a.projectId, userId: bOwner.user.id }),
      'NOT_FOUND',
      'members.remove',
    );
    // B's task by a member of A only: not revealed, whatever the action.
    await expectRefused(editor.api.tasks.get.query({ id: bTask.id }), 'NOT_FOUND', 'tasks.get');
    await expectRefused(
      editor.api.tasks.update.mutate({ id: bTask.id, title: 'Mine now' }),
      'NOT_FOUND',
      'tasks.update',
    );
    await expectRefused(
      editor.api.tasks.move.mutate({ id: bTask.id, status: 'done' }),
      'NOT_FOUND',
      'tasks.move',
    );
    await expectRefused(
      editor.api.tasks.delete.mutate({ id: bTask.id }),
      'NOT_FOUND',
      'tasks.delete',
    );
    await expectRefused(
      editor.api.tasks.list.query({ projectId: bProjectId }),
      'NOT_FOUND',
      'tasks.list',
    );
    // A member of A moving their A task next to B's task they cannot see.
    await expectRefused(
      editor.api.tasks.move.mutate({ id: a.task.id, status: 'todo', afterId: bTask.id }),
      'BAD_REQUEST',
      'tasks.move',
    );

    expect(await snapshot(a.projectId)).toEqual(beforeA);
    expect(await owner.api.tasks.get.query({ id: a.task.id })).toEqual(
      beforeA.columns[0]?.tasks.find((task) => task.id === a.task.id),
    );
    expect(await bOwner.api.board.get.query({ projectId: bProjectId })).toEqual(beforeB);
    expect(await bOwner.api.tasks.get.query({ id: bTask.id })).toEqual(bTask);
    expect(await bOwner.api.members.list.query({ projectId: bProjectId })).toEqual(bMembers);
  });

  it('tasks.list without projectId covers only the caller’s projects; an admin’s covers all', async () => {
    const projectOf = (tasks: Task[]) => new Set(tasks.map((task) => task.projectId));
    const editorsProjects = new Set(
      (await editor.api.projects.list.query({ includeArchived: true })).map((p) => p.id),
    );
    const editorsTasks = await editor.api.tasks.list.query({ limit: 100 });
    expect(editorsTasks.pagination.total).toBeLessThanOrEqual(100);
    expect(editorsTasks.tasks.map((task) => task.id)).not.toContain(bTask.id);
    for (const projectId of projectOf(editorsTasks.tasks))
      expect(editorsProjects).toContain(projectId);
    expect(editorsTasks.tasks.map((task) => task.id)).toContain(a.task.id);

    const ownersTasks = await owner.api.tasks.list.query({ search: 'B’s task' });
    expect(ownersTasks.tasks.map((task) => task.id)).toEqual([bTask.id]);
    const editorsSearch = await editor.api.tasks.list.query({ search: 'B’s task' });
    expect(editorsSearch).toEqual({
      tasks: [],
      pagination: { page: 1, limit: 20, total: 0, totalPages: 0 },
    });

    const everything = await adminApi.tasks.list.query({ limit: 100 });
    expect(everything.tasks.map((task) => task.id)).toEqual(
      expect.arrayContaining([bTask.id, a.task.id, shared.task.id]),
    );
    expect(everything.pagination.total).toBeGreaterThan(editorsTasks.pagination.total);
  });

  it('projects.list shows members their projects with their role; an admin sees every project', async () => {
    const roleIn = async (api: Client, projectId: string) =>
      (await api.projects.list.query()).find((project) => project.id === projectId)?.role;
    expect(await roleIn(owner.api, a.projectId)).toBe('owner');
    expect(await roleIn(editor.api, a.projectId)).toBe('editor');
    expect(await roleIn(viewer.api, a.projectId)).toBe('viewer');
    expect(await roleIn(editor.api, bProjectId)).toBeUndefined();
    // An admin who is not a member: listed, with no role.
    expect(await roleIn(adminApi, a.projectId)).toBeNull();
    expect(await roleIn(adminApi, bProjectId)).toBeNull();
    expect((await adminApi.projects.get.query({ id: bProjectId })).role).toBeNull();
  });
});
