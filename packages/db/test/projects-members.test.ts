import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  INBOX_PROJECT_NAME,
  memberSchema,
  projectEventSchema,
  projectSchema,
  type MemberRole,
  type Project,
  type ProjectListItem,
  type User,
} from '@taskboard/schema';
import {
  addMember,
  appendEvents,
  createInbox,
  createProject,
  createUser,
  deleteProject,
  getInboxProject,
  getMember,
  getMemberRole,
  getProject,
  getTask,
  listMembers,
  listProjectEventsAfter,
  listProjects,
  removeMember,
  runUnitOfWork,
  updateMemberRole,
  updateProject,
  updateTask,
  type PendingEvent,
  type UnitOfWork,
} from '../src/index';
import { createTestDatabase, engine, type TestDatabase } from './support/database';
import { makeProject, makeTask, makeUser } from './support/fixtures';

let handle: TestDatabase;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(() => handle.dispose());

/** Runs `work` as one unit of work of `actor`. */
function work<T>(actor: User, fn: (uow: UnitOfWork) => Promise<T>) {
  return runUnitOfWork(handle.db, actor.id, fn);
}

/**
 * One attempt of a unit of work, without runUnitOfWork's retry on deadlock: for the tests that
 * check the locks themselves never deadlock (a retried deadlock still costs a second).
 */
