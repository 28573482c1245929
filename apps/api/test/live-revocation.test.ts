// SPEC.md "Session": revocation "ends that session's live subscriptions", on every instance,
// whatever transport a subscription uses (issue 10 "A signed-out session keeps receiving live
// events": tRPC also served subscriptions over HTTP as server-sent events, which revocation
// did not reach). Each kind of revocation, against every transport a subscription can be
// opened on: WebSocket with a token (Node apps), WebSocket with the cookie (browsers), and
// HTTP (server-sent events), on both instances of a two-instance setup.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import type { DisposableDatabase } from '@taskboard/db/testing';
import { SESSION_COOKIE } from '../src/context';
import { CLOSE_SESSION_ENDED } from '../src/live/connections';
import { recordProject, watchedLiveClient, type Recording } from './support/live';
import {
  client,
  createTestDatabase,
  engine,
  signUp,
  startServer,
  type TestServer,
} from './support/server';

vi.setConfig({ expect: { poll: { timeout: 5_000, interval: 20 } } });

let database: DisposableDatabase;
/**
 * On `postgres` two instances share Redis, the deployment with several instances; on `pglite`
 * there is no Redis, which is one instance by definition (SPEC.md "Configuration").
 */
let instances: TestServer[] = [];
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  instances = [await startServer(database)];
  if (engine === 'postgres') instances.push(await startServer(database));
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  for (const instance of instances) await instance.close();
  await database.dispose();
});

/** What one open subscription has seen, whatever its transport. */
interface Transport {
  name: string;
  /** Titles of the `task.created` events delivered. */
  titles(): string[];
  /** The subscription can deliver nothing more (closed, ended, or never opened). */
  ended(): boolean;
}

function titlesOf(recording: Recording): string[] {
  return recording.events.flatMap((event) =>
    event.type === 'task.created' ? [event.payload.task.title] : [],
  );
}

/** The tRPC client over WebSocket, the token in its connection params. */
function overTokenSocket(server: TestServer, token: string, projectId: string): Transport {
  const live = watchedLiveClient(server, token);
  cleanups.push(() => live.close());
  const recording = recordProject(live.api, { projectId, lastEventId: 0 });
  cleanups.push(() => {
    recording.unsubscribe();
  });
  return {
    name: `WebSocket with token on ${server.url}`,
    titles: () => titlesOf(recording),
    ended: () => live.closeCodes.includes(CLOSE_SESSION_ENDED) || recording.stopped(),
  };
}

/** A WebSocket as a browser opens it: the session cookie on the upgrade, tRPC's protocol. */
function overCookieSocket(server: TestServer, token: string, projectId: string): Transport {
  const socket = new WebSocket(`${server.url.replace('http', 'ws')}/trpc`, {
    headers: { cookie: `${SESSION_COOKIE}=${token}` },
  });
  cleanups.push(() => {
    socket.terminate();
  });
  const titles: string[] = [];
  let ended = false;
  socket.on('open', () => {
    socket.send(
      JSON.stringify({
        id: 1,
        method: 'subscription',
        params: { path: 'events.project', input: { projectId, lastEventId: 0 } },
      }),
    );
  });
  socket.on('message', (raw: Buffer) => {
    const text = raw.toString('utf8');
    const title = /"title":"([^"]+)"/.exec(text)?.[1];
    if (title !== undefined) titles.push(title);
    if (/"error"|"type":"stopped"/.test(text)) ended = true;
  });
  socket.on('close', () => {
    ended = true;
  });
  return {
    name: `WebSocket with cookie on ${server.url}`,
    titles: () => titles,
    ended: () => ended,
  };
}

/** tRPC's HTTP form of a subscription (server-sent events), with a bearer token. */
function overHttp(server: TestServer, token: string, projectId: string): Transport {
  const abort = new AbortController();
  cleanups.push(() => {
    abort.abort();
  });
  const titles: string[] = [];
  let ended = false;
  const input = encodeURIComponent(JSON.stringify({ projectId, lastEventId: 0 }));
  void fetch(`${server.url}/trpc/events.project?input=${input}`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: abort.signal,
  })
    .then(async (response) => {
      if (!response.ok || !response.body) return;
      const decoder = new TextDecoder();
      const reader = response.body.getReader();
      for (;;) {
        const chunk: { done: boolean; value?: unknown } = await reader.read();
        if (chunk.done || !(chunk.value instanceof Uint8Array)) return;
        const text = decoder.decode(chunk.value, { stream: true });
        for (const match of text.matchAll(/"title":"([^"]+)"/g)) {
          if (match[1] !== undefined) titles.push(match[1]);
        }
      }
    })
    .catch(() => undefined)
    .finally(() => {
      ended = true;
    });
  return { name: `HTTP (SSE) on ${server.url}`, titles: () => titles, ended: () => ended };
}

const transports = [overTokenSocket, overCookieSocket, overHttp];

type Revocation = 'auth.logout' | 'auth.logoutAll' | 'auth.revokeSession';

describe('revoking a session ends its subscriptions on every transport and instance', () => {
  for (const revocation of ['auth.logout', 'auth.logoutAll', 'auth.revokeSession'] as const) {
    it(revocation, async () => {
      const [first] = instances;
      if (!first) throw new Error('no instance');
      const ada = await signUp(first, 'Revoked');
      const project = await ada.api.projects.create.mutate({ name: `Revoked by ${revocation}` });
      // A second member writes (and watches), so writes go on whatever Ada's sessions become.
      const bob = await signUp(first, 'Writer');
      await ada.api.members.add.mutate({ projectId: project.id, email: bob.email, role: 'editor' });
      const bobLive = watchedLiveClient(first, bob.token);
      cleanups.push(() => bobLive.close());
      // From the log's start: what was written before the subscription started is replayed.
      const bobSees = recordProject(bobLive.api, { projectId: project.id, lastEventId: 0 });

      const opened = instances.flatMap((instance) =>
        transports.map((open) => open(instance, ada.token, project.id)),
      );
      // Every subscription that is open delivers: it gets a write made now.
      await bob.api.tasks.create.mutate({ projectId: project.id, title: 'Before' });
      await expect.poll(() => titlesOf(bobSees)).toEqual(['Before']);
      for (const transport of opened) {
        await expect
          .poll(() => transport.ended() || transport.titles().includes('Before'), {
            message: transport.name,
          })
          .toBe(true);
      }

      await revoke(revocation, first, ada);

      for (const transport of opened) {
        await expect.poll(() => transport.ended(), { message: transport.name }).toBe(true);
      }
      await bob.api.tasks.create.mutate({ projectId: project.id, title: 'After' });
      await expect.poll(() => titlesOf(bobSees)).toEqual(['Before', 'After']);
      for (const transport of opened) {
        expect(transport.titles(), transport.name).not.toContain('After');
      }
    });
  }
});

async function revoke(
  revocation: Revocation,
  server: TestServer,
  user: Awaited<ReturnType<typeof signUp>>,
): Promise<void> {
  if (revocation === 'auth.logout') {
    await user.api.auth.logout.mutate();
  } else if (revocation === 'auth.logoutAll') {
    await user.api.auth.logoutAll.mutate();
  } else {
    // From another session of the same user (another device), as the account page does.
    const other = await client(server).auth.login.mutate({
      email: user.email,
      password: user.password,
    });
    const otherApi = client(server, other.token);
    const sessions = await otherApi.auth.sessions.query();
    const target = sessions.find((session) => !session.current);
    if (!target) throw new Error('no other session');
    await otherApi.auth.revokeSession.mutate({ id: target.id });
  }
}
