import { randomUUID } from 'node:crypto';
import {
  bulkLoadTasks,
  createDatabase,
  createProject,
  createUser,
  getBoardColumns,
  listTasks,
  migrateToLatest,
  runUnitOfWork,
  type DatabaseHandle,
} from '@taskboard/db';
import { createDisposableDatabase } from '@taskboard/db/testing';
import { listTasksInputSchema } from '@taskboard/schema';
import { ms, percentiles, printTable, ratio } from './table';

const LARGE = 100_000;
// Enough tasks to fill every page the queries read, so the ratio shows the cost of scale alone.
const SMALL = 1_000;
const SAMPLES = 200;

async function seededProject(handle: DatabaseHandle, count: number) {
  const { result } = await runUnitOfWork(handle.db, null, async (uow) => {
    const owner = await createUser(uow.trx, {
      email: `bench-${randomUUID()}@example.com`,
      name: 'Bench',
      passwordHash: '!',
    });
    const project = await createProject(uow, { name: `Bench ${count}`, ownerId: owner.id });
    return { owner, project };
  });
  const started = performance.now();
  await bulkLoadTasks(handle.db, {
    projectId: result.project.id,
    count,
    createdById: result.owner.id,
    assigneeIds: [result.owner.id],
  });
  return { ...result, loadMs: performance.now() - started };
}

async function sample(run: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 20; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return percentiles(samples);
}

async function measure(label: string, handle: DatabaseHandle): Promise<string[][]> {
  await migrateToLatest(handle.db);
  const small = await seededProject(handle, SMALL);
  const large = await seededProject(handle, LARGE);
  const input = listTasksInputSchema.parse({ limit: 50 });
  const rows: string[][] = [
    [`${label}: bulk load ${LARGE} tasks`, '', '', `${(large.loadMs / 1000).toFixed(1)} s`, ''],
  ];
  for (const [name, run] of [
    [
      'tasks.list (50 rows)',
      (p: typeof small) =>
        listTasks(
          handle.db,
          { ...input, projectId: p.project.id },
          { userId: p.owner.id, all: false },
        ),
    ],
    ['board (3 × 200 cards)', (p: typeof small) => getBoardColumns(handle.db, p.project.id, 200)],
  ] as const) {
    const base = await sample(() => run(small));
    const big = await sample(() => run(large));
    rows.push([
      `${label}: ${name}`,
      ms(base.p50),
      ms(big.p50),
      ms(big.p99),
      ratio(big.p50, base.p50),
    ]);
  }
  return rows;
}

/**
 * The data layer at scale: each query's p50 on a project of 100,000 tasks against the same
 * query on a smaller project (the baseline), on PGlite and on PostgreSQL (a throw-away
 * database on `serverUrl`).
 */
export async function benchDatabaseScale(serverUrl: string): Promise<void> {
  const rows: string[][] = [];
  const pglite = createDatabase({ dataDir: 'memory://' });
  try {
    rows.push(...(await measure('pglite', pglite)));
  } finally {
    await pglite.close();
  }

  const postgres = await createDisposableDatabase({ engine: 'postgres', serverUrl });
  try {
    rows.push(...(await measure('postgres', postgres)));
  } finally {
    await postgres.dispose();
  }
  printTable(
    `Data layer: ${LARGE} vs ${SMALL} tasks in a project (${SAMPLES} samples each)`,
    ['query', `p50 @${SMALL}`, `p50 @${LARGE}`, `p99 @${LARGE}`, 'ratio p50'],
    rows,
  );
}
