import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  projectEventSchema,
  projectEventTypes,
  type Project,
  type ProjectEvent,
  type ProjectEventType,
  type User,
} from '@taskboard/schema';
import {
  addMember,
  appendEvents,
  createProject,
  createTask,
  deleteProject,
  deleteTask,
  getInboxProject,
  getProject,
  getTask,
  latestProjectEventId,
  listProjectEventsAfter,
  listRecipientEventsAfter,
  moveTask,
  removeMember,
  runUnitOfWork,
  updateMemberRole,
  updateProject,
  updateTask,
  type NewTask,
  type UnitOfWork,
} from '../src/index';
import { createTestDatabase, engine, type TestDatabase } from './support/database';
import { makeProject, makeTask, makeUser } from './support/fixtures';

let handle: TestDatabase;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(() => handle.dispose());

function work<T>(actor: User, fn: (uow: UnitOfWork) => Promise<T>) {
  return runUnitOfWork(handle.db, actor.id, fn);
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function newTask(project: Project, actor: User, fields: Partial<NewTask> = {}): NewTask {
  return {
    projectId: project.id,
    title: 'Calibrate the extruder',
    description: '',
    status: 'todo',
    priority: 'medium',
    assigneeId: null,
    dueDate: null,
    createdById: actor.id,
    ...fields,
  };
}

async function countEvents(): Promise<number> {
  const row = await handle.db
    .selectFrom('projectEvents')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function eventRow(id: number) {
  return handle.db
    .selectFrom('projectEvents')
    .select(['projectId', 'type', 'actorId', 'recipientId'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The id of the transaction that last wrote the row (PostgreSQL's `xmin`). */
async function xmin(table: 'tasks' | 'projects' | 'project_events', id: string | number) {
  const { rows } = await sql<{ xmin: string }>`
    select xmin::text as xmin from ${sql.table(table)} where id = ${id}
  `.execute(handle.db);
  return rows[0]?.xmin;
}

async function memberXmin(projectId: string, userId: string) {
  const { rows } = await sql<{ xmin: string }>`
    select xmin::text as xmin from project_members where project_id = ${projectId} and user_id = ${userId}
  `.execute(handle.db);
  return rows[0]?.xmin;
}

/** A one-shot signal: `fire()` resolves `fired`. */
function signal() {
  let resolve: (() => void) | undefined;
  const fired = new Promise<void>((r) => {
    resolve = r;
  });
  return { fired, fire: () => resolve?.() };
}

function ids(events: readonly ProjectEvent[]): number[] {
  return events.map((event) => event.id);
}

function isStrictlyIncreasing(values: readonly number[]): boolean {
  return values.every((value, index) => index === 0 || value > (values[index - 1] ?? Infinity));
}

/**
 * Runs one change and checks that it wrote exactly one event row, as returned, with the given
 * type, the actor and the recipient; returns the change's result and the event.
 */
async function expectOneEvent<T>(
  actor: User,
  projectId: string,
  fn: (uow: UnitOfWork) => Promise<T>,
  expected: { type: ProjectEventType; recipientId: string | null },
) {
  const before = await countEvents();
  const { result, events } = await work(actor, fn);

  expect(events).toHaveLength(1);
  const event = events[0];
  if (!event) throw new Error('no event');
  expect(event).toMatchObject({ type: expected.type, projectId, actorId: actor.id });
  expect(projectEventSchema.parse(event)).toEqual(event);
  expect(await countEvents()).toBe(before + 1);
  await expect(eventRow(event.id)).resolves.toEqual({
    projectId,
    type: expected.type,
    actorId: actor.id,
    recipientId: expected.recipientId,
  });
  // The log holds exactly what the unit of work returned.
  await expect(listProjectEventsAfter(handle.db, projectId, event.id - 1, 1)).resolves.toEqual([
    event,
  ]);
  return { result, event };
}

describe(`the unit of work (${engine})`, () => {
  let owner: User;
  let mate: User;
  let newcomer: User;
  let project: Project;

  beforeAll(async () => {
    owner = await makeUser(handle.db, 'Owner');
    mate = await makeUser(handle.db, 'Mate');
    newcomer = await makeUser(handle.db, 'Newcomer');
    project = await makeProject(handle.db, owner, [[mate, 'editor']]);
  });

  describe('every change writes exactly one event, in the same transaction', () => {
    it('task.created, addressed to the assignee', async () => {
      const { result: task, event } = await expectOneEvent(
        owner,
        project.id,
        (uow) => createTask(uow, newTask(project, owner, { assigneeId: mate.id })),
        { type: 'task.created', recipientId: mate.id },
      );
      expect(event.payload).toEqual({ task });
      expect(await xmin('tasks', task.id)).toBe(await xmin('project_events', event.id));
    });

    it('task.created without an assignee is addressed to no one', async () => {
      await expectOneEvent(owner, project.id, (uow) => createTask(uow, newTask(project, owner)), {
        type: 'task.created',
        recipientId: null,
      });
    });

    it('task.updated, addressed to the new assignee', async () => {
      const task = await makeTask(handle.db, project, owner);
      const { result: updated, event } = await expectOneEvent(
        mate,
        project.id,
        (uow) => updateTask(uow, task.id, { assigneeId: mate.id, priority: 'high' }),
        { type: 'task.updated', recipientId: mate.id },
      );
      expect(updated).toMatchObject({ assigneeId: mate.id, priority: 'high', version: 2 });
      // Exactly the changed fields, with the values they had.
      expect(event.payload).toEqual({
        task: updated,
        previous: { assigneeId: null, priority: 'medium' },
      });
      expect(await xmin('tasks', task.id)).toBe(await xmin('project_events', event.id));
    });

    it('task.updated that unassigns is addressed to the previous assignee', async () => {
      const task = await makeTask(handle.db, project, owner, { assigneeId: mate.id });
      const { result: updated } = await expectOneEvent(
        owner,
        project.id,
        (uow) => updateTask(uow, task.id, { assigneeId: null }),
        { type: 'task.updated', recipientId: mate.id },
      );
      expect(updated.assigneeId).toBeNull();
    });

    it('task.moved, addressed to the assignee', async () => {
      const task = await makeTask(handle.db, project, owner, { assigneeId: mate.id });
      const { result: moved, event } = await expectOneEvent(
        owner,
        project.id,
        (uow) => moveTask(uow, task.id, { status: 'in-progress' }),
        { type: 'task.moved', recipientId: mate.id },
      );
      expect(moved).toMatchObject({ status: 'in-progress', version: 2 });
      expect(event.payload).toEqual({
        task: moved,
        previous: { status: 'todo', position: task.position },
      });
      expect(await xmin('tasks', task.id)).toBe(await xmin('project_events', event.id));
    });

    it('task.deleted, addressed to the assignee, with the task id and the task as it was', async () => {
      const task = await makeTask(handle.db, project, owner, { assigneeId: mate.id });
      const { event } = await expectOneEvent(owner, project.id, (uow) => deleteTask(uow, task.id), {
        type: 'task.deleted',
        recipientId: mate.id,
      });
      expect(event.payload).toEqual({ taskId: task.id, previous: task });
      await expect(getTask(handle.db, task.id)).resolves.toBeNull();
    });

    it('member.added, member.updated and member.removed, addressed to the member', async () => {
      const { result: added, event: addedEvent } = await expectOneEvent(
        owner,
        project.id,
        (uow) => addMember(uow, project.id, newcomer.id, 'viewer'),
        { type: 'member.added', recipientId: newcomer.id },
      );
      expect(addedEvent.payload).toEqual({ member: added });
      expect(await memberXmin(project.id, newcomer.id)).toBe(
        await xmin('project_events', addedEvent.id),
      );

      const { result: updated, event: updatedEvent } = await expectOneEvent(
        owner,
        project.id,
        (uow) => updateMemberRole(uow, project.id, newcomer.id, 'editor'),
        { type: 'member.updated', recipientId: newcomer.id },
      );
      expect(updatedEvent.payload).toEqual({ member: updated, previous: { role: 'viewer' } });
      expect(await memberXmin(project.id, newcomer.id)).toBe(
        await xmin('project_events', updatedEvent.id),
      );

      const { event: removedEvent } = await expectOneEvent(
        owner,
        project.id,
        (uow) => removeMember(uow, project.id, newcomer.id),
        { type: 'member.removed', recipientId: newcomer.id },
      );
      expect(removedEvent.payload).toEqual({ userId: newcomer.id, previous: updated });
      await expect(memberXmin(project.id, newcomer.id)).resolves.toBeUndefined();
    });

    it('project.updated, with the previous value of each changed field', async () => {
      const before = await getProject(handle.db, project.id);
      const { result: updated, event } = await expectOneEvent(
        owner,
        project.id,
        (uow) => updateProject(uow, project.id, { description: 'Voron 2.4' }),
        { type: 'project.updated', recipientId: null },
      );
      expect(event.payload).toEqual({
        project: updated,
        previous: { description: before?.description },
      });
      expect(await xmin('projects', project.id)).toBe(await xmin('project_events', event.id));
    });
  });

  describe('all or nothing', () => {
    it('a unit of work that throws after making changes leaves neither the changes nor any event', async () => {
      const task = await makeTask(handle.db, project, owner);
      const projectBefore = await getProject(handle.db, project.id);
      const eventsBefore = await countEvents();
      const latestBefore = await latestProjectEventId(handle.db, project.id);
      let created: string | undefined;

      await expect(
        work(owner, async (uow) => {
          created = (await createTask(uow, newTask(project, owner, { title: 'Doomed' }))).id;
          await updateTask(uow, task.id, { title: 'Changed' });
          await addMember(uow, project.id, newcomer.id, 'viewer');
          await updateProject(uow, project.id, { name: 'Renamed' });
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');

      expect(created).toBeDefined();
      await expect(getTask(handle.db, created ?? '')).resolves.toBeNull();
      await expect(getTask(handle.db, task.id)).resolves.toEqual(task);
      await expect(getProject(handle.db, project.id)).resolves.toEqual(projectBefore);
      const member = await handle.db
        .selectFrom('projectMembers')
        .select('userId')
        .where('projectId', '=', project.id)
        .where('userId', '=', newcomer.id)
        .executeTakeFirst();
      expect(member).toBeUndefined();
      expect(await countEvents()).toBe(eventsBefore);
      await expect(latestProjectEventId(handle.db, project.id)).resolves.toBe(latestBefore);
      await expect(listProjectEventsAfter(handle.db, project.id, latestBefore)).resolves.toEqual(
        [],
      );
    });

    it('an event that cannot be written rolls back the change and the events written before it', async () => {
      const task = await makeTask(handle.db, project, owner);
      const eventsBefore = await countEvents();

      // The second event names a project that does not exist: its insert fails at the very end.
      await expect(
        work(owner, async (uow) => {
          const updated = await updateTask(uow, task.id, { title: 'Will not stick' });
          uow.record(randomUUID(), {
            type: 'task.updated',
            payload: { task: updated, previous: {} },
          });
        }),
      ).rejects.toThrow(/foreign key/);

      await expect(getTask(handle.db, task.id)).resolves.toEqual(task);
      expect(await countEvents()).toBe(eventsBefore);
    });

    it('a unit of work that changes nothing writes no event', async () => {
      const before = await countEvents();
      const task = await makeTask(handle.db, project, owner);
      await expect(work(owner, (uow) => updateTask(uow, task.id, {}))).resolves.toEqual({
        result: task,
        events: [],
      });
      expect(await countEvents()).toBe(before + 1);
    });
  });
});

describe(`event ids (${engine})`, () => {
  let owner: User;
  let mate: User;
  let project: Project;

  beforeAll(async () => {
    owner = await makeUser(handle.db, 'Owner');
    mate = await makeUser(handle.db, 'Mate');
    project = await makeProject(handle.db, owner, [[mate, 'editor']]);
  });

  it('are strictly increasing in commit order, and within a unit of work in record order', async () => {
    const committed: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { events } = await work(owner, async (uow) => {
        const task = await createTask(uow, newTask(project, owner, { title: `Task ${i}` }));
        await updateTask(uow, task.id, { priority: 'low' });
        await moveTask(uow, task.id, { status: 'done' });
        return task;
      });
      expect(events.map((e) => e.type)).toEqual(['task.created', 'task.updated', 'task.moved']);
      committed.push(...ids(events));
    }
    expect(committed).toHaveLength(15);
    expect(isStrictlyIncreasing(committed)).toBe(true);
  });

  it('CONCURRENT: 20 units of work get unique ids, and a reader following the log misses none', async () => {
    const start = await latestProjectEventId(handle.db, project.id);
    const seen: number[] = [];
    let cursor = start;
    const writersDone = new AbortController();
    const follow = async () => {
      const page = await listProjectEventsAfter(handle.db, project.id, cursor);
      for (const event of page) {
        seen.push(event.id);
        cursor = event.id;
      }
    };
    const reader = (async () => {
      while (!writersDone.signal.aborted) {
        await follow();
        await sleep(1);
      }
    })();

    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        work(i % 2 ? owner : mate, (uow) =>
          createTask(uow, newTask(project, owner, { title: `Concurrent ${i}` })),
        ),
      ),
    );
    writersDone.abort();
    await reader;
    await follow();

    const returned = results.flatMap((r) => r.events);
    expect(returned).toHaveLength(20);
    expect(new Set(ids(returned)).size).toBe(20);
    const logged = await listProjectEventsAfter(handle.db, project.id, start);
    expect(ids(logged)).toEqual(ids(returned).sort((a, b) => a - b));
    expect(logged).toEqual([...returned].sort((a, b) => a.id - b.id));
    // Resuming from the last id seen never skipped an event committed behind it.
    expect(seen).toEqual(ids(logged));
  });

  // PGlite has one connection, so this interleaving cannot happen there: the test exists on
  // PostgreSQL only (defined conditionally, not skipped).
  const onPostgres = engine === 'postgres' ? it : null;
  onPostgres?.(
    'a writer that has appended its events holds back every other writer until it commits',
    async () => {
      const start = await latestProjectEventId(handle.db, project.id);
      const gate = signal();
      const appended = signal();

      const current = await getProject(handle.db, project.id);
      if (!current) throw new Error('project vanished');
      const first = work(owner, async (uow) => {
        // Append an event now (taking the event-order lock), then stay open.
        const events = await appendEvents(uow.trx, [
          {
            projectId: project.id,
            actorId: owner.id,
            recipientId: null,
            body: { type: 'project.updated', payload: { project: current, previous: {} } },
          },
        ]);
        appended.fire();
        await gate.fired;
        return events;
      });
      await appended.fired;
      let secondDone = false;
      const second = work(mate, (uow) =>
        createTask(uow, newTask(project, mate, { title: 'Second' })),
      ).finally(() => {
        secondDone = true;
      });
      await sleep(200);

      expect(secondDone).toBe(false);
      await expect(listProjectEventsAfter(handle.db, project.id, start)).resolves.toEqual([]);

      gate.fire();
      const [{ result: firstEvents }, { events: secondEvents }] = await Promise.all([
        first,
        second,
      ]);
      const firstId = firstEvents[0]?.id ?? Infinity;
      const secondId = secondEvents[0]?.id ?? -Infinity;
      expect(secondId).toBeGreaterThan(firstId);
      expect(ids(await listProjectEventsAfter(handle.db, project.id, start))).toEqual([
        firstId,
        secondId,
      ]);
    },
  );
});

describe(`reading the log (${engine})`, () => {
  it('listProjectEventsAfter pages by id with a limit, oldest first, only that project', async () => {
    const owner = await makeUser(handle.db, 'Pager');
    const project = await makeProject(handle.db, owner);
    const noise = await makeProject(handle.db, owner, [], 'Noise');
    for (let i = 0; i < 6; i++) {
      await makeTask(handle.db, project, owner, { title: `Task ${i}` });
      await makeTask(handle.db, noise, owner);
    }
    const all = await listProjectEventsAfter(handle.db, project.id, 0);
    expect(all).toHaveLength(7); // member.added + 6 × task.created
    expect(all.every((event) => event.projectId === project.id)).toBe(true);
    expect(isStrictlyIncreasing(ids(all))).toBe(true);

    const pages: ProjectEvent[][] = [];
    let cursor = 0;
    for (;;) {
      const page = await listProjectEventsAfter(handle.db, project.id, cursor, 3);
      if (page.length === 0) break;
      pages.push(page);
      cursor = page[page.length - 1]?.id ?? cursor;
    }
    expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual(all);
    const third = all[2]?.id ?? 0;
    await expect(listProjectEventsAfter(handle.db, project.id, third, 2)).resolves.toEqual(
      all.slice(3, 5),
    );
  });

  it('listRecipientEventsAfter returns only the events addressed to that user, across projects: their tasks and their own memberships', async () => {
    const owner = await makeUser(handle.db, 'Boss');
    const ren = await makeUser(handle.db, 'Ren');
    const sol = await makeUser(handle.db, 'Sol');
    const inboxOf = async (user: User) => {
      const inbox = await getInboxProject(handle.db, user.id);
      if (!inbox) throw new Error('fixture user has no Inbox');
      return inbox;
    };
    const ownerInbox = await inboxOf(owner);
    const renInbox = await inboxOf(ren);
    const solInbox = await inboxOf(sol);

    // Each list starts with registration's member.added of the user's own Inbox.
    const forOwner = await listRecipientEventsAfter(handle.db, owner.id, 0);
    const forRen = await listRecipientEventsAfter(handle.db, ren.id, 0);
    const forSol = await listRecipientEventsAfter(handle.db, sol.id, 0);
    const unaddressed: ProjectEvent[] = [];
    const lists = new Map([
      [owner.id, forOwner],
      [ren.id, forRen],
      [sol.id, forSol],
    ]);
    const run = async <T>(fn: (uow: UnitOfWork) => Promise<T>): Promise<T> => {
      const { result, events } = await work(owner, fn);
      for (const event of events) {
        const list = event.recipientId === null ? unaddressed : lists.get(event.recipientId);
        if (!list) throw new Error(`event ${event.type} addressed to a stranger`);
        list.push(event);
      }
      return result;
    };

    const first = await run(async (uow) => {
      const project = await createProject(uow, { name: 'First', ownerId: owner.id });
      await addMember(uow, project.id, ren.id, 'editor');
      await addMember(uow, project.id, sol.id, 'editor');
      return project;
    });
    const second = await run(async (uow) => {
      const project = await createProject(uow, { name: 'Second', ownerId: owner.id });
      await addMember(uow, project.id, ren.id, 'viewer');
      return project;
    });
    const renTask = await run((uow) =>
      createTask(uow, newTask(first, owner, { assigneeId: ren.id })),
    );
    await run((uow) => createTask(uow, newTask(first, owner))); // no one
    await run((uow) => createTask(uow, newTask(second, owner, { assigneeId: ren.id })));
    await run((uow) => createTask(uow, newTask(first, owner, { assigneeId: sol.id })));
    await run((uow) => moveTask(uow, renTask.id, { status: 'done' }));
    await run((uow) => updateMemberRole(uow, second.id, ren.id, 'editor'));
    await run((uow) => removeMember(uow, first.id, sol.id)); // unassigns Sol's task too
    await run((uow) => updateProject(uow, first.id, { name: 'First!' })); // no one

    const rens = await listRecipientEventsAfter(handle.db, ren.id, 0);
    expect(rens).toEqual(forRen);
    expect(rens.map((e) => [e.type, e.projectId])).toEqual([
      ['member.added', renInbox.id],
      ['member.added', first.id],
      ['member.added', second.id],
      ['task.created', first.id],
      ['task.created', second.id],
      ['task.moved', first.id],
      ['member.updated', second.id],
    ]);
    const sols = await listRecipientEventsAfter(handle.db, sol.id, 0);
    expect(sols).toEqual(forSol);
    expect(sols.map((e) => [e.type, e.projectId])).toEqual([
      ['member.added', solInbox.id],
      ['member.added', first.id],
      ['task.created', first.id],
      ['task.updated', first.id],
      ['member.removed', first.id],
    ]);
    const owners = await listRecipientEventsAfter(handle.db, owner.id, 0);
    expect(owners).toEqual(forOwner);
    expect(owners.map((e) => [e.type, e.projectId])).toEqual([
      ['member.added', ownerInbox.id],
      ['member.added', first.id],
      ['member.added', second.id],
    ]);
    expect(unaddressed.map((e) => e.type)).toEqual(['task.created', 'project.updated']);

    // Each membership event in a list is about that list's user: none of another user's.
    const membersNamed = (events: readonly ProjectEvent[]) =>
      events.flatMap((event) => {
        if (event.type === 'member.added' || event.type === 'member.updated') {
          return [event.payload.member.userId];
        }
        return event.type === 'member.removed' ? [event.payload.userId] : [];
      });
    expect(membersNamed(owners)).toEqual([owner.id, owner.id, owner.id]);
    expect(membersNamed(rens)).toEqual([ren.id, ren.id, ren.id, ren.id]);
    expect(membersNamed(sols)).toEqual([sol.id, sol.id, sol.id]);

    // Cursor and limit.
    await expect(
      listRecipientEventsAfter(handle.db, ren.id, forRen[0]?.id ?? 0, 1),
    ).resolves.toEqual(forRen.slice(1, 2));
    await expect(
      listRecipientEventsAfter(handle.db, ren.id, forRen[4]?.id ?? 0, 10),
    ).resolves.toEqual(forRen.slice(5));
    await expect(listRecipientEventsAfter(handle.db, ren.id, forRen[6]?.id ?? 0)).resolves.toEqual(
      [],
    );
  });

  it('latestProjectEventId is 0 for a project without events, else its newest event id', async () => {
    const owner = await makeUser(handle.db, 'Late');
    await expect(latestProjectEventId(handle.db, randomUUID())).resolves.toBe(0);
    const bare = await handle.db
      .insertInto('projects')
      .values({ name: 'No events', ownerId: owner.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    await expect(latestProjectEventId(handle.db, bare.id)).resolves.toBe(0);

    const project = await makeProject(handle.db, owner);
    const created = await listProjectEventsAfter(handle.db, project.id, 0);
    await expect(latestProjectEventId(handle.db, project.id)).resolves.toBe(created[0]?.id);

    const { events } = await work(owner, (uow) =>
      createTask(uow, newTask(project, owner, { title: 'Newest' })),
    );
    // Another project's later event does not count.
    await makeTask(handle.db, await makeProject(handle.db, owner, [], 'Other'), owner);
    await expect(latestProjectEventId(handle.db, project.id)).resolves.toBe(events[0]?.id);
  });

  it('every event type, as returned and as logged, parses with projectEventSchema unchanged', async () => {
    const owner = await makeUser(handle.db, 'Types');
    const mate = await makeUser(handle.db, 'Mate');
    const project = await makeProject(handle.db, owner, [[mate, 'editor']]);
    const returned: ProjectEvent[] = [];
    const run = async (fn: (uow: UnitOfWork) => Promise<unknown>) => {
      returned.push(...(await work(owner, fn)).events);
    };

    const task = await makeTask(handle.db, project, owner, { dueDate: '2031-01-02T03:04:05.000Z' });
    await run((uow) =>
      updateTask(uow, task.id, { assigneeId: mate.id, description: 'with "quotes" ✓' }),
    );
    await run((uow) => moveTask(uow, task.id, { status: 'in-progress' }));
    await run((uow) => deleteTask(uow, task.id));
    await run((uow) => updateMemberRole(uow, project.id, mate.id, 'viewer'));
    await run((uow) => removeMember(uow, project.id, mate.id));
    await run((uow) => addMember(uow, project.id, mate.id, 'editor'));
    await run((uow) => updateProject(uow, project.id, { name: 'Typed' }));

    const logged = await listProjectEventsAfter(handle.db, project.id, 0);
    expect(logged.slice(-returned.length)).toEqual(returned);
    await run((uow) => deleteProject(uow, project.id));

    const everything = [...logged, ...returned.slice(-1)];
    expect(new Set(everything.map((e) => e.type))).toEqual(new Set(projectEventTypes));
    for (const event of everything) {
      expect(projectEventSchema.parse(event)).toEqual(event);
    }
    // The stored payload is exactly the JSON of what was returned.
    const taskUpdated = returned.find((e) => e.type === 'task.updated');
    expect(taskUpdated?.payload).toMatchObject({
      task: { dueDate: '2031-01-02T03:04:05.000Z', description: 'with "quotes" ✓' },
    });
  });
});

describe(`previous values (${engine})`, () => {
  let owner: User;
  let mate: User;
  let project: Project;

  beforeAll(async () => {
    owner = await makeUser(handle.db, 'Before');
    mate = await makeUser(handle.db, 'After');
    project = await makeProject(handle.db, owner, [[mate, 'editor']]);
  });

  it('task.updated carries exactly the changed fields: a re-sent value is not one, a status change moves the task', async () => {
    const task = await makeTask(handle.db, project, owner, {
      dueDate: '2031-01-02T03:04:05.000Z',
      title: 'Same title',
    });
    const { result: updated, events } = await work(owner, (uow) =>
      updateTask(uow, task.id, {
        title: 'Same title',
        status: 'done',
        dueDate: null,
        description: 'new',
      }),
    );
    expect(events.map((event) => event.payload)).toEqual([
      {
        task: updated,
        previous: {
          status: 'todo',
          position: task.position,
          dueDate: '2031-01-02T03:04:05.000Z',
          description: '',
        },
      },
    ]);
    // Replay delivers the same.
    await expect(
      listProjectEventsAfter(handle.db, project.id, (events[0]?.id ?? 1) - 1, 1),
    ).resolves.toEqual(events);
  });

  it("removing a member records each unassigned task's previous assignee", async () => {
    const leaver = await makeUser(handle.db, 'Leaver');
    await work(owner, (uow) => addMember(uow, project.id, leaver.id, 'editor'));
    const task = await makeTask(handle.db, project, owner, { assigneeId: leaver.id });
    const { events } = await work(owner, (uow) => removeMember(uow, project.id, leaver.id));
    const updated = events.find((event) => event.type === 'task.updated');
    expect(updated?.payload).toMatchObject({
      task: { id: task.id, assigneeId: null, version: 2 },
      previous: { assigneeId: leaver.id },
    });
    expect(Object.keys(updated?.payload.previous ?? {})).toEqual(['assigneeId']);
  });

  it('a project update to the values it already has records no event and changes nothing', async () => {
    const before = await getProject(handle.db, project.id);
    if (!before) throw new Error('project vanished');
    const { result, events } = await work(owner, (uow) =>
      updateProject(uow, project.id, { name: before.name, status: before.status }),
    );
    expect(events).toEqual([]);
    expect(result).toEqual(before);
    await expect(getProject(handle.db, project.id)).resolves.toEqual(before);
  });

  it('a row logged before events carried previous values replays with previous: null', async () => {
    const task = await makeTask(handle.db, project, owner);
    const start = await latestProjectEventId(handle.db, project.id);
    // What the log held for a move, a delete and a role change before this release.
    const old = [
      { type: 'task.moved', payload: { task } },
      { type: 'task.deleted', payload: { taskId: task.id } },
      { type: 'task.updated', payload: { task } },
    ] as const;
    for (const row of old) {
      await handle.db
        .insertInto('projectEvents')
        .values({
          projectId: project.id,
          type: row.type,
          actorId: owner.id,
          recipientId: null,
          previousId: null,
          previousRecipientEventId: null,
          payload: JSON.stringify(row.payload),
        })
        .execute();
    }
    const replayed = await listProjectEventsAfter(handle.db, project.id, start);
    expect(replayed.map(({ type, payload }) => ({ type, payload }))).toEqual(
      old.map(({ type, payload }) => ({ type, payload: { ...payload, previous: null } })),
    );
  });
});
