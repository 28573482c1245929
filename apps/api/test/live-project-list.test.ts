// `events.myProjects` (the projects page's live feed): a user hears of being added to a
// project, of role changes and removals, and of renames, archives and deletions of the
// projects they belong to, and of nothing else; across two instances, and resumed from the
// last event id without a gap or a duplicate.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DisposableDatabase } from '@taskboard/db/testing';
import type { ProjectEvent } from '@taskboard/schema';
import { createInProcessBus } from '@taskboard/api/host';
import { projectListFeed } from '@taskboard/api/host';
import { createTestDatabase, signUp, startServer, type TestServer } from './support/server';
import { recordMyProjects, watchedLiveClient, type Recording } from './support/live';

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

function live(target: { url: string }, token: string) {
  const client = watchedLiveClient(target, token);
  open.push(client);
  return client;
}

/** What a recording holds, as "type project" pairs a reader can compare. */
function seen(recording: Recording, names: ReadonlyMap<string, string>): string[] {
  return recording.events.map((event: ProjectEvent) => {
    const detail =
      event.type === 'project.updated'
        ? ` ${event.payload.project.name} ${event.payload.project.status}`
        : event.type === 'member.added' || event.type === 'member.updated'
          ? ` ${event.payload.member.role}`
          : '';
    return `${event.type} ${names.get(event.projectId) ?? event.projectId}${detail}`;
  });
}

describe('events.myProjects', () => {
  it('delivers the caller’s memberships and their projects’ changes, and nothing of others', async () => {
    const ada = await signUp(a, 'Ada');
    const bob = await signUp(a, 'Bob');
    const carol = await signUp(a, 'Carol');
    const shared = await ada.api.projects.create.mutate({ name: 'Shared' });
    const other = await ada.api.projects.create.mutate({ name: 'Not Bob’s' });
    const names = new Map([
      [shared.id, 'Shared'],
      [other.id, 'Other'],
    ]);
    const inbox = (await bob.api.projects.list.query()).find((project) => project.isInbox);
    names.set(inbox?.id ?? '', 'Inbox');
    // Bob's feed runs on instance B, from the log's start (so nothing races its start);
    // every change is made through instance A.
    const feed = recordMyProjects(live(b, bob.token).api, { lastEventId: 0 });
    await expect.poll(() => feed.events.length).toBe(1);

    await ada.api.members.add.mutate({ projectId: shared.id, email: bob.email, role: 'viewer' });
    await expect.poll(() => feed.events.length).toBe(2);
    await ada.api.projects.update.mutate({ id: shared.id, name: 'Shared 2' });
    await ada.api.members.updateRole.mutate({
      projectId: shared.id,
      userId: bob.user.id,
      role: 'editor',
    });
    await ada.api.projects.archive.mutate({ id: shared.id, archived: true });
    // Not Bob's business: another member joins, a project he is not in changes.
    await ada.api.members.add.mutate({ projectId: shared.id, email: carol.email, role: 'viewer' });
    await ada.api.projects.update.mutate({ id: other.id, name: 'Other 2' });
    await ada.api.projects.archive.mutate({ id: shared.id, archived: false });
    await ada.api.members.remove.mutate({ projectId: shared.id, userId: bob.user.id });
    // Removed: the project's later changes are no longer his to hear.
    await ada.api.projects.update.mutate({ id: shared.id, name: 'Shared 3' });
    // A change that must arrive, after everything that must not.
    const own = await bob.api.projects.create.mutate({ name: 'Bob’s own' });
    names.set(own.id, 'Own');

    await expect.poll(() => feed.events.length).toBe(8);
    expect(seen(feed, names)).toEqual([
      'member.added Inbox owner',
      'member.added Shared viewer',
      'project.updated Shared Shared 2 active',
      'member.updated Shared editor',
      'project.updated Shared Shared 2 archived',
      'project.updated Shared Shared 2 active',
      'member.removed Shared',
      'member.added Own owner',
    ]);
    expect(feed.errors).toEqual([]);

    await bob.api.projects.delete.mutate({ id: own.id });
    await expect.poll(() => feed.events.at(-1)?.type).toBe('project.deleted');
    expect(feed.events.at(-1)).toMatchObject({ projectId: own.id });
  });

  it('resumes from the last event id: what happened while away, in order, once', async () => {
    const ada = await signUp(a, 'Ada');
    const bob = await signUp(a, 'Bob');
    const first = await ada.api.projects.create.mutate({ name: 'First' });
    const second = await ada.api.projects.create.mutate({ name: 'Second' });
    const names = new Map([
      [first.id, 'First'],
      [second.id, 'Second'],
    ]);
    const client = live(a, bob.token);
    const feed = recordMyProjects(client.api, { lastEventId: 0 });
    await expect.poll(() => feed.events.length).toBe(1);
    await ada.api.members.add.mutate({ projectId: first.id, email: bob.email, role: 'editor' });
    await expect.poll(() => feed.events.length).toBe(2);
    const lastSeen = feed.lastId();
    await client.close();

    // While Bob is away: added to a second project, both renamed, removed from the first.
    await ada.api.members.add.mutate({ projectId: second.id, email: bob.email, role: 'viewer' });
    await ada.api.projects.update.mutate({ id: second.id, name: 'Second 2' });
    await ada.api.projects.update.mutate({ id: first.id, name: 'First 2' });
    await ada.api.members.remove.mutate({ projectId: first.id, userId: bob.user.id });

    const resumed = recordMyProjects(live(b, bob.token).api, { lastEventId: lastSeen });
    await expect.poll(() => resumed.events.length).toBe(3);
    // "First 2" came before his removal, but the replay follows today's memberships: of a
    // project he has left, only his own membership events are his to replay.
    expect(seen(resumed, names)).toEqual([
      'member.added Second viewer',
      'project.updated Second Second 2 active',
      'member.removed First',
    ]);
    // Live again after the replay, with no duplicate of it.
    await ada.api.projects.update.mutate({ id: second.id, name: 'Second 3' });
    await expect.poll(() => resumed.events.length).toBe(4);
    expect(new Set(resumed.ids()).size).toBe(4);
    expect(resumed.ids()).toEqual([...resumed.ids()].sort((x, y) => x - y));
    expect(resumed.errors).toEqual([]);
  });

  it('refuses a caller without a session', async () => {
    const anonymous = live(a, 'not-a-token');
    const feed = recordMyProjects(anonymous.api);
    await expect.poll(() => feed.errors).toEqual(['UNAUTHORIZED']);
  });
});

