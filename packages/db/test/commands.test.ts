// The data layer's commands as a user runs them (`pnpm db:migrate`): a real process on a fresh
// DATA_DIR, no API holding it, so the command opens the embedded database itself.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('pnpm db:migrate on a DATA_DIR no process holds', () => {
  let parent: string;
  beforeAll(async () => {
    parent = await mkdtemp(join(tmpdir(), 'taskboard-migrate-'));
  });
  afterAll(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  const migrate = () =>
    exec(process.execPath, ['--import', 'tsx', 'src/scripts/migrate.ts'], {
      cwd: packageDir,
      env: { ...process.env, DATA_DIR: join(parent, 'data'), DATABASE_URL: '' },
      timeout: 60_000,
    });

  it('reports the migrations it applied, then that there is nothing left to apply', async () => {
    expect((await migrate()).stdout).toBe(
      'pglite: applied 0001_initial, 0002_unique_positions, 0003_created_task_index\n',
    );
    expect((await migrate()).stdout).toBe('pglite: already up to date\n');
  });
});
