// Events say what changed, writes answer their event (issue 11, section 1), end to end: a real
// server, the real tRPC client over HTTP for writes and over WebSocket for the feed. Every
// write's `eventId` is the id subscribers receive for its event; each event carries the
// previous values of what it changed, live and on replay; `tasks.create` with a client-chosen
// id is idempotent, and refuses another project's id without writing anything.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { DisposableDatabase } from '@taskboard/db/testing';
import type { ProjectEvent } from '@taskboard/schema';
import * as db from '@taskboard/db';
import { sql } from 'kysely';
import { resultOf } from './support/answers';
import { logIds, recordProject, watchedLiveClient } from './support/live';
import { hold } from './support/held-write';
import {
  createTestDatabase,
  engine,
  errorOf,
  signUp,
  startServer,
  type TestServer,
} from './support/server';

/** Any event id (a matcher: expect.any is typed `any`). */
const anEventId: unknown = expect.any(Number);
const aMessage: unknown = expect.any(String);

vi.setConfig({ expect: { poll: { timeout: 5_000, interval: 20 } } });
let database: DisposableDatabase;
let server: TestServer;
const open: { close(): void }[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startServer(database);
});

afterAll(async () => {
  for (const live of open) live.close();
  await server.close();
  await database.dispose();
});

function live(token: string) {
  const client = watchedLiveClient(server, token);
  open.push(client);
  return client.api;
}

/** The event with this id among those received (fails when it has not arrived). */
function received(events: readonly ProjectEvent[], id: number | null): ProjectEvent {
  const event = events.find((candidate) => candidate.id === id);
  if (!event) throw new Error(`event ${String(id)} was not received`);
  return event;
}

describe('every write answers the id of the event subscribers receive', () => {
  it('task, project and member writes; each event with the previous values of what it changed', async () => {
    const owner = await signUp(server, 'Answers');
    const mate = await signUp(server, 'Mate');
    const project = await owner.api.projects.create.mutate({ name: 'Printer' });
    expect(project.eventId).toEqual(anEventId);
    const feed = recordProject(live(owner.token), { projectId: project.id, lastEventId: 0 });
    await expect.poll(() => feed.events.map((event) => event.id)).toEqual([project.eventId]);

    const created = await owner.api.tasks.create.mutate({ projectId: project.id, title: 'Bed' });
    const updated = await owner.api.tasks.update.mutate({
      id: created.id,
      title: 'Level the bed',
      priority: 'high',
    });
    const moved = await owner.api.tasks.move.mutate({ id: created.id, status: 'done' });
    const added = await owner.api.members.add.mutate({
      projectId: project.id,
      email: mate.user.email,
      role: 'viewer',
    });
    const promoted = await owner.api.members.updateRole.mutate({
      projectId: project.id,
      userId: mate.user.id,
      role: 'editor',
    });
    const renamed = await owner.api.projects.update.mutate({ id: project.id, name: 'Voron' });
    const archived = await owner.api.projects.archive.mutate({ id: project.id, archived: true });
    const restored = await owner.api.projects.archive.mutate({ id: project.id, archived: false });
    const deleted = await owner.api.tasks.delete.mutate({ id: created.id });
    const removed = await owner.api.members.remove.mutate({
      projectId: project.id,
      userId: mate.user.id,
    });

    const answers = [created, updated, moved, added, promoted, renamed, archived, restored];
    const eventIds = [...answers.map((answer) => answer.eventId), deleted.eventId, removed.eventId];
    expect(eventIds.every((id) => typeof id === 'number')).toBe(true);
    // The events arrive under exactly those ids, in that order: nothing else was written.
    await expect.poll(() => feed.ids()).toEqual([project.eventId, ...eventIds]);
    expect(feed.events.map((event) => event.id)).toEqual(feed.ids());

    const { events } = feed;
    expect(received(events, created.eventId)).toMatchObject({
      type: 'task.created',
      payload: { task: resultOf(created) },
    });
    expect(received(events, updated.eventId).payload).toEqual({
      task: resultOf(updated),
      previous: { title: 'Bed', priority: 'medium' },
    });
    expect(received(events, moved.eventId).payload).toMatchObject({
      previous: { status: 'todo', position: created.position },
    });
    expect(received(events, deleted.eventId)).toMatchObject({
      type: 'task.deleted',
      payload: { taskId: created.id, previous: { id: created.id, status: 'done' } },
    });
    expect(received(events, promoted.eventId).payload).toMatchObject({
      previous: { role: 'viewer' },
    });
    expect(received(events, renamed.eventId).payload).toMatchObject({
      previous: { name: 'Printer' },
    });
    expect(received(events, archived.eventId).payload).toMatchObject({
      previous: { status: 'active' },
    });
    expect(received(events, restored.eventId).payload).toMatchObject({
      previous: { status: 'archived' },
    });
    expect(received(events, removed.eventId)).toMatchObject({
      type: 'member.removed',
      payload: { userId: mate.user.id, previous: { userId: mate.user.id, role: 'editor' } },
    });

    // A board that connects later replays the very same events, previous values included.
    const replay = recordProject(live(owner.token), { projectId: project.id, lastEventId: 0 });
    await expect.poll(() => replay.ids()).toEqual(feed.ids());
    expect(replay.events).toEqual(feed.events);

    // The project's deletion too: its event has no log row, only the live one.
    const gone = await owner.api.projects.delete.mutate({ id: project.id });
    expect(gone).toEqual({ id: project.id, eventId: anEventId });
    await expect.poll(() => feed.events.at(-1)?.type).toBe('project.deleted');
    expect(feed.events.at(-1)?.id).toBe(gone.eventId);
  });

  it('a write that changes nothing commits no event and answers eventId null', async () => {
    const owner = await signUp(server, 'Nothing');
    const task = await owner.api.tasks.create.mutate({ title: 'Same' });
    const before = await logIds(database, task.projectId);
    const again = await owner.api.tasks.update.mutate({ id: task.id, title: 'Same' });
    expect(again.eventId).toBeNull();
    expect(again.version).toBe(task.version);
    await expect(logIds(database, task.projectId)).resolves.toEqual(before);
  });
});

