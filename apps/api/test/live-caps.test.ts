// Caps on live connections (issue 10 "No cap on live connections": one session opened 250
// WebSockets without refusal, and sockets that never authenticate were never closed): a
// per-user and a per-address cap (close 4429) and a deadline for authenticating (close 4408),
// each counted in /metrics.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { DisposableDatabase } from '@taskboard/db/testing';
import { createMetrics } from '../src/http/metrics';
import {
  CLOSE_AUTH_TIMEOUT,
  CLOSE_TOO_MANY_CONNECTIONS,
  createConnectionCaps,
} from '../src/live/connection-caps';
import { createConnectionRegistry } from '../src/live/connections';
import { recordProject, watchedLiveClient } from './support/live';
import { createTestDatabase, signUp, startServer, type TestServer } from './support/server';

vi.setConfig({ expect: { poll: { timeout: 5_000, interval: 20 } } });

let database: DisposableDatabase;
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await database.dispose();
});

async function server(env: Record<string, string>): Promise<TestServer> {
  const started = await startServer(database, { env });
  cleanups.push(() => started.close());
  return started;
}

function live(target: TestServer, token: string) {
  const created = watchedLiveClient(target, token);
  cleanups.push(() => created.close());
  return created;
}

/** A raw WebSocket that never authenticates; records how it was closed. */
function anonymousSocket(target: TestServer) {
  const socket = new WebSocket(`${target.url.replace('http', 'ws')}/trpc`);
  cleanups.push(() => {
    socket.terminate();
  });
  let code: number | null = null;
  let opened = false;
  socket.on('open', () => {
    opened = true;
  });
  socket.on('close', (closeCode) => {
    code = closeCode;
  });
  return { opened: () => opened, closeCode: () => code };
}

async function metric(target: TestServer, line: RegExp): Promise<number> {
  const text = await (await fetch(`${target.url}/metrics`)).text();
  const value = new RegExp(`^${line.source} (\\d+)$`, 'm').exec(text)?.[1];
  return value === undefined ? NaN : Number(value);
}

describe('live connection caps', () => {
  it('a user over the per-user cap is closed with 4429; their other sockets and other users are not', async () => {
    const capped = await server({ LIVE_MAX_CONNECTIONS_PER_USER: '3' });
    const ada = await signUp(capped, 'Capped');
    const bob = await signUp(capped, 'Other');
    const project = await ada.api.projects.create.mutate({ name: 'Capped' });
    await ada.api.members.add.mutate({ projectId: project.id, email: bob.email, role: 'viewer' });

    const allowed = [live(capped, ada.token), live(capped, ada.token), live(capped, ada.token)];
    const recordings = allowed.map((client) =>
      recordProject(client.api, { projectId: project.id, lastEventId: 0 }),
    );
    await expect.poll(() => allowed.map((client) => client.opened())).toEqual([1, 1, 1]);
    await expect.poll(() => recordings.every((each) => each.events.length > 0)).toBe(true);

    const fourth = live(capped, ada.token);
    recordProject(fourth.api, { projectId: project.id, lastEventId: 0 });
    await expect.poll(() => fourth.closeCodes[0]).toBe(CLOSE_TOO_MANY_CONNECTIONS);
    await fourth.close();

    const bobs = live(capped, bob.token);
    const bobSees = recordProject(bobs.api, { projectId: project.id, lastEventId: 0 });
    await ada.api.tasks.create.mutate({ projectId: project.id, title: 'Still live' });
    const titles = (events: (typeof bobSees)['events']) =>
      events.flatMap((event) => (event.type === 'task.created' ? [event.payload.task.title] : []));
    await expect.poll(() => titles(bobSees.events)).toEqual(['Still live']);
    for (const recording of recordings) {
      await expect.poll(() => titles(recording.events)).toEqual(['Still live']);
    }
    expect(allowed.map((client) => client.closeCodes)).toEqual([[], [], []]);
    expect(bobs.closeCodes).toEqual([]);
    expect(
      await metric(capped, /taskboard_websocket_refusals_total\{reason="per_user"\}/),
    ).toBeGreaterThanOrEqual(1);
  });

  it('an address over the per-address cap is closed with 4429', async () => {
    const capped = await server({ LIVE_MAX_CONNECTIONS_PER_IP: '2' });
    const first = anonymousSocket(capped);
    const second = anonymousSocket(capped);
    await expect.poll(() => [first.opened(), second.opened()]).toEqual([true, true]);
    const third = anonymousSocket(capped);
    await expect.poll(() => third.closeCode()).toBe(CLOSE_TOO_MANY_CONNECTIONS);
    expect([first.closeCode(), second.closeCode()]).toEqual([null, null]);
    expect(
      await metric(capped, /taskboard_websocket_refusals_total\{reason="per_ip"\}/),
    ).toBeGreaterThanOrEqual(1);
  });

  it('a socket that does not authenticate in time is closed with 4408; a signed-in one stays', async () => {
    const capped = await server({ LIVE_AUTH_TIMEOUT_SECONDS: '0.5' });
    const ada = await signUp(capped, 'OnTime');
    const project = await ada.api.projects.create.mutate({ name: 'On time' });
    // Opened first, so its deadline has passed by the time the anonymous socket's has.
    const signedIn = live(capped, ada.token);
    const recording = recordProject(signedIn.api, { projectId: project.id, lastEventId: 0 });
    await expect.poll(() => recording.events.length).toBeGreaterThan(0);
    const anonymous = anonymousSocket(capped);
    await expect.poll(() => anonymous.opened()).toBe(true);
    await expect.poll(() => anonymous.closeCode()).toBe(CLOSE_AUTH_TIMEOUT);
    await ada.api.tasks.create.mutate({ projectId: project.id, title: 'After the deadline' });
    await expect
      .poll(() =>
        recording.events.some(
          (event) =>
            event.type === 'task.created' && event.payload.task.title === 'After the deadline',
        ),
      )
      .toBe(true);
    expect(signedIn.closeCodes).toEqual([]);
    expect(await metric(capped, /taskboard_websocket_auth_timeouts_total/)).toBeGreaterThanOrEqual(
      1,
    );
  });
});

