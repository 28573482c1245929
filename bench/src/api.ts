import autocannon from 'autocannon';
import { CompiledQuery, type LogEvent } from 'kysely';
import { bulkLoadTasks, createDatabase, listTasks } from '@taskboard/db';
import { createDisposableDatabase } from '@taskboard/db/testing';
import { listTasksInputSchema } from '@taskboard/schema';
import { createProject, registerUser } from '@taskboard/test-kit';
import { startServerProcess } from './processes';
import { ms, printTable, ratio } from './table';

const TASKS = 100_000;
const DURATION_SECONDS = 10;
const CONNECTIONS = 10;

interface Load {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

async function load(
  url: string,
  options: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string } = {},
): Promise<Load> {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION_SECONDS,
    method: options.method ?? 'GET',
    headers: options.headers ?? {},
    ...(options.body !== undefined && { body: options.body }),
  });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

/**
 * The API under load: authenticated tRPC `tasks.list` (50 rows of a 100,000-task project)
 * against the floor (a bare Fastify route running the same SQL through `pg`), plus
 * `tasks.create` and `board.get`. Needs PostgreSQL: BENCH_DATABASE_URL, TEST_DATABASE_URL, or
 * the local server these machines run.
 */
export async function benchApi(serverUrl: string): Promise<void> {
  const database = await createDisposableDatabase({ engine: 'postgres', serverUrl });
  const databaseUrl = database.url ?? '';
  const env = { DATABASE_URL: databaseUrl, RATE_LIMIT_MAX: '100000000', NODE_ENV: 'production' };
  const api = await startServerProcess('api', { ...env, LOG_LEVEL: 'warn' });
  try {
    const { token, user } = await registerUser(api.url, 'Bench');
    const userId = user.id;
    const project = (await createProject(api.url, { token }, 'Bench')).id;
    const started = performance.now();
    await bulkLoadTasks(database.db, {
      projectId: project,
      count: TASKS,
      createdById: userId,
      assigneeIds: [userId],
    });
    const loadSeconds = (performance.now() - started) / 1000;

    const listInput = { projectId: project, limit: 50 };
    const floorQueries = await capturedListQueries(
      databaseUrl,
      listTasksInputSchema.parse(listInput),
      userId,
    );
    const floor = await startServerProcess('floor', {
      ...env,
      FLOOR_QUERIES: JSON.stringify(floorQueries),
    });
    const auth = { authorization: `Bearer ${token}` };
    const listUrl = `${api.url}/trpc/tasks.list?input=${encodeURIComponent(JSON.stringify(listInput))}`;
    const boardUrl = `${api.url}/trpc/board.get?input=${encodeURIComponent(JSON.stringify({ projectId: project }))}`;
    let floorLoad: Load;
    try {
      floorLoad = await load(`${floor.url}/tasks`);
    } finally {
      await floor.stop();
    }
    const listLoad = await load(listUrl, { headers: auth });
    const boardLoad = await load(boardUrl, { headers: auth });
    const createLoad = await load(`${api.url}/trpc/tasks.create`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ projectId: project, title: 'Benchmark task', priority: 'high' }),
    });

    const row = (name: string, result: Load, base?: Load) => [
      name,
      result.requestsPerSecond.toFixed(0),
      ms(result.p50),
      ms(result.p99),
      String(result.errors),
      base ? ratio(result.requestsPerSecond, base.requestsPerSecond) : '',
    ];
    printTable(
      `API over HTTP on PostgreSQL, ${TASKS} tasks in the project (bulk load ${loadSeconds.toFixed(1)} s); ` +
        `autocannon ${CONNECTIONS} connections × ${DURATION_SECONDS} s each`,
      ['request', 'req/s', 'p50', 'p99', 'errors', 'vs floor'],
      [
        row('floor: bare Fastify + pg, same SQL', floorLoad),
        row('tasks.list (tRPC, authenticated)', listLoad, floorLoad),
        row('board.get (3 × 200 cards)', boardLoad),
        row('tasks.create', createLoad),
      ],
    );
  } finally {
    await api.stop();
    await database.dispose();
  }
}

/** The exact SQL (and parameters) tasks.list runs, captured from the data layer's query log. */
async function capturedListQueries(
  databaseUrl: string,
  input: ReturnType<typeof listTasksInputSchema.parse>,
  userId: string,
) {
  const captured: CompiledQuery[] = [];
  const handle = createDatabase({
    databaseUrl,
    log: (event: LogEvent) => {
      if (event.level === 'query')
        captured.push(CompiledQuery.raw(event.query.sql, [...event.query.parameters]));
    },
  });
  try {
    await listTasks(handle.db, input, { userId, all: false });
  } finally {
    await handle.close();
  }
  return captured.map((query) => ({ sql: query.sql, parameters: query.parameters }));
}
