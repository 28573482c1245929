// Who may open a live connection and follow a project (SPEC.md "Live updates", "Membership",
// "Session"): the WebSocket upgrade's Origin check, authentication by token or cookie, the
// codes a refused subscription ends with, revocation on another instance closing the
// connection, and a member removed while following.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { z } from 'zod';
import type { DisposableDatabase } from '@taskboard/db/testing';
import { SESSION_COOKIE } from '../src/context';
import { CLOSE_SESSION_ENDED } from '../src/live/connections';
import {
  client,
  createTestDatabase,
  ORIGIN,
  signUp,
  startServer,
  type TestServer,
} from './support/server';
import { recordMine, recordProject, watchedLiveClient } from './support/live';

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
  for (const live of open) live.close();
  await Promise.all([a.close(), b.close()]);
  await database.dispose();
});

function live(target: { url: string }, token?: string) {
  const created = watchedLiveClient(target, token);
  open.push(created);
  return created;
}

/** A tRPC subscription's data message on the wire: `tracked(id, event)` as `{ id, data }`. */
const subscriptionDataSchema = z.object({
  id: z.literal(1),
  result: z.object({
    type: z.literal('data'),
    data: z.object({ id: z.string(), data: z.object({ type: z.string() }) }),
  }),
});

const wsUrl = (server: TestServer) => `${server.url.replace(/^http/, 'ws')}/trpc`;

/** How a raw upgrade ends: opened, or refused with an HTTP status. */
function upgrade(url: string, headers: Record<string, string>) {
  return new Promise<{ opened: WebSocket } | { status: number }>((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => {
      resolve({ opened: socket });
    });
    socket.once('unexpected-response', (_request, response) => {
      resolve({ status: response.statusCode ?? 0 });
      socket.terminate();
    });
    socket.once('error', reject);
  });
}

describe('the WebSocket upgrade', () => {
  it('is refused with 403 for an Origin outside the allow-list', async () => {
    expect(await upgrade(wsUrl(b), { origin: 'http://evil.example' })).toEqual({ status: 403 });
    // Same host, other scheme or port: still not on the list.
    expect(await upgrade(wsUrl(b), { origin: 'https://localhost:5173' })).toEqual({ status: 403 });
  });

  it('is accepted from an allowed Origin, from its own origin (the web app it serves), and without one (a Node client)', async () => {
    for (const headers of [{ origin: ORIGIN }, { origin: b.url }, {}]) {
      const result = await upgrade(wsUrl(b), headers);
      expect(result).toHaveProperty('opened');
      if ('opened' in result) result.opened.close();
    }
  });

  it('authenticates a browser by its session cookie', async () => {
    const ada = await signUp(a, 'Cookie');
    const project = await ada.api.projects.create.mutate({ name: 'By cookie' });
    const result = await upgrade(wsUrl(b), {
      origin: ORIGIN,
      cookie: `${SESSION_COOKIE}=${ada.token}`,
    });
    if (!('opened' in result)) throw new Error(`upgrade refused: ${result.status}`);
    const socket = result.opened;
    const received: string[] = [];
    socket.on('message', (data: Buffer) => {
      const message = subscriptionDataSchema.safeParse(JSON.parse(data.toString()));
      if (message.success) received.push(message.data.result.data.data.type);
    });
    socket.send(
      JSON.stringify({
        id: 1,
        method: 'subscription',
        params: { path: 'events.project', input: { projectId: project.id, lastEventId: 0 } },
      }),
    );
    await expect.poll(() => received).toEqual(['member.added']);
    socket.close();
  });
});

