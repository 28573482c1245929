import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const apiDir = fileURLToPath(new URL('..', import.meta.url));
const tsx = join(apiDir, 'node_modules/.bin/tsx');
export const PASSWORD = 'correct horse battery staple';

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

async function register(url: string, email: string, name: string): Promise<void> {
  const response = await fetch(`${url}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, name, password: PASSWORD }),
  });
  if (response.status !== 201) throw new Error(`register ${email}: ${response.status}`);
}

/**
 * Starts the API in production mode on a fresh embedded database with two accounts: an admin
 * (granted with `user:role`, as an operator would, while the API is stopped: PGlite is one
 * process's) and a plain user. Their details reach the tests through the environment.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const dataDir = await mkdtemp(join(tmpdir(), 'taskboard-panel-e2e-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    COOKIE_SECURE: 'false', // plain http on loopback
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    ALLOWED_ORIGINS: url,
    RATE_LIMIT_MAX: '100000',
  };
  const startApi = async () => {
    const child = spawn(tsx, ['src/main.ts'], { cwd: apiDir, env, stdio: 'inherit' });
    await waitForHealth(url, child);
    return child;
  };

  const adminEmail = `admin-${Date.now()}@example.com`;
  const userEmail = `user-${Date.now()}@example.com`;
  const first = await startApi();
  try {
    await register(url, adminEmail, 'Ada Admin');
    await register(url, userEmail, 'Uma User');
  } finally {
    await stop(first);
  }
  const granted = spawnSync(tsx, ['src/scripts/set-role.ts', adminEmail, 'admin'], {
    cwd: apiDir,
    env,
    encoding: 'utf8',
  });
  if (granted.status !== 0) throw new Error(`user:role failed: ${granted.stderr}`);
  const api = await startApi();

  process.env.PANEL_E2E_URL = url;
  process.env.PANEL_E2E_ADMIN = adminEmail;
  process.env.PANEL_E2E_USER = userEmail;
  return async () => {
    await stop(api);
    await rm(dataDir, { recursive: true, force: true });
  };
}
