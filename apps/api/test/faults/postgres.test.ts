// PostgreSQL failing under a running API (issues 17 and 10): a backend terminated inside a
// transaction, and the whole server stopped and started again under writers. No process may
// exit, nothing may answer 500 (a database that is down is SERVICE_UNAVAILABLE 503 with
// Retry-After), /readyz names the database, and every acknowledged write is there afterwards.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDatabase, type DatabaseHandle } from '@taskboard/db';
import { apiDir, tsx, type ApiProcess } from '../../src/testing';
import { createFaultEnvironment, waitUntil, type PostgresCluster } from './services';
import { registerUser as register } from '@taskboard/test-kit';
import { createProject, field, restCall, trpcCall, type CallResult } from './http';

const faults = createFaultEnvironment();
let pg: PostgresCluster;
let api: ApiProcess;
let admin: DatabaseHandle;

beforeAll(async () => {
  pg = await faults.postgres();
  admin = createDatabase({ databaseUrl: pg.url(), poolSize: 2 });
});

/** Each scenario on an API process of its own, so that one's crash is not another's. */
beforeEach(async () => {
  api = await faults.api({ DATABASE_URL: pg.url() }, { output: 'capture' });
});

afterAll(async () => {
  await admin.close().catch(() => undefined);
  await faults.dispose();
});

const fixture = fileURLToPath(
  new URL('./fixtures/terminate-between-statements.ts', import.meta.url),
);