describe('refused subscriptions', () => {
  it('without a session, or with an unknown token, a subscription is UNAUTHORIZED', async () => {
    const owner = await signUp(a, 'Owner');
    const project = await owner.api.projects.create.mutate({ name: 'Private' });
    for (const token of [undefined, 'a'.repeat(32), 'not a token']) {
      const anonymous = live(b, token);
      const onProject = recordProject(anonymous.api, { projectId: project.id, lastEventId: 0 });
      const mine = recordMine(anonymous.api, { lastEventId: 0 });
      await expect
        .poll(() => [...onProject.errors, ...mine.errors])
        .toEqual(['UNAUTHORIZED', 'UNAUTHORIZED']);
      expect(onProject.events).toEqual([]);
    }
  });

  it('a user who is not a member gets NOT_FOUND, the same as for a project that does not exist', async () => {
    const owner = await signUp(a, 'Keeper');
    const stranger = await signUp(a, 'Stranger');
    const project = await owner.api.projects.create.mutate({ name: 'Not yours' });
    const strangerLive = live(b, stranger.token);
    const refused = recordProject(strangerLive.api, { projectId: project.id, lastEventId: 0 });
    const missing = recordProject(strangerLive.api, {
      projectId: '00000000-0000-4000-8000-000000000000',
    });
    await expect
      .poll(() => [...refused.errors, ...missing.errors])
      .toEqual(['NOT_FOUND', 'NOT_FOUND']);
    expect(refused.events).toEqual([]);
  });

  it('a malformed input is a VALIDATION_ERROR', async () => {
    const ada = await signUp(a, 'Malformed');
    const project = await ada.api.projects.create.mutate({ name: 'Valid' });
    const adaLive = live(b, ada.token);
    const badCursor = recordProject(adaLive.api, { projectId: project.id, lastEventId: '-1' });
    const badId = recordProject(adaLive.api, { projectId: 'not-a-uuid' });
    await expect
      .poll(() => [...badCursor.errors, ...badId.errors])
      .toEqual(['VALIDATION_ERROR', 'VALIDATION_ERROR']);
  });
});

describe('a session revoked on instance A', () => {
  it('closes its live connection on instance B (4401); resubscribing is UNAUTHORIZED', async () => {
    const ada = await signUp(a, 'Revoked');
    const project = await ada.api.projects.create.mutate({ name: 'Watched' });
    // A second session of the same user, which signing out the first must not touch.
    const other = await client(a).auth.login.mutate({ email: ada.email, password: ada.password });

    const adaLive = live(b, ada.token);
    const stream = recordProject(adaLive.api, { projectId: project.id, lastEventId: 0 });
    const otherLive = live(b, other.token);
    const otherStream = recordProject(otherLive.api, { projectId: project.id, lastEventId: 0 });
    await expect.poll(() => [stream.events.length, otherStream.events.length]).toEqual([1, 1]);

    await ada.api.auth.logout.mutate();
    await expect.poll(() => adaLive.closeCodes).toContain(CLOSE_SESSION_ENDED);
    // The client reconnects and resubscribes on its own: the server refuses the session.
    await expect.poll(() => stream.errors).toEqual(['UNAUTHORIZED']);
    const again = recordProject(adaLive.api, { projectId: project.id, lastEventId: 0 });
    await expect.poll(() => again.errors).toEqual(['UNAUTHORIZED']);
    expect(again.events).toEqual([]);

    // The other session still follows the project.
    await client(a, other.token).tasks.create.mutate({
      projectId: project.id,
      title: 'Still here',
    });
    await expect
      .poll(() => otherStream.events.map((event) => event.type))
      .toEqual(['member.added', 'task.created']);
    expect(otherLive.closeCodes).toEqual([]);
    expect(stream.events).toHaveLength(1);
  });

  it('"sign out everywhere" closes every live connection of the user', async () => {
    const ada = await signUp(b, 'Everywhere');
    const other = await client(b).auth.login.mutate({ email: ada.email, password: ada.password });
    const first = live(b, ada.token);
    const second = live(a, other.token);
    const mineFirst = recordMine(first.api, { lastEventId: 0 });
    const mineSecond = recordMine(second.api, { lastEventId: 0 });
    await expect.poll(() => first.opened() + second.opened()).toBe(2);

    await client(a, other.token).auth.logoutAll.mutate();
    await expect
      .poll(() => [first.closeCodes[0], second.closeCodes[0]])
      .toEqual([CLOSE_SESSION_ENDED, CLOSE_SESSION_ENDED]);
    await expect
      .poll(() => [...mineFirst.errors, ...mineSecond.errors])
      .toEqual(['UNAUTHORIZED', 'UNAUTHORIZED']);
  });
});