function workOnce<T>(actor: User, fn: (uow: UnitOfWork) => Promise<T>) {
  return handle.db.transaction().execute(async (trx) => {
    const pending: PendingEvent[] = [];
    const uow: UnitOfWork = {
      trx,
      actorId: actor.id,
      record(projectId, body, recipientId = null) {
        pending.push({ projectId, actorId: actor.id, recipientId, body });
      },
    };
    const result = await fn(uow);
    return { result, events: await appendEvents(trx, pending) };
  });
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The newest event id in the whole database (0 for none). */
async function maxEventId(): Promise<number> {
  const row = await handle.db
    .selectFrom('projectEvents')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return row?.id == null ? 0 : Number(row.id);
}

async function countEvents(): Promise<number> {
  const row = await handle.db
    .selectFrom('projectEvents')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function countProjects(status?: 'active'): Promise<number> {
  let query = handle.db.selectFrom('projects').select((eb) => eb.fn.countAll().as('n'));
  if (status) query = query.where('status', '=', status);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Everything stored for a project: its row, tasks, members, events and column counters. */
async function snapshot(projectId: string) {
  const db = handle.db;
  return {
    project: await getProject(db, projectId),
    tasks: await db
      .selectFrom('tasks')
      .selectAll()
      .where('projectId', '=', projectId)
      .orderBy('id')
      .execute(),
    members: await db
      .selectFrom('projectMembers')
      .selectAll()
      .where('projectId', '=', projectId)
      .orderBy('userId')
      .execute(),
    events: await db
      .selectFrom('projectEvents')
      .selectAll()
      .where('projectId', '=', projectId)
      .orderBy('id')
      .execute(),
    counts: await db
      .selectFrom('projectTaskCounts')
      .selectAll()
      .where('projectId', '=', projectId)
      .orderBy('status')
      .execute(),
  };
}

async function ownersOf(projectId: string): Promise<string[]> {
  const rows = await handle.db
    .selectFrom('projectMembers')
    .select('userId')
    .where('projectId', '=', projectId)
    .where('role', '=', 'owner')
    .orderBy('userId')
    .execute();
  return rows.map((row) => row.userId);
}

function summary(user: User) {
  return { id: user.id, email: user.email, name: user.name };
}

/** Splits settled promises; a rejection's reason is kept as `unknown`. */
function settle<T>(results: PromiseSettledResult<T>[]) {
  const fulfilled: T[] = [];
  const rejected: unknown[] = [];
  for (const result of results) {
    if (result.status === 'fulfilled') fulfilled.push(result.value);
    else rejected.push(result.reason);
  }
  return { fulfilled, rejected };
}

describe(`projects (${engine})`, () => {
  it('createProject adds the owner as a member with role owner and records member.added', async () => {
    const owner = await makeUser(handle.db, 'Olga');

    const { result: project, events } = await work(owner, (uow) =>
      createProject(uow, { name: 'Printer', description: 'Prusa MK4', ownerId: owner.id }),
    );

    expect(projectSchema.strict().parse(project)).toEqual(project);
    expect(project).toMatchObject({
      name: 'Printer',
      description: 'Prusa MK4',
      status: 'active',
      ownerId: owner.id,
      isInbox: false,
    });
    await expect(getProject(handle.db, project.id)).resolves.toEqual(project);
    const members = await listMembers(handle.db, project.id);
    expect(members).toHaveLength(1);
    const [member] = members;
    expect(member).toMatchObject({
      projectId: project.id,
      userId: owner.id,
      role: 'owner',
      user: summary(owner),
    });
    expect(events).toHaveLength(1);
    // Addressed to the owner: their own project list learns of the new project.
    expect(events[0]).toMatchObject({
      type: 'member.added',
      projectId: project.id,
      actorId: owner.id,
      recipientId: owner.id,
      payload: { member },
    });
    await expect(listProjectEventsAfter(handle.db, project.id, 0)).resolves.toEqual(events);
  });

  it('createInbox marks the project as the user’s Inbox; getInboxProject finds it', async () => {
    const user = await createUser(handle.db, {
      email: `ivy-${randomUUID()}@example.com`,
      name: 'Ivy',
      passwordHash: 'h',
    });
    await expect(getInboxProject(handle.db, user.id)).resolves.toBeNull();

    const { result: inbox } = await work(user, (uow) => createInbox(uow, user.id));
    const { result: other } = await work(user, (uow) =>
      createProject(uow, { name: 'Side project', ownerId: user.id }),
    );

    expect(inbox).toMatchObject({
      name: INBOX_PROJECT_NAME,
      isInbox: true,
      ownerId: user.id,
      status: 'active',
    });
    expect(other.isInbox).toBe(false);
    await expect(getInboxProject(handle.db, user.id)).resolves.toEqual(inbox);
    await expect(getMemberRole(handle.db, inbox.id, user.id)).resolves.toBe('owner');
    // Registration (the fixture) gives every user one.
    const registered = await makeUser(handle.db, 'Reg');
    await expect(getInboxProject(handle.db, registered.id)).resolves.toMatchObject({
      isInbox: true,
      ownerId: registered.id,
    });
  });

  describe('listProjects', () => {
    let viewer: User;
    let other: User;
    let viewerInbox: Project;
    let alpha: Project;
    let beta: Project;
    let gamma: Project;
    let delta: Project;
    let epsilon: Project;
    let zeta: Project;

    beforeAll(async () => {
      viewer = await makeUser(handle.db, 'Vera');
      other = await makeUser(handle.db, 'Otto');
      const inbox = await getInboxProject(handle.db, viewer.id);
      if (!inbox) throw new Error('fixture user has no Inbox');
      viewerInbox = inbox;
      // Mixed case: byte order would give Alpha, Inbox, Zeta, beta, epsilon.
      alpha = await makeProject(handle.db, viewer, [], 'Alpha');
      beta = await makeProject(handle.db, other, [[viewer, 'editor']], 'beta');
      epsilon = await makeProject(handle.db, other, [[viewer, 'viewer']], 'epsilon');
      zeta = await makeProject(handle.db, viewer, [[other, 'editor']], 'Zeta');
      delta = await makeProject(handle.db, other, [], 'Delta');
      const archived = await makeProject(handle.db, other, [[viewer, 'viewer']], 'gamma');
      gamma = (await work(other, (uow) => updateProject(uow, archived.id, { status: 'archived' })))
        .result;
    });

    /** A list row: the project, the viewer's role in it, and its owner's name and email. */
    function row(project: Project, role: MemberRole | null, owner: User): ProjectListItem {
      return { ...project, role, ownerName: owner.name, ownerEmail: owner.email };
    }

    it('lists only the member’s projects with their role, sorted by name case-insensitively', async () => {
      await expect(listProjects(handle.db, viewer.id, { includeArchived: false })).resolves.toEqual(
        [
          row(alpha, 'owner', viewer),
          row(beta, 'editor', other),
          row(epsilon, 'viewer', other),
          row(viewerInbox, 'owner', viewer),
          row(zeta, 'owner', viewer),
        ],
      );
    });

    it('includes archived projects only with includeArchived', async () => {
      await expect(listProjects(handle.db, viewer.id, { includeArchived: true })).resolves.toEqual([
        row(alpha, 'owner', viewer),
        row(beta, 'editor', other),
        row(epsilon, 'viewer', other),
        row(gamma, 'viewer', other),
        row(viewerInbox, 'owner', viewer),
        row(zeta, 'owner', viewer),
      ]);
    });

    it('with all: true lists every project, with role null where the viewer is not a member', async () => {
      const ours = new Set(
        [alpha, beta, gamma, delta, epsilon, zeta, viewerInbox].map((p) => p.id),
      );

      const active = await listProjects(handle.db, viewer.id, {
        includeArchived: false,
        all: true,
      });
      expect(active).toHaveLength(await countProjects('active'));
      expect(active.filter((p) => ours.has(p.id))).toEqual([
        row(alpha, 'owner', viewer),
        row(beta, 'editor', other),
        row(delta, null, other),
        row(epsilon, 'viewer', other),
        row(viewerInbox, 'owner', viewer),
        row(zeta, 'owner', viewer),
      ]);

      const every = await listProjects(handle.db, viewer.id, { includeArchived: true, all: true });
      expect(every).toHaveLength(await countProjects());
      expect(every.filter((p) => ours.has(p.id))).toEqual([
        row(alpha, 'owner', viewer),
        row(beta, 'editor', other),
        row(delta, null, other),
        row(epsilon, 'viewer', other),
        row(gamma, 'viewer', other),
        row(viewerInbox, 'owner', viewer),
        row(zeta, 'owner', viewer),
      ]);
    });
  });

  describe('updateProject', () => {
    it('renames, records project.updated and moves updatedAt', async () => {
      const owner = await makeUser(handle.db, 'Uma');
      const project = await makeProject(handle.db, owner, [], 'Old name');
      await sleep(5);

      const { result: renamed, events } = await work(owner, (uow) =>
        updateProject(uow, project.id, { name: 'New name' }),
      );

      expect(renamed).toEqual({ ...project, name: 'New name', updatedAt: renamed.updatedAt });
      expect(Date.parse(renamed.updatedAt)).toBeGreaterThan(Date.parse(project.updatedAt));
      await expect(getProject(handle.db, project.id)).resolves.toEqual(renamed);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        type: 'project.updated',
        projectId: project.id,
        actorId: owner.id,
        payload: { project: renamed },
      });
    });

    it('changes description and status, leaving the name', async () => {
      const owner = await makeUser(handle.db, 'Uma');
      const project = await makeProject(handle.db, owner, [], 'Keeps its name');

      const { result: archived, events } = await work(owner, (uow) =>
        updateProject(uow, project.id, { description: 'Shelved', status: 'archived' }),
      );

      expect(archived).toEqual({
        ...project,
        description: 'Shelved',
        status: 'archived',
        updatedAt: archived.updatedAt,
      });
      expect(events.map((e) => e.type)).toEqual(['project.updated']);

      const { result: restored } = await work(owner, (uow) =>
        updateProject(uow, project.id, { status: 'active' }),
      );
      expect(restored).toMatchObject({
        name: 'Keeps its name',
        description: 'Shelved',
        status: 'active',
      });
    });

    it('throws NOT_FOUND for an unknown project and records nothing', async () => {
      const owner = await makeUser(handle.db, 'Uma');
      const before = await countEvents();
      await expect(
        work(owner, (uow) => updateProject(uow, randomUUID(), { name: 'Ghost' })),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(await countEvents()).toBe(before);
    });
  });

  describe('deleteProject', () => {
    it('deletes its tasks, members, events and counters; leaves other projects alone', async () => {
      const owner = await makeUser(handle.db, 'Dora');
      const editor = await makeUser(handle.db, 'Ed');
      const doomed = await makeProject(handle.db, owner, [[editor, 'editor']], 'Doomed');
      const kept = await makeProject(handle.db, owner, [[editor, 'editor']], 'Kept');
      await makeTask(handle.db, doomed, owner);
      await makeTask(handle.db, doomed, owner, { status: 'done', assigneeId: editor.id });
      await makeTask(handle.db, kept, owner, { assigneeId: editor.id });
      await work(owner, (uow) => updateProject(uow, doomed.id, { description: 'soon gone' }));

      const doomedBefore = await snapshot(doomed.id);
      expect(doomedBefore.tasks).toHaveLength(2);
      expect(doomedBefore.members).toHaveLength(2);
      // member.added ×2, task.created ×2, project.updated
      expect(doomedBefore.events).toHaveLength(5);
      expect(doomedBefore.counts).toHaveLength(2);
      const keptBefore = await snapshot(kept.id);
      const lastEventId = await maxEventId();

      const { events } = await work(owner, (uow) => deleteProject(uow, doomed.id));

      expect(await snapshot(doomed.id)).toEqual({
        project: null,
        tasks: [],
        members: [],
        events: [],
        counts: [],
      });
      expect(await snapshot(kept.id)).toEqual(keptBefore);
      // The people stay.
      await expect(getInboxProject(handle.db, editor.id)).resolves.not.toBeNull();

      expect(events).toHaveLength(1);
      const [deleted] = events;
      expect(deleted).toMatchObject({
        type: 'project.deleted',
        projectId: doomed.id,
        actorId: owner.id,
        payload: { projectId: doomed.id },
      });
      expect(deleted?.id).toBeGreaterThan(lastEventId);
      expect(projectEventSchema.parse(deleted)).toEqual(deleted);
      // The id came from the log's sequence: the next event gets a greater one.
      const { events: next } = await work(owner, (uow) =>
        updateProject(uow, kept.id, { name: 'Kept too' }),
      );
      expect(next[0]?.id).toBeGreaterThan(deleted?.id ?? Infinity);
    });

    it('throws NOT_FOUND for an unknown project', async () => {
      const owner = await makeUser(handle.db, 'Dora');
      await expect(work(owner, (uow) => deleteProject(uow, randomUUID()))).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    });
  });
});

describe(`members (${engine})`, () => {
  it('addMember adds the user and records member.added with their summary', async () => {
    const owner = await makeUser(handle.db, 'Olga');
    const guest = await makeUser(handle.db, 'Gus');
    const project = await makeProject(handle.db, owner);

    const { result: member, events } = await work(owner, (uow) =>
      addMember(uow, project.id, guest.id, 'editor'),
    );

    expect(memberSchema.strict().parse(member)).toEqual(member);
    expect(member).toEqual({
      projectId: project.id,
      userId: guest.id,
      role: 'editor',
      user: summary(guest),
      createdAt: member.createdAt,
    });
    await expect(getMember(handle.db, project.id, guest.id)).resolves.toEqual(member);
    expect(events).toHaveLength(1);
    // Addressed to the new member, not to the owner who added them.
    expect(events[0]).toMatchObject({
      type: 'member.added',
      projectId: project.id,
      actorId: owner.id,
      recipientId: guest.id,
      payload: { member },
    });
  });

  it('adding a member twice is a CONFLICT and changes nothing', async () => {
    const owner = await makeUser(handle.db, 'Olga');
    const guest = await makeUser(handle.db, 'Gus');
    const project = await makeProject(handle.db, owner, [[guest, 'editor']]);
    const before = await snapshot(project.id);

    await expect(
      work(owner, (uow) => addMember(uow, project.id, guest.id, 'viewer')),
    ).rejects.toMatchObject({ code: 'CONFLICT' });

    expect(await snapshot(project.id)).toEqual(before);
  });

  it('updateMemberRole changes the role and records member.updated', async () => {
    const owner = await makeUser(handle.db, 'Olga');
    const guest = await makeUser(handle.db, 'Gus');
    const project = await makeProject(handle.db, owner, [[guest, 'editor']]);
    const member = await getMember(handle.db, project.id, guest.id);

    const { result, events } = await work(owner, (uow) =>
      updateMemberRole(uow, project.id, guest.id, 'viewer'),
    );

    expect(result).toEqual({ ...member, role: 'viewer' });
    await expect(getMember(handle.db, project.id, guest.id)).resolves.toEqual(result);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'member.updated',
      projectId: project.id,
      actorId: owner.id,
      recipientId: guest.id,
      payload: { member: result },
    });

    // The same role again is no change and no event.
    const again = await work(owner, (uow) => updateMemberRole(uow, project.id, guest.id, 'viewer'));
    expect(again).toEqual({ result, events: [] });
  });

  it('updateMemberRole and removeMember throw NOT_FOUND for a non-member or an unknown project', async () => {
    const owner = await makeUser(handle.db, 'Olga');
    const stranger = await makeUser(handle.db, 'Sam');
    const project = await makeProject(handle.db, owner);
    const before = await countEvents();
    const attempts: ((uow: UnitOfWork) => Promise<unknown>)[] = [
      (uow) => updateMemberRole(uow, project.id, stranger.id, 'editor'),
      (uow) => removeMember(uow, project.id, stranger.id),
      (uow) => updateMemberRole(uow, randomUUID(), owner.id, 'editor'),
      (uow) => removeMember(uow, randomUUID(), owner.id),
    ];
    for (const attempt of attempts) {
      await expect(work(owner, attempt)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }
    expect(await countEvents()).toBe(before);
  });

  it('removeMember records member.removed and unassigns their tasks in that project only', async () => {
    const owner = await makeUser(handle.db, 'Olga');
    const leaver = await makeUser(handle.db, 'Leo');
    const project = await makeProject(handle.db, owner, [[leaver, 'editor']]);
    const elsewhere = await makeProject(handle.db, owner, [[leaver, 'editor']], 'Elsewhere');
    const theirs = [
      await makeTask(handle.db, project, owner, { title: 'One', assigneeId: leaver.id }),
      await makeTask(handle.db, project, owner, {
        title: 'Two',
        status: 'done',
        assigneeId: leaver.id,
      }),
    ];
    const ownersTask = await makeTask(handle.db, project, owner, { assigneeId: owner.id });
    const unassigned = await makeTask(handle.db, project, owner);
    const theirsElsewhere = await makeTask(handle.db, elsewhere, owner, { assigneeId: leaver.id });
    const lastEventId = await maxEventId();

    const { events } = await work(owner, (uow) => removeMember(uow, project.id, leaver.id));

    await expect(getMemberRole(handle.db, project.id, leaver.id)).resolves.toBeNull();
    await expect(getMemberRole(handle.db, elsewhere.id, leaver.id)).resolves.toBe('editor');
    const now = await Promise.all(theirs.map((task) => getTask(handle.db, task.id)));
    for (const [index, task] of theirs.entries()) {
      expect(now[index]).toEqual({
        ...task,
        assigneeId: null,
        version: task.version + 1,
        updatedAt: now[index]?.updatedAt,
      });
    }
    await expect(getTask(handle.db, ownersTask.id)).resolves.toEqual(ownersTask);
    await expect(getTask(handle.db, unassigned.id)).resolves.toEqual(unassigned);
    await expect(getTask(handle.db, theirsElsewhere.id)).resolves.toEqual(theirsElsewhere);

    // One task.updated per unassigned task, then member.removed: all addressed to the leaver.
    expect(events.map((e) => e.type)).toEqual(['task.updated', 'task.updated', 'member.removed']);
    expect(
      events.every(
        (e) => e.projectId === project.id && e.actorId === owner.id && e.recipientId === leaver.id,
      ),
    ).toBe(true);
    const updatedTasks = events.flatMap((e) => (e.type === 'task.updated' ? [e.payload.task] : []));
    expect(updatedTasks.sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      now.filter((task) => task !== null).sort((a, b) => a.id.localeCompare(b.id)),
    );
    expect(events[2]).toMatchObject({
      payload: { userId: leaver.id, previous: { userId: leaver.id, role: 'editor' } },
    });
    const rows = await handle.db
      .selectFrom('projectEvents')
      .select(['type', 'recipientId'])
      .where('id', '>', lastEventId)
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { type: 'task.updated', recipientId: leaver.id },
      { type: 'task.updated', recipientId: leaver.id },
      { type: 'member.removed', recipientId: leaver.id },
    ]);
  });

  describe('a project always keeps an owner', () => {
    it('refuses to demote or remove the last owner with BAD_REQUEST, writing nothing', async () => {
      const owner = await makeUser(handle.db, 'Olga');
      const editor = await makeUser(handle.db, 'Ed');
      const project = await makeProject(handle.db, owner, [[editor, 'editor']]);
      const before = await snapshot(project.id);

      for (const role of ['editor', 'viewer'] as const) {
        await expect(
          work(owner, (uow) => updateMemberRole(uow, project.id, owner.id, role)),
        ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      }
      await expect(
        work(owner, (uow) => removeMember(uow, project.id, owner.id)),
      ).rejects.toMatchObject({ code: 'BAD_REQUEST' });

      expect(await snapshot(project.id)).toEqual(before);
    });

    it('demoting the owner named in projects.owner_id hands owner_id to the other owner', async () => {
      const first = await makeUser(handle.db, 'First');
      const second = await makeUser(handle.db, 'Second');
      const project = await makeProject(handle.db, first, [[second, 'owner']]);

      await work(first, (uow) => updateMemberRole(uow, project.id, first.id, 'editor'));

      await expect(getProject(handle.db, project.id)).resolves.toMatchObject({
        ownerId: second.id,
      });
      expect(await ownersOf(project.id)).toEqual([second.id]);
      await expect(getMemberRole(handle.db, project.id, first.id)).resolves.toBe('editor');
    });

    it('removing the owner named in projects.owner_id hands owner_id to the other owner', async () => {
      const first = await makeUser(handle.db, 'First');
      const second = await makeUser(handle.db, 'Second');
      const project = await makeProject(handle.db, first, [[second, 'owner']]);

      await work(first, (uow) => removeMember(uow, project.id, first.id));

      await expect(getProject(handle.db, project.id)).resolves.toMatchObject({
        ownerId: second.id,
      });
      expect(await ownersOf(project.id)).toEqual([second.id]);
    });

    it('demoting another owner leaves owner_id alone', async () => {
      const first = await makeUser(handle.db, 'First');
      const second = await makeUser(handle.db, 'Second');
      const project = await makeProject(handle.db, first, [[second, 'owner']]);

      await work(first, (uow) => updateMemberRole(uow, project.id, second.id, 'viewer'));

      await expect(getProject(handle.db, project.id)).resolves.toMatchObject({ ownerId: first.id });
      expect(await ownersOf(project.id)).toEqual([first.id]);
    });

    it('hands owner_id to the longest-standing other owner', async () => {
      const first = await makeUser(handle.db, 'First');
      const [smaller, larger] = [
        await makeUser(handle.db, 'Co'),
        await makeUser(handle.db, 'Co'),
      ].sort((a, b) => a.id.localeCompare(b.id));
      if (!smaller || !larger) throw new Error('two users expected');
      const project = await makeProject(handle.db, first);
      // The larger id joins first, so "by id" and "by seniority" disagree.
      await work(first, (uow) => addMember(uow, project.id, larger.id, 'owner'));
      await sleep(5);
      await work(first, (uow) => addMember(uow, project.id, smaller.id, 'owner'));

      await work(first, (uow) => removeMember(uow, project.id, first.id));

      await expect(getProject(handle.db, project.id)).resolves.toMatchObject({
        ownerId: larger.id,
      });
    });

    type OwnerChange = (uow: UnitOfWork, projectId: string, userId: string) => Promise<unknown>;
    const mutualChanges: [string, OwnerChange][] = [
      ['demote', (uow, projectId, userId) => updateMemberRole(uow, projectId, userId, 'editor')],
      ['remove', (uow, projectId, userId) => removeMember(uow, projectId, userId)],
    ];
    it.each(mutualChanges)(
      'CONCURRENT: two owners who %s each other at once leave exactly one owner',
      async (_name, change) => {
        for (let round = 0; round < 5; round++) {
          const first = await makeUser(handle.db, 'First');
          const second = await makeUser(handle.db, 'Second');
          const project = await makeProject(handle.db, first, [[second, 'owner']]);
          const lastEventId = await maxEventId();

          const { fulfilled, rejected } = settle(
            await Promise.allSettled([
              work(first, (uow) => change(uow, project.id, second.id)),
              work(second, (uow) => change(uow, project.id, first.id)),
            ]),
          );

          expect(fulfilled).toHaveLength(1);
          expect(rejected).toHaveLength(1);
          expect(rejected[0]).toMatchObject({ code: 'BAD_REQUEST' });
          const owners = await ownersOf(project.id);
          expect(owners).toHaveLength(1);
          await expect(getProject(handle.db, project.id)).resolves.toMatchObject({
            ownerId: owners[0],
          });
          const written = await listProjectEventsAfter(handle.db, project.id, lastEventId);
          expect(written).toHaveLength(1);
          expect(written[0]?.actorId).toBe(owners[0]);
        }
      },
    );
  });

  describe('concurrency with task changes', () => {
    it('CONCURRENT: a role change does not deadlock with task edits in the same project', async () => {
      const owner = await makeUser(handle.db, 'Olga');
      const editor = await makeUser(handle.db, 'Ed');
      const project = await makeProject(handle.db, owner, [[editor, 'editor']]);
      const tasks = [];
      for (let i = 0; i < 8; i++) tasks.push(await makeTask(handle.db, project, owner));

      const rounds = 6;
      for (let round = 0; round < rounds; round++) {
        const { rejected } = settle(
          await Promise.allSettled([
            workOnce(owner, (uow) =>
              updateMemberRole(uow, project.id, editor.id, round % 2 ? 'editor' : 'viewer'),
            ),
            ...tasks.map((task) =>
              workOnce(owner, (uow) => updateTask(uow, task.id, { title: `Round ${round}` })),
            ),
          ]),
        );
        expect(rejected).toEqual([]);
      }
      // Ends on an odd round: editor again.
      await expect(getMemberRole(handle.db, project.id, editor.id)).resolves.toBe('editor');
      for (const task of tasks) {
        await expect(getTask(handle.db, task.id)).resolves.toMatchObject({
          title: `Round ${rounds - 1}`,
          version: task.version + rounds,
        });
      }
    });

    it('CONCURRENT: removing a member while a task is assigned to them never leaves a non-member assigned', async () => {
      const owner = await makeUser(handle.db, 'Olga');
      const member = await makeUser(handle.db, 'Mo');
      const project = await makeProject(handle.db, owner);

      for (let round = 0; round < 8; round++) {
        await work(owner, (uow) => addMember(uow, project.id, member.id, 'editor'));
        const task = await makeTask(handle.db, project, owner);

        const [assign, remove] = await Promise.allSettled([
          workOnce(owner, (uow) => updateTask(uow, task.id, { assigneeId: member.id })),
          workOnce(owner, (uow) => removeMember(uow, project.id, member.id)),
        ]);

        expect(remove.status).toBe('fulfilled');
        if (assign.status === 'rejected') {
          // The removal committed first.
          expect(assign.reason).toMatchObject({ code: 'BAD_REQUEST' });
          await expect(getTask(handle.db, task.id)).resolves.toEqual(task);
        } else {
          // The assignment committed first and the removal then unassigned it.
          await expect(getTask(handle.db, task.id)).resolves.toMatchObject({
            assigneeId: null,
            version: task.version + 2,
          });
        }
        await expect(getMemberRole(handle.db, project.id, member.id)).resolves.toBeNull();
      }
    });
  });
});
