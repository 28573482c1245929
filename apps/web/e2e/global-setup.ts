import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startApiProcess } from '@taskboard/server/testing';
import { BIG_BOARD_TASKS, createProject, registerUser } from './rest-client';

const webDir = fileURLToPath(new URL('..', import.meta.url));
const repoDir = join(webDir, '../..');
const dbDir = join(repoDir, 'packages/db');
/** The build under test: apps/web/dist, unless WEB_DIST_DIR names another. */
const distDir = process.env.WEB_DIST_DIR ?? join(webDir, 'dist');

/** `pnpm user:role` on the (stopped) API's data directory: no procedure makes an admin. */
function makeAdmin(dataDir: string, email: string): void {
  const done = spawnSync(
    join(repoDir, 'apps/api/node_modules/.bin/tsx'),
    ['src/scripts/set-role.ts', email, 'admin'],
    { cwd: join(repoDir, 'apps/api'), env: { ...process.env, DATA_DIR: dataDir }, stdio: 'pipe' },
  );
  if (done.status !== 0) throw new Error(`user:role failed: ${done.stderr.toString()}`);
}

/**
 * The data layer's own bulk loader, run in its package (which owns kysely and PGlite) on the
 * API's data directory. It writes no events: nobody made these changes, the board just has them.
 */
function bulkLoad(dataDir: string, projectId: string, userId: string): void {
  // tsx evaluates as CommonJS: no top-level await, hence the async function.
  const script = `
    (async () => {
      const { bulkLoadTasks, createDatabase } = await import('./src/index.ts');
      const handle = createDatabase({ dataDir: process.env.DATA_DIR });
      try {
        await bulkLoadTasks(handle.db, {
          projectId: process.env.SEED_PROJECT_ID,
          count: Number(process.env.SEED_COUNT),
          createdById: process.env.SEED_USER_ID,
          assigneeIds: [process.env.SEED_USER_ID],
        });
      } finally {
        await handle.close();
      }
    })().catch((error) => {
      console.error(error);
      process.exit(1);
    });
  `;
  const loaded = spawnSync(join(dbDir, 'node_modules/.bin/tsx'), ['--eval', script], {
    cwd: dbDir,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      SEED_PROJECT_ID: projectId,
      SEED_USER_ID: userId,
      SEED_COUNT: String(BIG_BOARD_TASKS),
    },
    encoding: 'utf8',
  });
  if (loaded.status !== 0) throw new Error(`bulk load failed: ${loaded.stderr}`);
}

/**
 * Starts the API in production mode serving apps/web's build, on a fresh embedded database
 * (PGlite in a temporary DATA_DIR). Before the tests get it, a user with a project of 5,000
 * tasks is made: registered through REST, then (with the API stopped, as PGlite belongs to
 * one process) filled by the bulk loader. The URL and that user reach the tests through the
 * environment (see rest-client.ts).
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  // `pnpm test:e2e` through turbo builds first; a direct `playwright test` may not have.
  if (!existsSync(join(distDir, 'index.html'))) {
    const built = spawnSync('pnpm', ['--filter', '@taskboard/web', 'build'], {
      cwd: repoDir,
      stdio: 'inherit',
    });
    if (built.status !== 0) throw new Error('building apps/web failed');
  }

  const runDir = await mkdtemp(join(tmpdir(), 'taskboard-web-e2e-'));
  const dataDir = join(runDir, 'data');
  // A copy of the build: a rebuild during the run replaces the hashed files the API serves.
  const webDistDir = join(runDir, 'dist');
  await cp(distDir, webDistDir, { recursive: true });
  // One port for both starts: the seeded user's session and the tests share one URL.
  const port = await freePort();
  const env = { DATA_DIR: dataDir, WEB_DIST_DIR: webDistDir };

  let api;
  let owner;
  let project;
  let admin;
  try {
    const first = await startApiProcess(env, port);
    try {
      owner = await registerUser(first.url, 'Bea Bulk');
      project = await createProject(first.url, owner, `${BIG_BOARD_TASKS} tasks`);
      admin = await registerUser(first.url, 'Avery Admin');
    } finally {
      await first.stop();
    }
    makeAdmin(dataDir, admin.email);
    const started = performance.now();
    bulkLoad(dataDir, project.id, owner.id);
    console.log(
      `seeded ${BIG_BOARD_TASKS} tasks in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    api = await startApiProcess(env, port);
  } catch (error) {
    // No teardown runs for a setup that failed: leave no database behind.
    await rm(runDir, { recursive: true, force: true });
    throw error;
  }

  process.env.WEB_E2E_URL = api.url;
  process.env.WEB_E2E_BIG_USER = JSON.stringify(owner);
  process.env.WEB_E2E_BIG_PROJECT = project.id;
  process.env.WEB_E2E_ADMIN = JSON.stringify(admin);
  return async () => {
    await api.stop();
    await rm(runDir, { recursive: true, force: true });
  };
}
