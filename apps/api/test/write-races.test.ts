import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as db from '@taskboard/db';
import type { DisposableDatabase } from '@taskboard/db/testing';
import type { MemberRole } from '@taskboard/schema';
import { hold, holdWrite } from './support/held-write';
import {
  createTestDatabase,
  errorOf,
  signUp,
  startServer,
  type TestServer,
} from './support/server';

/**
 * Every write checks the caller's role (and, for tasks, the project's status) in its own
 * transaction, holding the project row (`commitAs`): an archive, a demotion, a removal or a
 * deletion committed while the write is in flight is either waited for and obeyed, or waits
 * for the write. Here the other change holds its locks first and commits once the API call is
 * waiting for them; the call must then be refused and nothing written. (With the check before
 * the transaction, the call passed it and wrote after the other change had committed.)
 */
let database: DisposableDatabase;
let server: TestServer;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startServer(database);
});

afterAll(async () => {
  await server.close();
  await database.dispose();
});

describe('task changes racing project changes', () => {
  it('a task created or edited while the project is being archived is refused', async () => {
    const owner = await signUp(server, 'Racer');
    const project = await owner.api.projects.create.mutate({ name: 'Race track' });
    const task = await owner.api.tasks.create.mutate({ projectId: project.id, title: 'Before' });

    const archive = hold(database.db, async (trx) => {
      await trx
        .updateTable('projects')
        .set({ status: 'archived' })
        .where('id', '=', project.id)
        .execute();
    });
    await archive.started;
    const created = errorOf(
      owner.api.tasks.create.mutate({ projectId: project.id, title: 'Slipped in' }),
    );
    const updated = errorOf(owner.api.tasks.update.mutate({ id: task.id, title: 'Changed' }));
    await archive.commitWhenBlocked(2);

    expect((await created).appCode).toBe('BAD_REQUEST');
    expect((await updated).appCode).toBe('BAD_REQUEST');
    const list = await owner.api.tasks.list.query({ projectId: project.id });
    expect(list.tasks.map((t) => t.title)).toEqual(['Before']);
  });

  it('an edit by an editor being demoted to viewer is refused', async () => {
    const owner = await signUp(server, 'Owner');
    const editor = await signUp(server, 'Editor');
    const project = await owner.api.projects.create.mutate({ name: 'Demotion' });
    await owner.api.members.add.mutate({
      projectId: project.id,
      email: editor.email,
      role: 'editor',
    });
    const task = await owner.api.tasks.create.mutate({ projectId: project.id, title: 'Original' });

    // As members.updateRole does: the project row locked for the membership change.
    const demote = hold(database.db, async (trx) => {
      await trx
        .selectFrom('projects')
        .select('id')
        .where('id', '=', project.id)
        .forNoKeyUpdate()
        .execute();
      await trx
        .updateTable('projectMembers')
        .set({ role: 'viewer' })
        .where('projectId', '=', project.id)
        .where('userId', '=', editor.user.id)
        .execute();
    });
    await demote.started;
    const moved = errorOf(
      editor.api.tasks.move.mutate({ id: task.id, status: 'done', expectedVersion: task.version }),
    );
    await demote.commitWhenBlocked(1);

    expect((await moved).appCode).toBe('FORBIDDEN');
    expect(await owner.api.tasks.get.query({ id: task.id })).toMatchObject({
      status: 'todo',
      version: task.version,
    });
  });
});

/** A project of two owners (Ann made it, then Bob) and an editor (Cy); Dee is not a member. */
async function team() {
  const ann = await signUp(server, 'Ann');
  const bob = await signUp(server, 'Bob');
  const cy = await signUp(server, 'Cy');
  const dee = await signUp(server, 'Dee');
  const project = await ann.api.projects.create.mutate({ name: 'Team' });
  for (const [member, role] of [
    [bob, 'owner'],
    [cy, 'editor'],
  ] as const) {
    await ann.api.members.add.mutate({ projectId: project.id, email: member.email, role });
  }
  return { ann, bob, cy, dee, projectId: project.id };
}
type Team = Awaited<ReturnType<typeof team>>;

/** The project as stored: name, status and members (`name:role`), or null once deleted. */
async function stored(projectId: string) {
  const project = await db.getProject(database.db, projectId);
  if (!project) return null;
  const members = await db.listMembers(database.db, projectId);
  return {
    name: project.name,
    status: project.status,
    members: members.map((m) => `${m.user.name}:${m.role}`).sort(),
  };
}

function changeRole(t: Team, userId: string, role: MemberRole) {
  return holdWrite(database.db, t.ann.user.id, (uow) =>
    db.updateMemberRole(uow, t.projectId, userId, role),
  );
}

function removal(t: Team, userId: string) {
  return holdWrite(database.db, t.ann.user.id, (uow) => db.removeMember(uow, t.projectId, userId));
}