/** A real WebSocket pair on a bare ws server: the client end and the server's socket. */
async function socketPair() {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        wss.close(() => {
          resolve();
        });
      }),
  );
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const address = wss.address();
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  const accepted = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${address.port}`);
  // The server accepts before the client has seen its handshake answer: terminating a client
  // that is still connecting raises an error event, so the pair is ready only once both are.
  const opened = new Promise<void>((resolve) =>
    client.once('open', () => {
      resolve();
    }),
  );
  cleanups.push(() => {
    client.terminate();
  });
  const socket = await accepted;
  await opened;
  return { client, socket };
}

async function hangUp(pair: { client: WebSocket; socket: WebSocket }) {
  const closed = new Promise<void>((resolve) =>
    pair.socket.once('close', () => {
      resolve();
    }),
  );
  pair.client.terminate();
  await closed;
}

// createContext awaits the session check, and the client may hang up meanwhile. Such a socket's
// 'close' has fired already, so nothing would ever uncount it: enough of them locked the user
// out of the instance for good (and kept their sessions in the re-check forever).
describe('a socket that closed while its session was checked', () => {
  it('is not counted against the user', async () => {
    const caps = createConnectionCaps({
      maxPerUser: 2,
      maxPerIp: 100,
      authTimeoutMs: 60_000,
      metrics: createMetrics(),
    });
    for (let round = 0; round < 3; round += 1) {
      const pair = await socketPair();
      expect(caps.opened(pair.socket, '127.0.0.1')).toBe(true);
      await hangUp(pair);
      expect(caps.authenticated(pair.socket, 'user-1')).toBe(false);
    }
    const { socket } = await socketPair();
    expect(caps.opened(socket, '127.0.0.1')).toBe(true);
    expect(caps.authenticated(socket, 'user-1')).toBe(true);
  });

  it('is not kept in the registry', async () => {
    const registry = createConnectionRegistry();
    const pair = await socketPair();
    await hangUp(pair);
    registry.add('session-1', pair.socket);
    expect(registry.openSessionIds()).toEqual([]);
  });
});
