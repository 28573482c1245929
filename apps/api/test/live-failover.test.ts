// Live updates through failures (SPEC.md "Live updates": a client disconnected for any reason,
// Redis restart or API restart, resumes from its last event id and misses nothing):
// - Redis crashes (SIGKILL) and comes back while writes go on (postgres project: a Redis of
//   the test's own, so that it can be killed);
// - an API instance shuts down (`close()`, what SIGTERM runs): its clients are told to
//   reconnect, move to the other instance and miss nothing while writes go on there;
// - the real `src/main.ts` process gets SIGTERM: it exits 0 promptly and its live client
//   resumes on another instance (postgres project: it needs a database another process can
//   open).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import type { DisposableDatabase } from '@taskboard/db/testing';
import {
  client,
  createTestDatabase,
  engine,
  ORIGIN,
  signUp,
  startServer,
  type Client,
  type TestServer,
} from './support/server';
import {
  expectLogDelivered,
  freePort,
  logIds,
  recordMine,
  recordProject,
  recipientLogIds,
  startOwnRedis,
  watchedLiveClient,
  type Recording,
} from './support/live';

const onRedis = engine === 'postgres' ? it : null;
const onPostgres = engine === 'postgres' ? it : null;

// Polls wait up to 5 s (not 1 s): these suites share two cores with the rest of the run.
vi.setConfig({ expect: { poll: { timeout: 5_000, interval: 20 } } });
let database: DisposableDatabase;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await database.dispose();
});

/** A server closed after the file's tests unless the test closed it already. */
async function server(env?: Record<string, string>): Promise<TestServer> {
  const started = await startServer(database, env ? { env } : {});
  let closed: Promise<void> | null = null;
  const close = () => (closed ??= started.close());
  cleanups.push(close);
  return { ...started, close };
}

function live(target: { url: string } | (() => string), token: string) {
  const created = watchedLiveClient(target, token);
  cleanups.push(() => created.close());
  return created;
}

/** Creates tasks one after another, round robin over the given clients, until stopped. */
function startWriter(projectId: string, clients: () => Client[]) {
  const state = { stopped: false };
  let written = 0;
  const done = (async () => {
    while (!state.stopped) {
      const targets = clients();
      const target = targets[written % targets.length];
      if (target === undefined) throw new Error('no client to write with');
      await target.tasks.create.mutate({ projectId, title: `Write ${written}` });
      written += 1;
    }
  })();
  return {
    written: () => written,
    async stop() {
      state.stopped = true;
      await done;
    },
  };
}