describe('tasks.create with a client-chosen id', () => {
  it('creates the task under that id; the same create again answers it and its first eventId, writing nothing', async () => {
    const owner = await signUp(server, 'Retry');
    const id = randomUUID();
    const input = { id, title: 'Calibrate', priority: 'high' } as const;
    const first = await owner.api.tasks.create.mutate(input);
    expect(first).toMatchObject({ id, title: 'Calibrate', eventId: anEventId });
    const before = await logIds(database, first.projectId);

    const again = await owner.api.tasks.create.mutate(input);
    expect(again).toEqual(first);
    await expect(logIds(database, first.projectId)).resolves.toEqual(before);
    const { tasks } = await owner.api.tasks.list.query({ projectId: first.projectId });
    expect(tasks.filter((task) => task.id === id)).toHaveLength(1);
  });

  it('CONCURRENT: five creates with one id at once make one task and one event, all answered alike', async () => {
    const owner = await signUp(server, 'Burst');
    const id = randomUUID();
    const inbox = (await owner.api.projects.list.query())[0];
    if (!inbox) throw new Error('no Inbox');
    const before = await logIds(database, inbox.id);
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => owner.api.tasks.create.mutate({ id, title: 'Once' })),
    );
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    const after = await logIds(database, inbox.id);
    expect(after).toEqual([...before, answers[0]?.eventId]);
  });

  it("refuses another project's task id with CONFLICT, revealing nothing and writing nothing", async () => {
    const stranger = await signUp(server, 'Stranger');
    const secret = await stranger.api.projects.create.mutate({ name: 'Secret plans' });
    const id = randomUUID();
    await stranger.api.tasks.create.mutate({ id, projectId: secret.id, title: 'Hidden' });

    const owner = await signUp(server, 'Guesser');
    const mine = await owner.api.projects.create.mutate({ name: 'Mine' });
    const before = await logIds(database, mine.id);
    const error = await errorOf(
      owner.api.tasks.create.mutate({ id, projectId: mine.id, title: 'Hidden' }),
    );
    expect(error).toMatchObject({ appCode: 'CONFLICT', httpStatus: 409 });
    expect(JSON.stringify(error)).not.toContain(secret.id);
    expect(JSON.stringify(error)).not.toContain('Secret plans');
    await expect(logIds(database, mine.id)).resolves.toEqual(before);
    expect((await owner.api.tasks.list.query({ projectId: mine.id })).tasks).toEqual([]);
  });

  it('refuses the same id with other content, and the id of a deleted task, with CONFLICT', async () => {
    const owner = await signUp(server, 'Strict');
    const id = randomUUID();
    await owner.api.tasks.create.mutate({ id, title: 'First' });
    expect((await errorOf(owner.api.tasks.create.mutate({ id, title: 'Second' }))).appCode).toBe(
      'CONFLICT',
    );
    await owner.api.tasks.delete.mutate({ id });
    expect((await errorOf(owner.api.tasks.create.mutate({ id, title: 'First' }))).appCode).toBe(
      'CONFLICT',
    );
    await expect(owner.api.tasks.get.query({ id })).rejects.toThrow();
  });

  it.each([
    ['not a UUID', 'task-1'],
    ['empty', ''],
    ['too long', `${randomUUID()}${'0'.repeat(5000)}`],
    ['a number', 42],
  ])('answers VALIDATION_ERROR on id for an id that is %s, writing nothing', async (_what, id) => {
    const owner = await signUp(server, 'Bad');
    const inbox = (await owner.api.projects.list.query())[0];
    if (!inbox) throw new Error('no Inbox');
    const before = await logIds(database, inbox.id);
    // The client's types refuse these ids: send them as an outside caller could.
    const response = await fetch(`${server.url}/trpc/tasks.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.token}` },
      body: JSON.stringify({ id, title: 'x' }),
    });
    expect(response.status).toBe(400);
    const body: unknown = await response.json();
    expect(body).toMatchObject({
      error: { data: { appCode: 'VALIDATION_ERROR', details: { id: aMessage } } },
    });
    await expect(logIds(database, inbox.id)).resolves.toEqual(before);
  });

  it('REST: the same id twice answers { task, eventId } alike, eventId next to the task', async () => {
    const owner = await signUp(server, 'Curl');
    const post = () =>
      fetch(`${server.url}/api/v1/project-management/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.token}` },
        body: JSON.stringify({ id, title: 'From curl' }),
      });
    const id = randomUUID();
    const first = await post();
    expect(first.status).toBe(201);
    const firstBody: unknown = await first.json();
    expect(firstBody).toMatchObject({ task: { id }, eventId: anEventId });
    expect(firstBody).not.toHaveProperty(['task', 'eventId']);
    const again = await post();
    expect(await again.json()).toEqual(firstBody);
  });

  it('OpenAPI documents eventId next to the task of a create, and in the 200 of a delete', async () => {
    const document: unknown = await (await fetch(`${server.url}/api/v1/openapi.json`)).json();
    const jsonBody = z.object({
      content: z.object({
        'application/json': z.object({
          schema: z.object({
            required: z.array(z.string()),
            properties: z.record(z.string(), z.object({ properties: z.unknown() }).partial()),
          }),
        }),
      }),
    });
    const paths = z
      .object({
        paths: z.object({
          '/project-management/tasks': z.object({
            post: z.object({ responses: z.object({ '201': jsonBody }) }),
          }),
          '/project-management/tasks/{id}': z.object({
            delete: z.object({ responses: z.object({ '200': jsonBody }) }),
          }),
        }),
      })
      .parse(document).paths;
    const created =
      paths['/project-management/tasks'].post.responses['201'].content['application/json'].schema;
    expect(created.required).toEqual(['task', 'eventId']);
    expect(created.properties.task?.properties).not.toHaveProperty('eventId');
    const deleted =
      paths['/project-management/tasks/{id}'].delete.responses['200'].content['application/json']
        .schema;
    expect(deleted.required).toEqual(expect.arrayContaining(['id', 'eventId']));
  });
});