function runFixture(databaseUrl: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(tsx, [fixture], {
      cwd: apiDir,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('exit', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

function expectAlive() {
  expect(api.running(), `the API exited:\n${api.output()}`).toBe(true);
}

describe('a backend terminated inside a transaction', () => {
  it('does not end the process (createDatabase, between two statements)', async () => {
    const result = await runFixture(pg.url());
    expect(result.stderr).not.toMatch(/Unhandled 'error' event/);
    expect(result.code).toBe(0);
    const outcome: unknown = JSON.parse(result.stdout);
    // The second statement failed as "database unavailable", and the pool works afterwards.
    expect(outcome).toMatchObject({ failed: true, unavailable: true, afterwards: 1 });
  });

  it('answers the request 503 SERVICE_UNAVAILABLE and the API keeps serving', async () => {
    const { token } = await register(api.url, 'Locked');
    const projectId = await createProject(api.url, token, 'Terminated');
    const created = await trpcCall(
      api.url,
      'tasks.create',
      { projectId, title: 'held' },
      { token },
    );
    const taskId = field(created.data, 'id');
    if (typeof taskId !== 'string') throw new Error('no task id');

    // Hold the task's row lock, so the API's update waits inside its transaction, on a
    // checked-out connection, after its access checks ran.
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked: () => void = () => undefined;
    const isLocked = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const holder = admin.db.transaction().execute(async (trx) => {
      await sql`select 1 from tasks where id = ${taskId} for update`.execute(trx);
      locked();
      await released;
    });
    await isLocked;
    try {
      const update = trpcCall(
        api.url,
        'tasks.update',
        { id: taskId, title: 'moved on' },
        { token },
      );
      let waiting: number[] = [];
      await waitUntil(async () => {
        waiting = (
          await pg.sql(
            "select pid from pg_stat_activity where wait_event_type = 'Lock' and backend_type = 'client backend'",
          )
        ).map(Number);
        return waiting.length > 0;
      }, 'the update to wait on the row lock');
      expect(await pg.terminateBackends(waiting)).toBe(waiting.length);
      const answer = await update;
      expectAlive();
      expect({ status: answer.status, appCode: answer.appCode }).toEqual({
        status: 503,
        appCode: 'SERVICE_UNAVAILABLE',
      });
      expect(Number(answer.retryAfter)).toBeGreaterThan(0);
    } finally {
      release();
      await holder;
    }
    // The pool dropped the dead connection: the next write goes through.
    const retried = await trpcCall(
      api.url,
      'tasks.update',
      { id: taskId, title: 'again' },
      { token },
    );
    expect(retried.status).toBe(200);
    expectAlive();
  });
});

interface Readiness {
  status: number;
  database: unknown;
  ms: number;
}

/** GET /readyz: its status, the database check and how long it took (status 0: no answer). */
async function readiness(url: string): Promise<Readiness> {
  const started = performance.now();
  try {
    const ready = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) });
    const body: unknown = await ready.json();
    const database = field(field(body, 'checks'), 'database');
    return { status: ready.status, database, ms: performance.now() - started };
  } catch {
    return { status: 0, database: null, ms: performance.now() - started };
  }
}

interface WriterTally {
  acknowledged: string[];
  statuses: Map<number, number>;
  withoutRetryAfter: number;
}

/** Four writers creating tasks until stopped; a refused write waits 50 ms, as a client would. */
function startWriters(token: string, projectId: string, count = 4) {
  const tally: WriterTally = { acknowledged: [], statuses: new Map(), withoutRetryAfter: 0 };
  let stopped = false;
  let serial = 0;
  const count503AndOthers = (answer: CallResult) => {
    tally.statuses.set(answer.status, (tally.statuses.get(answer.status) ?? 0) + 1);
    if (answer.status === 503 && answer.retryAfter === null) tally.withoutRetryAfter += 1;
  };
  const writers = Array.from({ length: count }, async () => {
    while (!stopped) {
      serial += 1;
      const answer = await trpcCall(
        api.url,
        'tasks.create',
        { projectId, title: `write ${serial}` },
        { token },
      );
      count503AndOthers(answer);
      const id = field(answer.data, 'id');
      if (answer.status === 200 && typeof id === 'string') tally.acknowledged.push(id);
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  return {
    tally,
    async stop() {
      stopped = true;
      await Promise.all(writers);
    },
  };
}

describe('PostgreSQL stopped and started again under writers', () => {
  it('no exit, no 500, 503 with Retry-After while down, /readyz names it, nothing lost', async () => {
    const { token } = await register(api.url, 'Writer');
    const projectId = await createProject(api.url, token, 'Outages');
    const writers = startWriters(token, projectId);
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const readyWhileDown: Readiness[] = [];
    const restDown: CallResult[] = [];
    let acknowledgedBeforeLastStart = 0;
    try {
      for (let cycle = 0; cycle < 3; cycle++) {
        await sleep(1_500);
        await pg.stop('fast');
        await sleep(300);
        readyWhileDown.push(await readiness(api.url));
        restDown.push(await restCall(api.url, 'GET', '/projects', undefined, token));
        await sleep(1_500);
        acknowledgedBeforeLastStart = writers.tally.acknowledged.length;
        await pg.start();
      }
      await sleep(1_500);
    } finally {
      await writers.stop();
    }
    const { acknowledged, statuses, withoutRetryAfter } = writers.tally;
    const present = new Set(await pg.sql(`select id from tasks where project_id = '${projectId}'`));
    const missing = acknowledged.filter((id) => !present.has(id));
    console.info(
      `PostgreSQL stop/start x3: ${acknowledged.length} writes acknowledged, ` +
        `${acknowledged.length - missing.length} present, ${present.size - (acknowledged.length - missing.length)} present though not acknowledged; statuses ${JSON.stringify(Object.fromEntries(statuses))}; ` +
        `process exits ${api.running() ? 0 : 1}`,
    );
    expectAlive();
    expect(missing).toEqual([]);
    expect([...statuses.keys()].filter((status) => status !== 200 && status !== 503)).toEqual([]);
    expect(statuses.get(503) ?? 0).toBeGreaterThan(0);
    expect(withoutRetryAfter).toBe(0);
    expect(acknowledged.length).toBeGreaterThan(acknowledgedBeforeLastStart);
    for (const ready of readyWhileDown) {
      expect({ status: ready.status, database: ready.database }).toEqual({
        status: 503,
        database: 'down',
      });
      expect(ready.ms).toBeLessThan(2_000);
    }
    for (const answer of restDown) {
      expect({ status: answer.status, code: answer.appCode }).toEqual({
        status: 503,
        code: 'SERVICE_UNAVAILABLE',
      });
      expect(Number(answer.retryAfter)).toBeGreaterThan(0);
    }
    const ready = await fetch(`${api.url}/readyz`);
    expect(ready.status).toBe(200);
  });
});

describe('one instance cut off from PostgreSQL (TCP proxy reset), the other not', () => {
  it('the cut one answers 503 and serves again when restored; the other serves throughout', async () => {
    const proxy = await faults.proxy(pg.port);
    const cut = await faults.api({ DATABASE_URL: proxy.url(pg.url()) }, { output: 'capture' });
    const { token } = await register(api.url, 'Two');
    const projectId = await createProject(api.url, token, 'Split');
    const create = (url: string, title: string) =>
      trpcCall(url, 'tasks.create', { projectId, title }, { token });
    expect((await create(cut.url, 'before')).status).toBe(200);

    proxy.cut();
    const duringCut = await create(cut.url, 'during');
    const other = await create(api.url, 'elsewhere');
    const ready = await readiness(cut.url);
    proxy.restore();
    await waitUntil(
      async () => (await create(cut.url, 'after')).status === 200,
      'the cut instance to serve again',
    );

    expect(cut.running(), cut.output()).toBe(true);
    expectAlive();
    expect({ status: duringCut.status, appCode: duringCut.appCode }).toEqual({
      status: 503,
      appCode: 'SERVICE_UNAVAILABLE',
    });
    expect(Number(duringCut.retryAfter)).toBeGreaterThan(0);
    expect(other.status).toBe(200);
    expect({ status: ready.status, database: ready.database }).toEqual({
      status: 503,
      database: 'down',
    });
  });
});
