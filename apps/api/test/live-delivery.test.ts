// Live updates end to end (SPEC.md "Live updates", "Project events"): two API instances on one
// database (on `postgres` also one Redis), real WebSockets and the real tRPC client. Events
// cross instances, a resumed subscription gets exactly what it missed, a replay racing with
// writers loses and doubles nothing, a rolled-back write publishes nothing, and `events.mine`
// follows the caller's assignments.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DisposableDatabase } from '@taskboard/db/testing';
import {
  client,
  createTestDatabase,
  errorOf,
  signUp,
  startServer,
  type TestServer,
} from './support/server';
import {
  expectLogDelivered,
  fillLog,
  logIds,
  recipientLogIds,
  recordMine,
  recordProject,
  watchedLiveClient,
} from './support/live';

// Polls wait up to 5 s (not 1 s): these suites share two cores with the rest of the run.
vi.setConfig({ expect: { poll: { timeout: 5_000, interval: 20 } } });
let database: DisposableDatabase;
let a: TestServer;
let b: TestServer;
const open: { close(): void }[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  [a, b] = await Promise.all([startServer(database), startServer(database)]);
});

afterAll(async () => {
  for (const client of open) client.close();
  await Promise.all([a.close(), b.close()]);
  await database.dispose();
});

/** A live client that is closed after the file's tests. */
function live(target: { url: string }, token: string) {
  const client = watchedLiveClient(target, token);
  open.push(client);
  return client;
}

async function ownerWithProject(name: string) {
  const owner = await signUp(a, name);
  const project = await owner.api.projects.create.mutate({ name: `${name}'s project` });
  return { owner, project };
}

