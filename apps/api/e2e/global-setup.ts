import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiDir, freePort, startApiProcess, tsx } from '../src/testing';

export const PASSWORD = 'correct horse battery staple';

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
  // One port for both starts: the tests get one URL.
  const port = await freePort();
  const env = { DATA_DIR: dataDir };

  const adminEmail = `admin-${Date.now()}@example.com`;
  const userEmail = `user-${Date.now()}@example.com`;
  const first = await startApiProcess(env, port);
  try {
    await register(first.url, adminEmail, 'Ada Admin');
    await register(first.url, userEmail, 'Uma User');
  } finally {
    await first.stop();
  }
  const granted = spawnSync(tsx, ['src/scripts/set-role.ts', adminEmail, 'admin'], {
    cwd: apiDir,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  if (granted.status !== 0) throw new Error(`user:role failed: ${granted.stderr}`);
  const api = await startApiProcess(env, port);

  process.env.PANEL_E2E_URL = api.url;
  process.env.PANEL_E2E_ADMIN = adminEmail;
  process.env.PANEL_E2E_USER = userEmail;
  return async () => {
    await api.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