/** Every project and member write an owner may make, here made by Bob. */
const ownerWrites = [
  {
    write: 'rename the project',
    call: (t: Team) => t.bob.api.projects.update.mutate({ id: t.projectId, name: 'Renamed' }),
  },
  {
    write: 'archive the project',
    call: (t: Team) => t.bob.api.projects.archive.mutate({ id: t.projectId, archived: true }),
  },
  {
    write: 'delete the project',
    call: (t: Team) => t.bob.api.projects.delete.mutate({ id: t.projectId }),
  },
  {
    write: 'add a member',
    call: (t: Team) =>
      t.bob.api.members.add.mutate({ projectId: t.projectId, email: t.dee.email, role: 'viewer' }),
  },
  {
    write: "change a member's role",
    call: (t: Team) =>
      t.bob.api.members.updateRole.mutate({
        projectId: t.projectId,
        userId: t.cy.user.id,
        role: 'viewer',
      }),
  },
  {
    write: 'remove a member',
    call: (t: Team) =>
      t.bob.api.members.remove.mutate({ projectId: t.projectId, userId: t.cy.user.id }),
  },
];

describe("project and member writes racing a change of the writer's membership", () => {
  it.each(ownerWrites)('an owner being demoted to editor cannot $write', async ({ call }) => {
    const t = await team();
    const demotion = changeRole(t, t.bob.user.id, 'editor');
    await demotion.started;
    const write = errorOf(call(t));
    await demotion.commitWhenBlocked(1, write);

    expect((await write).appCode).toBe('FORBIDDEN');
    expect(await stored(t.projectId)).toEqual({
      name: 'Team',
      status: 'active',
      members: ['Ann:owner', 'Bob:editor', 'Cy:editor'],
    });
  });

  it.each(ownerWrites)('an owner being removed cannot $write', async ({ call }) => {
    const t = await team();
    const removed = removal(t, t.bob.user.id);
    await removed.started;
    const write = errorOf(call(t));
    await removed.commitWhenBlocked(1, write);

    expect((await write).appCode).toBe('NOT_FOUND');
    expect(await stored(t.projectId)).toEqual({
      name: 'Team',
      status: 'active',
      members: ['Ann:owner', 'Cy:editor'],
    });
  });

  it('an editor being promoted to owner may rename the project', async () => {
    const t = await team();
    const promotion = changeRole(t, t.cy.user.id, 'owner');
    await promotion.started;
    const rename = t.cy.api.projects.update.mutate({ id: t.projectId, name: 'Renamed' });
    await promotion.commitWhenBlocked(1, rename);

    expect(await rename).toMatchObject({ name: 'Renamed' });
    expect(await stored(t.projectId)).toMatchObject({
      members: ['Ann:owner', 'Bob:owner', 'Cy:owner'],
    });
  });
});

describe('the last owner, under two owners changing each other at once', () => {
  it('two owners demoting each other: the second is no longer an owner (FORBIDDEN)', async () => {
    const t = await team();
    const first = changeRole(t, t.bob.user.id, 'editor');
    await first.started;
    const second = errorOf(
      t.bob.api.members.updateRole.mutate({
        projectId: t.projectId,
        userId: t.ann.user.id,
        role: 'editor',
      }),
    );
    await first.commitWhenBlocked(1, second);

    expect((await second).appCode).toBe('FORBIDDEN');
    expect((await stored(t.projectId))?.members).toEqual(['Ann:owner', 'Bob:editor', 'Cy:editor']);
  });

  it('two owners removing each other: the second is no longer a member (NOT_FOUND)', async () => {
    const t = await team();
    const first = removal(t, t.bob.user.id);
    await first.started;
    const second = errorOf(
      t.bob.api.members.remove.mutate({ projectId: t.projectId, userId: t.ann.user.id }),
    );
    await first.commitWhenBlocked(1, second);

    expect((await second).appCode).toBe('NOT_FOUND');
    expect((await stored(t.projectId))?.members).toEqual(['Ann:owner', 'Cy:editor']);
  });

  it('both owners leaving: the second is refused, and stays the owner', async () => {
    const t = await team();
    const first = holdWrite(database.db, t.ann.user.id, (uow) =>
      db.removeMember(uow, t.projectId, t.ann.user.id),
    );
    await first.started;
    const second = errorOf(
      t.bob.api.members.remove.mutate({ projectId: t.projectId, userId: t.bob.user.id }),
    );
    await first.commitWhenBlocked(1, second);

    // The data layer's rule: the last owner cannot leave.
    expect((await second).appCode).toBe('BAD_REQUEST');
    expect((await stored(t.projectId))?.members).toEqual(['Bob:owner', 'Cy:editor']);
  });
});

describe('project and member writes racing the deletion of the project', () => {
  it('each is NOT_FOUND, and nothing of the project is left', async () => {
    const t = await team();
    const deletion = holdWrite(database.db, t.ann.user.id, (uow) =>
      db.deleteProject(uow, t.projectId),
    );
    await deletion.started;
    const writes = ownerWrites
      .filter(({ write }) => write !== 'delete the project')
      .map(({ call }) => errorOf(call(t)));
    const leave = errorOf(
      t.cy.api.members.remove.mutate({ projectId: t.projectId, userId: t.cy.user.id }),
    );
    await deletion.commitWhenBlocked(writes.length + 1, ...writes, leave);

    for (const write of [...writes, leave]) expect((await write).appCode).toBe('NOT_FOUND');
    expect(await stored(t.projectId)).toBeNull();
    const orphans = await database.db
      .selectFrom('projectMembers')
      .select('userId')
      .where('projectId', '=', t.projectId)
      .execute();
    expect(orphans).toEqual([]);
  });
});