/** A raw WebSocket that records the messages and the close code it gets. */
async function rawSocket(url: string) {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/trpc`, {
    headers: { origin: ORIGIN },
  });
  const messages: unknown[] = [];
  let closeCode: number | null = null;
  socket.on('message', (data: Buffer) => {
    messages.push(JSON.parse(data.toString()));
  });
  socket.on('close', (code: number) => {
    closeCode = code;
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  cleanups.push(() => {
    socket.terminate();
  });
  return { messages, closeCode: () => closeCode };
}

const expectNoDuplicates = (recording: Recording) => {
  expect(new Set(recording.ids()).size).toBe(recording.ids().length);
};

onRedis?.(
  'killed and restarted while writes go on: the API keeps serving, every subscriber ends with every event',
  async () => {
    const redis = await startOwnRedis();
    cleanups.push(() => redis.stop());
    const env = { REDIS_URL: redis.url };
    const [a, b] = await Promise.all([server(env), server(env)]);
    const owner = await signUp(a, 'Outage');
    const bob = await signUp(b, 'Bobby');
    const project = await owner.api.projects.create.mutate({ name: 'Through the outage' });
    await owner.api.members.add.mutate({ projectId: project.id, email: bob.email });
    const onA = recordProject(live(a, owner.token).api, { projectId: project.id, lastEventId: 0 });
    const onB = recordProject(live(b, bob.token).api, { projectId: project.id, lastEventId: 0 });
    const bobMine = recordMine(live(a, bob.token).api, { lastEventId: 0 });
    // A second project is written to only while Redis is down: no later event reveals the gap,
    // so only the resync after the outage can bring those events.
    const quiet = await owner.api.projects.create.mutate({ name: 'Written during the outage' });
    await owner.api.members.add.mutate({ projectId: quiet.id, email: bob.email });
    const quietOnA = recordProject(live(a, owner.token).api, {
      projectId: quiet.id,
      lastEventId: 0,
    });
    const quietOnB = recordProject(live(b, bob.token).api, { projectId: quiet.id, lastEventId: 0 });
    await expect
      .poll(() => [onA, onB, quietOnA, quietOnB].map((each) => each.events.length))
      .toEqual([2, 2, 2, 2]);

    const ownerOnB = client(b, owner.token);
    const writer = startWriter(project.id, () => [owner.api, ownerOnB]);
    await expect.poll(() => writer.written()).toBeGreaterThanOrEqual(4);

    await redis.kill();
    const writtenAtKill = writer.written();
    // Reads and writes over HTTP, on both instances, while Redis is gone.
    const assigned = await ownerOnB.tasks.create.mutate({
      projectId: project.id,
      title: 'Assigned during the outage',
      assigneeId: bob.user.id,
    });
    await owner.api.tasks.update.mutate({ id: assigned.id, priority: 'high' });
    expect((await client(b, bob.token).tasks.get.query({ id: assigned.id })).priority).toBe('high');
    const board = await client(a, bob.token).board.get.query({ projectId: project.id });
    expect(board.columns.length).toBeGreaterThan(0);
    await expect.poll(() => writer.written()).toBeGreaterThanOrEqual(writtenAtKill + 6);
    await owner.api.tasks.create.mutate({ projectId: quiet.id, title: 'Quiet on A' });
    await ownerOnB.tasks.create.mutate({ projectId: quiet.id, title: 'Quiet on B' });
    // Someone subscribes while Redis is down; the bus subscribes for them once it is back.
    const lateOnB = recordProject(live(b, owner.token).api, {
      projectId: project.id,
      lastEventId: 0,
    });
    await expect.poll(() => lateOnB.events.length).toBeGreaterThanOrEqual(2);

    await redis.restart();
    const writtenAtRestart = writer.written();
    await expect.poll(() => writer.written()).toBeGreaterThanOrEqual(writtenAtRestart + 4);
    await writer.stop();
    // One more write after the outage, on each instance, to be sure live delivery is back.
    await owner.api.tasks.create.mutate({ projectId: project.id, title: 'After, on A' });
    await ownerOnB.tasks.create.mutate({
      projectId: project.id,
      title: 'After, on B',
      assigneeId: bob.user.id,
    });

    const log = () => logIds(database, project.id);
    for (const recording of [onA, onB, lateOnB]) {
      await expectLogDelivered(recording, log, 8_000);
      expectNoDuplicates(recording);
      expect(recording.errors).toEqual([]);
    }
    for (const recording of [quietOnA, quietOnB]) {
      await expectLogDelivered(recording, () => logIds(database, quiet.id), 8_000);
      expect(recording.events.map((event) => event.type)).toEqual([
        'member.added',
        'member.added',
        'task.created',
        'task.created',
      ]);
    }
    await expectLogDelivered(bobMine, () => recipientLogIds(database, bob.user.id), 8_000);
    expect(bobMine.events.map((event) => event.type)).toEqual([
      'task.created',
      'task.updated',
      'task.created',
    ]);
  },
  60_000,
);

describe('an API instance shutting down', () => {
  it('tells its clients to reconnect; they resume on the other instance and miss nothing', async () => {
    const [a, b] = await Promise.all([server(), server()]);
    const owner = await signUp(b, 'Drain');
    const carol = await signUp(b, 'Carol');
    const project = await owner.api.projects.create.mutate({ name: 'Rolling restart' });
    await owner.api.members.add.mutate({ projectId: project.id, email: carol.email });

    let aClosing = false;
    const target = () => (aClosing ? b.url : a.url);
    const ownerLive = live(target, owner.token);
    const carolLive = live(target, carol.token);
    const carolElsewhere = live(target, carol.token);
    const clients = [ownerLive, carolLive, carolElsewhere];
    const first = recordProject(ownerLive.api, { projectId: project.id, lastEventId: 0 });
    const second = recordProject(carolLive.api, { projectId: project.id, lastEventId: 0 });
    const third = recordProject(carolElsewhere.api, { projectId: project.id, lastEventId: 0 });
    const carolMine = recordMine(carolLive.api, { lastEventId: 0 });
    const watcher = await rawSocket(a.url);
    await expect
      .poll(() => [first, second, third].map((each) => each.events.length))
      .toEqual([2, 2, 2]);

    const ownerOnA = client(a, owner.token);
    const writer = startWriter(project.id, () => (aClosing ? [owner.api] : [owner.api, ownerOnA]));
    await expect.poll(() => writer.written()).toBeGreaterThanOrEqual(4);
    await owner.api.tasks.create.mutate({
      projectId: project.id,
      title: 'For Carol, before',
      assigneeId: carol.user.id,
    });

    // Writes move to B first (a request racing with the close of its keep-alive connection
    // would fail on the client side, as with any server that goes away).
    aClosing = true;
    const writtenAtSwitch = writer.written();
    await expect.poll(() => writer.written()).toBeGreaterThanOrEqual(writtenAtSwitch + 2);
    const closing = performance.now();
    await a.close();
    expect(performance.now() - closing).toBeLessThan(5_000);
    expect(watcher.messages).toContainEqual({ id: null, method: 'reconnect' });
    await expect.poll(() => watcher.closeCode()).toBe(1001);

    const writtenAtClose = writer.written();
    await owner.api.tasks.create.mutate({
      projectId: project.id,
      title: 'For Carol, after',
      assigneeId: carol.user.id,
    });
    await expect.poll(() => writer.written()).toBeGreaterThanOrEqual(writtenAtClose + 5);
    await writer.stop();

    for (const recording of [first, second, third]) {
      await expectLogDelivered(recording, () => logIds(database, project.id));
      expectNoDuplicates(recording);
      expect(recording.errors).toEqual([]);
    }
    await expectLogDelivered(carolMine, () => recipientLogIds(database, carol.user.id));
    expect(carolMine.ids()).toHaveLength(2);
    for (const each of clients) {
      expect(each.closeCodes).toEqual([1001]);
      expect(each.opened()).toBe(2);
    }
  });

  it('a client that has seen no event yet resumes from the board it loaded', async () => {
    const [a, b] = await Promise.all([server(), server()]);
    const owner = await signUp(b, 'Viewer');
    const project = await owner.api.projects.create.mutate({ name: 'Quiet board' });
    await owner.api.tasks.create.mutate({ projectId: project.id, title: 'Already there' });
    // The board's lastEventId is the cursor: the subscription's input carries it, and tRPC
    // sends that input again on reconnect until a first event gives it a newer one.
    const board = await client(a, owner.token).board.get.query({ projectId: project.id });
    let aClosing = false;
    const viewer = live(() => (aClosing ? b.url : a.url), owner.token);
    const stream = recordProject(viewer.api, {
      projectId: project.id,
      lastEventId: board.lastEventId,
    });
    await expect.poll(() => viewer.opened()).toBe(1);

    aClosing = true;
    await a.close();
    // Written while the client is between instances.
    for (const title of ['While away 1', 'While away 2']) {
      await owner.api.tasks.create.mutate({ projectId: project.id, title });
    }
    await expectLogDelivered(stream, () => logIds(database, project.id, board.lastEventId));
    expect(stream.events.map((event) => event.type)).toEqual(['task.created', 'task.created']);
    expect(viewer.opened()).toBe(2);
  });
});

onPostgres?.(
  'SIGTERM: exits 0 within seconds; its live client is told to reconnect and resumes elsewhere',
  async () => {
    const databaseUrl = database.url;
    if (databaseUrl === undefined) throw new Error('a PostgreSQL database is needed');
    const b = await server();
    const port = await freePort();
    const mainUrl = `http://127.0.0.1:${port}`;
    const output: string[] = [];
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: databaseUrl,
        REDIS_URL: b.config.redisUrl ?? '',
        REDIS_KEY_PREFIX: b.config.redisKeyPrefix,
        ALLOWED_ORIGINS: ORIGIN,
        LOG_LEVEL: 'warn',
        RATE_LIMIT_MAX: '1000000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const exited = new Promise<{ code: number | null; at: number }>((resolve) => {
      child.once('exit', (code) => {
        resolve({ code, at: performance.now() });
      });
    });
    cleanups.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });

    await expect
      .poll(
        async () => {
          const response = await fetch(`${mainUrl}/healthz`).catch(() => null);
          return response?.status ?? `not up: ${output.join('')}`;
        },
        { timeout: 30_000, interval: 100 },
      )
      .toBe(200);

    const owner = await signUp(b, 'Process');
    const project = await owner.api.projects.create.mutate({ name: 'Deployed' });
    let terminating = false;
    const liveClient = live(() => (terminating ? b.url : mainUrl), owner.token);
    const stream = recordProject(liveClient.api, { projectId: project.id, lastEventId: 0 });
    const watcher = await rawSocket(mainUrl);
    // Written through the process: it serves HTTP and delivers live.
    await client({ url: mainUrl }, owner.token).tasks.create.mutate({
      projectId: project.id,
      title: 'Via the process',
    });
    await expect.poll(() => stream.events.length).toBe(2);

    const writer = startWriter(project.id, () => [owner.api]);
    terminating = true;
    const signalled = performance.now();
    child.kill('SIGTERM');
    const exit = await exited;
    expect({ code: exit.code, output: output.join('') }).toEqual({ code: 0, output: '' });
    expect(exit.at - signalled).toBeLessThan(5_000);
    expect(watcher.messages).toContainEqual({ id: null, method: 'reconnect' });
    await expect.poll(() => watcher.closeCode()).toBe(1001);

    const writtenAtExit = writer.written();
    await expect.poll(() => writer.written()).toBeGreaterThanOrEqual(writtenAtExit + 3);
    await writer.stop();
    await expectLogDelivered(stream, () => logIds(database, project.id));
    expectNoDuplicates(stream);
    expect(stream.errors).toEqual([]);
    expect(liveClient.closeCodes).toEqual([1001]);
    expect(liveClient.opened()).toBe(2);
  },
  60_000,
);