// PGlite has one connection, so a write cannot commit in the middle of a read there: the
// test exists on PostgreSQL only (defined conditionally, not skipped).
const onPostgres = engine === 'postgres' ? it : null;
onPostgres?.(
  'board.get: counts hold exactly the events up to its lastEventId, even when a write commits while it reads',
  async () => {
    const owner = await signUp(server, 'Snapshot');
    const project = await owner.api.projects.create.mutate({ name: 'Race' });
    let heldEventId = 0;
    // A task create frozen at COMMIT that also holds the counters' table, so the board's
    // read of the counts waits for it after its read of the newest event id.
    const held = hold(database.db, async (trx) => {
      const pending: db.PendingEvent[] = [];
      await db.createTask(
        {
          trx,
          actorId: owner.user.id,
          record(projectId, body, recipientId = null) {
            pending.push({ projectId, actorId: owner.user.id, recipientId, body });
          },
        },
        {
          projectId: project.id,
          title: 'Raced',
          description: '',
          status: 'todo',
          priority: 'medium',
          assigneeId: null,
          dueDate: null,
          createdById: owner.user.id,
        },
      );
      heldEventId = (await db.appendEvents(trx, pending))[0]?.id ?? 0;
      await sql`lock table project_task_counts in access exclusive mode`.execute(trx);
    });
    await held.started;
    const board = owner.api.board.get.query({ projectId: project.id });
    await held.commitWhenBlocked(1, board);
    const { columns, lastEventId } = await board;
    const total = columns.reduce((sum, column) => sum + column.count, 0);
    // Either the board is from before the create (and its event is still to replay) or after.
    expect(lastEventId >= heldEventId ? 1 : 0).toBe(total);
    expect(columns.flatMap((column) => column.tasks)).toHaveLength(total);
  },
);
