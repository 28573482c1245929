import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerUser } from '@taskboard/test-kit';
import { apiDir, freePort, startApiProcess, tsx } from '../src/testing';

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

  const first = await startApiProcess(env, port);
  let adminEmail: string, userEmail: string;
  try {
    adminEmail = (await registerUser(first.url, 'Ada Admin')).email;
    userEmail = (await registerUser(first.url, 'Uma User')).email;
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