describe('events.project', () => {
  it('a change made on instance A reaches a subscriber on instance B', async () => {
    const { owner, project } = await ownerWithProject('Across');
    const onB = recordProject(live(b, owner.token).api, { projectId: project.id, lastEventId: 0 });
    // The replay of the project's first event shows the subscription is running.
    await expect.poll(() => onB.events.map((event) => event.type)).toEqual(['member.added']);

    const task = await owner.api.tasks.create.mutate({ projectId: project.id, title: 'From A' });
    await expect.poll(() => onB.events.length).toBe(2);
    expect(onB.events[1]).toMatchObject({
      type: 'task.created',
      projectId: project.id,
      actorId: owner.user.id,
      payload: { task: { id: task.id, title: 'From A' } },
    });

    const updated = await owner.api.tasks.update.mutate({
      id: task.id,
      expectedVersion: 1,
      title: 'Renamed on A',
    });
    const moved = await owner.api.tasks.move.mutate({
      id: task.id,
      status: 'done',
      expectedVersion: updated.version,
    });
    await owner.api.tasks.delete.mutate({ id: task.id, expectedVersion: moved.version });
    await expectLogDelivered(onB, () => logIds(database, project.id));
    expect(onB.events.map((event) => event.type)).toEqual([
      'member.added',
      'task.created',
      'task.updated',
      'task.moved',
      'task.deleted',
    ]);
    expect(onB.events[3]).toMatchObject({ payload: { task: { status: 'done', version: 3 } } });
    expect(onB.errors).toEqual([]);
  });

  it('a client that was away while 100 events were written gets exactly those, in order, on resume', async () => {
    const { owner, project } = await ownerWithProject('Resume');
    const first = live(a, owner.token);
    const before = recordProject(first.api, { projectId: project.id, lastEventId: 0 });
    await owner.api.tasks.create.mutate({ projectId: project.id, title: 'Seen live' });
    await expect.poll(() => before.events.length).toBe(2);
    const lastSeen = before.lastId();
    await first.close();

    const titles = Array.from({ length: 100 }, (_, i) => `Missed ${i + 1}`);
    for (const title of titles) {
      await owner.api.tasks.create.mutate({ projectId: project.id, title });
    }
    // Nothing reached the closed client.
    expect(before.events).toHaveLength(2);

    const missed = await logIds(database, project.id, lastSeen);
    expect(missed).toHaveLength(100);
    const resumed = recordProject(live(b, owner.token).api, {
      projectId: project.id,
      lastEventId: lastSeen,
    });
    await expectLogDelivered(resumed, () => logIds(database, project.id, lastSeen));
    expect(
      resumed.events.map((event) =>
        event.type === 'task.created' ? event.payload.task.title : event.type,
      ),
    ).toEqual(titles);

    // Then it is live: the next write arrives once, after the hundred (no replayed duplicate).
    await owner.api.tasks.create.mutate({ projectId: project.id, title: 'After resume' });
    await expectLogDelivered(resumed, () => logIds(database, project.id, lastSeen));
    expect(resumed.ids()).toHaveLength(101);
    expect(new Set(resumed.ids()).size).toBe(101);
    expect(resumed.errors).toEqual([]);
  }, 60_000);

  it('resumes from a lastEventId sent as a string, as tRPC sends it back on reconnect', async () => {
    const { owner, project } = await ownerWithProject('StringCursor');
    const created = await owner.api.tasks.create.mutate({ projectId: project.id, title: 'One' });
    await owner.api.tasks.update.mutate({ id: created.id, title: 'Two' });
    const [firstId] = await logIds(database, project.id);
    const resumed = recordProject(live(b, owner.token).api, {
      projectId: project.id,
      lastEventId: String(firstId),
    });
    await expectLogDelivered(resumed, () => logIds(database, project.id, firstId));
    expect(resumed.events.map((event) => event.type)).toEqual(['task.created', 'task.updated']);
  });

  it('events committed while a replay runs are neither lost nor doubled', async () => {
    const { owner, project } = await ownerWithProject('Racing');
    // More than one page of the replay (500 events; live-follow.test.ts covers many pages).
    const backlog = 700;
    await fillLog(database, project.id, owner.user.id, backlog);

    let stop = false;
    let written = 0;
    let writtenDuringReplay = 0;
    let replaying = false;
    // Two writers, one per instance, so that commits keep landing throughout the replay.
    const writers = [owner.api, client(b, owner.token)].map(async (api) => {
      while (!stop) {
        await api.tasks.create.mutate({ projectId: project.id, title: `Live ${written}` });
        written += 1;
        if (replaying) writtenDuringReplay += 1;
      }
    });
    await expect.poll(() => written).toBeGreaterThanOrEqual(3);

    replaying = true;
    const onB = recordProject(live(b, owner.token).api, { projectId: project.id, lastEventId: 0 });
    await expect
      .poll(() => onB.events.length, { timeout: 20_000 })
      .toBeGreaterThanOrEqual(backlog + 1);
    // The writers stop as the replay ends: the last events are the ones committed around the
    // switch from replay to live, and no later event could reveal (and so repair) a loss.
    replaying = false;
    stop = true;
    await Promise.all(writers);

    await expectLogDelivered(onB, () => logIds(database, project.id));
    expect(onB.ids()).toHaveLength(1 + backlog + written);
    expect(new Set(onB.ids()).size).toBe(onB.ids().length);
    expect(writtenDuringReplay).toBeGreaterThan(0);
    expect(onB.errors).toEqual([]);
  }, 60_000);

  it('a rolled-back write publishes nothing; the next valid write is the next event', async () => {
    const { owner, project } = await ownerWithProject('Rollback');
    const first = await owner.api.tasks.create.mutate({ projectId: project.id, title: 'First' });
    const second = await owner.api.tasks.create.mutate({ projectId: project.id, title: 'Second' });
    const ids = await logIds(database, project.id);
    const [resumeAfter, newest] = ids.slice(-2);
    if (resumeAfter === undefined || newest === undefined) throw new Error('two events expected');
    const onB = recordProject(live(b, owner.token).api, {
      projectId: project.id,
      lastEventId: resumeAfter,
    });
    // One replayed event: from here on the subscription is live.
    await expect.poll(() => onB.events.map((event) => event.type)).toEqual(['task.created']);

    expect(
      await errorOf(
        owner.api.tasks.update.mutate({ id: first.id, expectedVersion: 7, title: 'Stale' }),
      ),
    ).toMatchObject({ appCode: 'CONFLICT' });
    expect(
      await errorOf(
        owner.api.tasks.move.mutate({
          id: first.id,
          status: 'todo',
          // The same task on both sides: there is no gap between them to land in.
          afterId: second.id,
          beforeId: second.id,
        }),
      ),
    ).toMatchObject({ appCode: 'BAD_REQUEST' });
    expect(
      await errorOf(owner.api.tasks.delete.mutate({ id: second.id, expectedVersion: 2 })),
    ).toMatchObject({ appCode: 'CONFLICT' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(onB.events).toHaveLength(1);
    expect(await logIds(database, project.id)).toEqual(ids);

    await owner.api.tasks.update.mutate({ id: first.id, expectedVersion: 1, title: 'Valid' });
    await expect.poll(() => onB.events.length).toBe(2);
    expect(onB.events[1]).toMatchObject({
      type: 'task.updated',
      previousId: newest,
      payload: { task: { id: first.id, title: 'Valid', version: 2 } },
    });
    expect(onB.errors).toEqual([]);
  });
});

describe('events.mine', () => {
  it('delivers tasks assigned to the caller in any project, and resumes without gap', async () => {
    const { owner, project } = await ownerWithProject('Assigner');
    const bob = await signUp(b, 'Bob');
    await owner.api.members.add.mutate({ projectId: project.id, email: bob.email, role: 'editor' });

    const first = live(b, bob.token);
    const mine = recordMine(first.api, { lastEventId: 0 });
    const assigned = await owner.api.tasks.create.mutate({
      projectId: project.id,
      title: 'For Bob',
      assigneeId: bob.user.id,
    });
    await owner.api.tasks.create.mutate({ projectId: project.id, title: 'For nobody' });
    // In Bob's own Inbox, assigned to himself.
    await bob.api.tasks.create.mutate({ title: 'Note to self', assigneeId: bob.user.id });
    await expectLogDelivered(mine, () => recipientLogIds(database, bob.user.id));
    expect(mine.events.map((event) => event.type)).toEqual(['task.created', 'task.created']);
    expect(mine.events[0]).toMatchObject({
      projectId: project.id,
      recipientId: bob.user.id,
      payload: { task: { id: assigned.id, title: 'For Bob' } },
    });
    expect(mine.events[1]).toMatchObject({ payload: { task: { title: 'Note to self' } } });
    const lastSeen = mine.lastId();
    await first.close();

    // While Bob is away: three more assignments, an edit, and the first task taken off him.
    for (let i = 1; i <= 3; i += 1) {
      await owner.api.tasks.create.mutate({
        projectId: project.id,
        title: `Away ${i}`,
        assigneeId: bob.user.id,
      });
    }
    await owner.api.tasks.create.mutate({ projectId: project.id, title: 'Still not Bob' });
    await owner.api.tasks.update.mutate({ id: assigned.id, assigneeId: null });

    const missed = await recipientLogIds(database, bob.user.id, lastSeen);
    expect(missed).toHaveLength(4);
    const resumed = recordMine(live(a, bob.token).api, { lastEventId: lastSeen });
    await expectLogDelivered(resumed, () => recipientLogIds(database, bob.user.id, lastSeen));
    expect(resumed.events.map((event) => event.type)).toEqual([
      'task.created',
      'task.created',
      'task.created',
      'task.updated',
    ]);
    expect(resumed.events[3]).toMatchObject({
      payload: { task: { id: assigned.id, assigneeId: null } },
    });

    // And live again, from the other instance.
    await owner.api.tasks.create.mutate({
      projectId: project.id,
      title: 'Back',
      assigneeId: bob.user.id,
    });
    await expectLogDelivered(resumed, () => recipientLogIds(database, bob.user.id, lastSeen));
    expect(resumed.ids()).toHaveLength(5);
    expect(resumed.errors).toEqual([]);
  });
});
