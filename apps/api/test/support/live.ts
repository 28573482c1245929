// Helpers of the live-update suites (live-*.test.ts): a WebSocket tRPC client that reports its
// connection's closes, recordings of subscriptions, the event log as the database holds it, and
// a throw-away Redis server the test can kill and restart.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { createTRPCClient, createWSClient, wsLink, type TRPCClientError } from '@trpc/client';
import { WebSocket } from 'ws';
import { expect } from 'vitest';
import * as db from '@taskboard/db';
import type { DisposableDatabase } from '@taskboard/db/testing';
import type { AppErrorCode, ProjectEvent } from '@taskboard/schema';
import type { AppRouter } from '@taskboard/api/host';

// Node 20 has no global WebSocket, and tRPC's `WebSocket` option is typed as the DOM's, which
// the `ws` class does not match structurally: `ws` is made the global instead (this worker only).
Object.assign(globalThis, { WebSocket });

/**
 * The real tRPC client over WebSocket, like `liveClient` of ./server, that also records the
 * close code of every connection it loses and counts the connections it opened.
 */
export function watchedLiveClient(target: { url: string } | (() => string), token?: string) {
  const httpUrl = () => (typeof target === 'function' ? target() : target.url);
  const closeCodes: number[] = [];
  let opened = 0;
  const ws = createWSClient({
    url: () => `${httpUrl().replace(/^http/, 'ws')}/trpc`,
    connectionParams: () => (token ? { token } : {}),
    retryDelayMs: () => 100,
    onOpen: () => {
      opened += 1;
    },
    onClose: (cause) => {
      closeCodes.push(cause?.code ?? 0);
    },
  });
  const api = createTRPCClient<AppRouter>({ links: [wsLink({ client: ws })] });
  return { api, ws, closeCodes, opened: () => opened, close: () => ws.close() };
}

export type LiveApi = ReturnType<typeof watchedLiveClient>['api'];

/** What a subscription delivered: events in arrival order, the tracked ids, how it ended. */
export interface Recording {
  events: ProjectEvent[];
  /** The tracked id of every event received, as numbers, in arrival order. */
  ids(): number[];
  /** The id the client would resume after (the last tracked id it saw), 0 before any. */
  lastId(): number;
  /** Application codes of the errors that ended the subscription. */
  errors: (AppErrorCode | 'none')[];
  stopped(): boolean;
  unsubscribe(): void;
}

function recorder() {
  const events: ProjectEvent[] = [];
  const trackedIds: number[] = [];
  const errors: (AppErrorCode | 'none')[] = [];
  let stopped = false;
  const callbacks = {
    onData(value: { id: string; data: ProjectEvent }) {
      trackedIds.push(Number(value.id));
      events.push(value.data);
    },
    onError(error: TRPCClientError<AppRouter>) {
      errors.push(error.data?.appCode ?? 'none');
    },
    onStopped() {
      stopped = true;
    },
  };
  const recording = (unsubscribe: () => void): Recording => ({
    events,
    ids: () => [...trackedIds],
    lastId: () => trackedIds.at(-1) ?? 0,
    errors,
    stopped: () => stopped,
    unsubscribe,
  });
  return { callbacks, recording };
}

/** Subscribes to a project's events and records what arrives. */
export function recordProject(
  api: LiveApi,
  input: { projectId: string; lastEventId?: number | string | null },
): Recording {
  const { callbacks, recording } = recorder();
  const subscription = api.events.project.subscribe(input, callbacks);
  return recording(() => {
    subscription.unsubscribe();
  });
}

/** Subscribes to the caller's own events (`events.mine`) and records what arrives. */
export function recordMine(
  api: LiveApi,
  input: { lastEventId?: number | string | null } = {},
): Recording {
  const { callbacks, recording } = recorder();
  const subscription = api.events.mine.subscribe(input, callbacks);
  return recording(() => {
    subscription.unsubscribe();
  });
}

/** Subscribes to the changes of the caller's project list (`events.myProjects`) and records them. */
export function recordMyProjects(
  api: LiveApi,
  input: { lastEventId?: number | string | null } = {},
): Recording {
  const { callbacks, recording } = recorder();
  const subscription = api.events.myProjects.subscribe(input, callbacks);
  return recording(() => {
    subscription.unsubscribe();
  });
}

/** Every event id of the project's log, oldest first. */
export async function logIds(database: DisposableDatabase, projectId: string, afterId = 0) {
  const ids: number[] = [];
  for (let last = afterId; ;) {
    const page = await db.listProjectEventsAfter(database.db, projectId, last, 1000);
    ids.push(...page.map((event) => event.id));
    const newest = page.at(-1);
    if (newest === undefined) return ids;
    last = newest.id;
  }
}

/**
 * Every task event id addressed to the user, oldest first: what `events.mine` delivers (their
 * membership events are addressed to them too, for `events.myProjects`).
 */
export async function recipientLogIds(database: DisposableDatabase, userId: string, afterId = 0) {
  const page = await db.listRecipientEventsAfter(database.db, userId, afterId, 100_000);
  return page.filter((event) => event.type.startsWith('task.')).map((event) => event.id);
}

/** Waits until the recording holds exactly the log's events (same ids, same order). */
export async function expectLogDelivered(
  recording: Recording,
  log: () => Promise<number[]>,
  timeout = 10_000,
): Promise<void> {
  let expected = await log();
  await expect
    .poll(
      async () => {
        expected = await log();
        return recording.ids().length >= expected.length;
      },
      { timeout, interval: 50 },
    )
    .toBe(true);
  expect(recording.ids()).toEqual(expected);
  expect(recording.events.map((event) => event.id)).toEqual(expected);
}

/** Appends `count` `task.created` events to a project's log in one transaction (no publish). */
export async function fillLog(
  database: DisposableDatabase,
  projectId: string,
  actorId: string,
  count: number,
): Promise<void> {
  await db.runUnitOfWork(database.db, actorId, async (uow) => {
    for (let i = 0; i < count; i += 1) {
      await db.createTask(uow, {
        projectId,
        title: `Backlog ${i}`,
        description: '',
        status: 'todo',
        priority: 'medium',
        assigneeId: null,
        dueDate: null,
        createdById: actorId,
      });
    }
  });
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        if (address === null || typeof address === 'string') reject(new Error('no TCP port'));
        else resolve(address.port);
      });
    });
  });
}

/** Resolves once something accepts TCP connections on the port. */
export async function waitForPort(port: number, timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => {
        resolve(false);
      });
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A Redis server of the test's own, on a fixed port so that it can be killed (SIGKILL, as a
 * crash) and started again where the API's connections expect it. Nothing is persisted.
 */
export async function startOwnRedis() {
  const port = await freePort();
  let child: ChildProcess | null = null;
  async function start() {
    const started = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
      ],
      { stdio: 'ignore' },
    );
    child = started;
    await waitForPort(port);
  }
  async function kill() {
    const running = child;
    child = null;
    if (running?.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  }
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, kill, restart: start, stop: kill };
}
