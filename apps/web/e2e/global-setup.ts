import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIG_BOARD_TASKS, createProject, registerUser } from './rest-client';

const webDir = fileURLToPath(new URL('..', import.meta.url));
const repoDir = join(webDir, '../..');
const apiDir = join(repoDir, 'apps/api');
const dbDir = join(repoDir, 'packages/db');
/** The build under test: apps/web/dist, unless WEB_DIST_DIR names another. */
const distDir = process.env.WEB_DIST_DIR ?? join(webDir, 'dist');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('the API did not become healthy in 60 s');
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) {
      resolve();
      return;
    }
    child.once('exit', () => {
      resolve();
    });
    child.kill('SIGTERM');
  });
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
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    COOKIE_SECURE: 'false', // plain http on loopback
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    WEB_DIST_DIR: webDistDir,
    LOG_LEVEL: 'warn',
    ALLOWED_ORIGINS: url,
    RATE_LIMIT_MAX: '1000000',
  };
  const startApi = async () => {
    const child = spawn(join(apiDir, 'node_modules/.bin/tsx'), ['src/main.ts'], {
      cwd: apiDir,
      env,
      stdio: 'inherit',
    });
    try {
      await waitForHealth(url, child);
    } catch (error) {
      await stop(child);
      throw error;
    }
    return child;
  };

  let api;
  let owner;
  let project;
  try {
    const first = await startApi();
    try {
      owner = await registerUser(url, 'Bea Bulk');
      project = await createProject(url, owner, `${BIG_BOARD_TASKS} tasks`);
    } finally {
      await stop(first);
    }
    const started = performance.now();
    bulkLoad(dataDir, project.id, owner.id);
    console.log(
      `seeded ${BIG_BOARD_TASKS} tasks in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    api = await startApi();
  } catch (error) {
    // No teardown runs for a setup that failed: leave no database behind.
    await rm(runDir, { recursive: true, force: true });
    throw error;
  }

  process.env.WEB_E2E_URL = url;
  process.env.WEB_E2E_BIG_USER = JSON.stringify(owner);
  process.env.WEB_E2E_BIG_PROJECT = project.id;
  return async () => {
    await stop(api);
    await rm(runDir, { recursive: true, force: true });
  };
}
