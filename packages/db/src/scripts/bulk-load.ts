// `pnpm db:bulk-load [count]`: a demo user and a project filled with `count` tasks (default
// 100,000), for trying the board at scale. Prints where it went and how long it took.
import { randomUUID } from 'node:crypto';
import { bulkLoadTasks } from '../bulk-load';
import { migrateToLatest } from '../migrate';
import { createProject } from '../projects';
import { runUnitOfWork } from '../unit-of-work';
import { createUser } from '../users';
import { databaseFromEnv } from './env-database';

const count = Number(process.argv[2] ?? 100_000);
if (!Number.isInteger(count) || count < 1) {
  console.error('usage: pnpm db:bulk-load [count]  (a positive whole number)');
  process.exit(1);
}

const handle = databaseFromEnv();
try {
  await migrateToLatest(handle.db);
  const { result: project } = await runUnitOfWork(handle.db, null, async (uow) => {
    const owner = await createUser(uow.trx, {
      email: `bulk-${randomUUID()}@example.com`,
      name: 'Bulk loader',
      // Not a valid argon2 hash: nobody can sign in as this user.
      passwordHash: '!',
    });
    return createProject(uow, { name: `Bulk ${count} tasks`, ownerId: owner.id });
  });
  const started = performance.now();
  await bulkLoadTasks(handle.db, { projectId: project.id, count, createdById: project.ownerId });
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${handle.engine}: loaded ${count} tasks into project ${project.id} in ${seconds.toFixed(1)} s`,
  );
} finally {
  await handle.close();
}