describe('membership while following', () => {
  it('a member removed mid-stream has the stream ended with FORBIDDEN and sees nothing after', async () => {
    const owner = await signUp(a, 'Remover');
    const bob = await signUp(a, 'Removed');
    const project = await owner.api.projects.create.mutate({ name: 'Team' });
    await owner.api.members.add.mutate({ projectId: project.id, email: bob.email, role: 'editor' });
    const task = await owner.api.tasks.create.mutate({
      projectId: project.id,
      title: 'Assigned to Bob',
      assigneeId: bob.user.id,
    });

    const stream = recordProject(live(b, bob.token).api, { projectId: project.id, lastEventId: 0 });
    await expect
      .poll(() => stream.events.map((event) => event.type))
      .toEqual(['member.added', 'member.added', 'task.created']);

    // Demoted to viewer: still allowed to read, the stream goes on.
    await owner.api.members.updateRole.mutate({
      projectId: project.id,
      userId: bob.user.id,
      role: 'viewer',
    });
    await expect.poll(() => stream.events.at(-1)?.type).toBe('member.updated');

    await owner.api.members.remove.mutate({ projectId: project.id, userId: bob.user.id });
    await expect.poll(() => stream.errors).toEqual(['FORBIDDEN']);
    await owner.api.tasks.update.mutate({ id: task.id, title: 'After Bob left' });
    await owner.api.tasks.create.mutate({ projectId: project.id, title: 'Secret' });

    // The unassignment that came with the removal may arrive; nothing after the removal does.
    const types = stream.events.map((event) => event.type);
    expect(types).not.toContain('member.removed');
    expect(
      stream.events.some(
        (event) => event.type === 'task.created' && event.payload.task.title === 'Secret',
      ),
    ).toBe(false);

    // Resubscribing now: not a member any more, the project is not found.
    const again = recordProject(live(a, bob.token).api, { projectId: project.id, lastEventId: 0 });
    await expect.poll(() => again.errors).toEqual(['NOT_FOUND']);
  });

  it('a deleted project ends the stream after its project.deleted event', async () => {
    const owner = await signUp(a, 'Deleter');
    const erin = await signUp(a, 'Erin');
    const project = await owner.api.projects.create.mutate({ name: 'Short-lived' });
    await owner.api.members.add.mutate({ projectId: project.id, email: erin.email });
    const stream = recordProject(live(b, erin.token).api, {
      projectId: project.id,
      lastEventId: 0,
    });
    await expect.poll(() => stream.events.length).toBe(2);
    await owner.api.projects.delete.mutate({ id: project.id });
    await expect.poll(() => stream.stopped()).toBe(true);
    expect(stream.events.at(-1)).toMatchObject({
      type: 'project.deleted',
      payload: { projectId: project.id },
    });
    expect(stream.errors).toEqual([]);
  });

  it('another member being removed does not end the stream', async () => {
    const owner = await signUp(a, 'Lead');
    const carol = await signUp(a, 'Carol');
    const dave = await signUp(a, 'Dave');
    const project = await owner.api.projects.create.mutate({ name: 'Crew' });
    await owner.api.members.add.mutate({ projectId: project.id, email: carol.email });
    await owner.api.members.add.mutate({ projectId: project.id, email: dave.email });
    const stream = recordProject(live(b, carol.token).api, {
      projectId: project.id,
      lastEventId: 0,
    });
    await expect.poll(() => stream.events.length).toBe(3);
    await owner.api.members.remove.mutate({ projectId: project.id, userId: dave.user.id });
    await owner.api.tasks.create.mutate({ projectId: project.id, title: 'Carol sees this' });
    await expect
      .poll(() => stream.events.map((event) => event.type).slice(3))
      .toEqual(['member.removed', 'task.created']);
    expect(stream.errors).toEqual([]);
  });
});