describe('projectListFeed', () => {
  const at = new Date(0).toISOString();
  const base = { actorId: null, previousId: null, previousRecipientEventId: null, createdAt: at };
  const bob = { id: randomUUID(), email: 'bob@example.com', name: 'Bob' };
  const memberEvent = (
    id: number,
    projectId: string,
    type: 'member.added' | 'member.removed',
  ): ProjectEvent =>
    type === 'member.added'
      ? {
          ...base,
          id,
          projectId,
          recipientId: bob.id,
          type,
          payload: {
            member: { projectId, userId: bob.id, role: 'viewer', user: bob, createdAt: at },
          },
        }
      : {
          ...base,
          id,
          projectId,
          recipientId: bob.id,
          type,
          payload: { userId: bob.id, previous: null },
        };
  const renamed = (id: number, projectId: string, name: string): ProjectEvent => ({
    ...base,
    id,
    projectId,
    recipientId: null,
    type: 'project.updated',
    payload: {
      project: {
        id: projectId,
        name,
        description: '',
        status: 'active',
        ownerId: randomUUID(),
        isInbox: false,
        createdAt: at,
        updatedAt: at,
      },
      previous: null,
    },
  });

  it('drops a project’s event queued behind the caller’s removal from it (both read from the bus in one go)', async () => {
    const bus = createInProcessBus();
    const [shared, other] = [randomUUID(), randomUUID()];
    const controller = new AbortController();
    const seen: string[] = [];
    const feed = projectListFeed({
      bus,
      userId: bob.id,
      memberOf: [shared],
      readAfter: () => Promise.resolve([]),
      isUnavailable: () => false,
      start: 0,
      signal: controller.signal,
    });
    const reading = (async () => {
      for await (const event of feed) seen.push(`${event.type} ${event.id}`);
    })();
    try {
      bus.publish([memberEvent(1, other, 'member.added')]);
      await expect.poll(() => seen).toEqual(['member.added 1']);
      // One delivery carries both: the removal is queued, then the rename it now hides.
      bus.publish([memberEvent(2, shared, 'member.removed'), renamed(3, shared, 'Secret plan')]);
      bus.publish([renamed(4, other, 'Still his')]);
      await expect.poll(() => seen.at(-1)).toBe('project.updated 4');
      expect(seen).toEqual(['member.added 1', 'member.removed 2', 'project.updated 4']);
    } finally {
      controller.abort();
      await bus.close();
      await reading;
    }
  });
});
