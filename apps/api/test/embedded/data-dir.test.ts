// One process at a time in DATA_DIR, and the everyday commands working while the API runs
// (issue 10: `pnpm db:seed` beside `pnpm start` wrote into the same PGlite files: lost writes,
// a corrupted index, once an unstartable directory). Real processes throughout: the API from
// its entry point, the commands through `pnpm` as a user types them.
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, DataDirInUseError } from '@taskboard/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiProcess, type ApiProcess } from '../../src/testing';
import { DEMO_PASSWORD } from '../../src/scripts/demo-board';
import { holderPid, me, pnpm, projects, register, signIn, taskIds } from './commands';

const PASSWORD = 'a long secret phrase for tests';

describe('DATA_DIR while the API runs on it', () => {
  let dataDir: string;
  let api: ApiProcess;

  beforeAll(async () => {
    dataDir = join(await mkdtemp(join(tmpdir(), 'taskboard-data-dir-')), 'data');
    api = await startApiProcess({ DATA_DIR: dataDir }, undefined, { output: 'capture' });
  });
  afterAll(async () => {
    await api.stop();
    await rm(join(dataDir, '..'), { recursive: true, force: true });
  });

  it('a second opener fails at once with one line naming the API process', async () => {
    let refused: unknown;
    try {
      const handle = createDatabase({ dataDir });
      await handle.close();
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(DataDirInUseError);
    const message = refused instanceof Error ? refused.message : '';
    const pid = await holderPid(dataDir);
    expect(pid).toBe(api.pid);
    expect(message).toMatch(
      new RegExp(`^DATA_DIR ${dataDir} is in use by process ${pid} \\(.*main\\.ts\\); stop `),
    );
    expect(message).not.toContain('\n');

    // A second API on the same directory (another port) stops with that line.
    const second = await pnpm(dataDir, 'exec', 'tsx', 'apps/api/src/main.ts');
    expect(second.code).toBe(1);
    expect(second.stderr).toBe(`${message}\n`);
  });

  it('the control socket is private to the machine user (mode 0600)', async () => {
    const socket = await stat(join(dataDir, 'control.sock'));
    expect(socket.isSocket()).toBe(true);
    expect(socket.mode & 0o777).toBe(0o600);
  });

  it('pnpm db:seed seeds the running API’s database', async () => {
    const seeded = await pnpm(dataDir, 'db:seed');
    expect(seeded.stderr).toBe('');
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toContain('Seeded the "3D printer" project.');
    const demo = await signIn(api.url, 'demo@taskboard.dev', DEMO_PASSWORD);
    const printer = (await projects(api.url, demo)).find((p) => p.name === '3D printer');
    expect(printer).toBeDefined();
    expect(await taskIds(api.url, demo, printer?.id ?? '')).toHaveLength(22);
    // Run again: nothing to do, still through the API.
    const again = await pnpm(dataDir, 'db:seed');
    expect(again.stdout).toContain('The demo account exists already; nothing to do.');
  });

  it('pnpm user:role changes the role in the running API’s database', async () => {
    const ada = await register(api.url, 'ada@example.com', PASSWORD);
    expect((await me(api.url, ada)).role).toBe('user');
    const granted = await pnpm(dataDir, 'user:role', 'ada@example.com', 'admin');
    expect(granted).toMatchObject({ code: 0, stdout: 'ada@example.com is now an admin\n' });
    const fresh = await signIn(api.url, 'ada@example.com', PASSWORD);
    expect((await me(api.url, fresh)).role).toBe('admin');

    const unknown = await pnpm(dataDir, 'user:role', 'nobody@example.com', 'admin');
    expect(unknown).toMatchObject({
      code: 1,
      stderr: 'No account with the email nobody@example.com\n',
    });
  });

  it('pnpm db:bulk-load --email fills a project that account opens on the board', async () => {
    const loaded = await pnpm(dataDir, 'db:bulk-load', '--email', 'ada@example.com', '1200');
    expect(loaded.code).toBe(0);
    expect(loaded.stdout).toMatch(/^pglite: loaded 1200 tasks into project "Bulk 1200 tasks"/);
    const ada = await signIn(api.url, 'ada@example.com', PASSWORD);
    const bulk = (await projects(api.url, ada)).find((p) => p.name === 'Bulk 1200 tasks');
    expect(bulk).toBeDefined();
    expect(loaded.stdout).toContain(bulk?.id);
    expect(await taskIds(api.url, ada, bulk?.id ?? '')).toHaveLength(1200);
  });

  it('with the API stopped, the commands open the database themselves', async () => {
    await api.stop();
    const granted = await pnpm(dataDir, 'user:role', 'demo@taskboard.dev', 'admin');
    expect(granted).toMatchObject({ code: 0, stdout: 'demo@taskboard.dev is now an admin\n' });
    // Nothing of a lock or socket is left once the command exits.
    expect((await readdir(dataDir)).filter((name) => /lock|sock/.test(name))).toEqual([]);
    api = await startApiProcess({ DATA_DIR: dataDir }, undefined, { output: 'capture' });
    const demo = await signIn(api.url, 'demo@taskboard.dev', DEMO_PASSWORD);
    expect((await me(api.url, demo)).role).toBe('admin');
  });

  it('a lock left by a killed API does not block the next start', async () => {
    process.kill(api.pid ?? 0, 'SIGKILL');
    await api.exited;
    expect((await readdir(dataDir)).filter((name) => /lock|sock/.test(name)).sort()).toEqual([
      'control.sock',
      'taskboard.lock',
    ]);
    api = await startApiProcess({ DATA_DIR: dataDir }, undefined, { output: 'capture' });
    const demo = await signIn(api.url, 'demo@taskboard.dev', DEMO_PASSWORD);
    expect((await projects(api.url, demo)).map((p) => p.name)).toContain('3D printer');
    const seeded = await pnpm(dataDir, 'db:seed');
    expect(seeded.stdout).toContain('nothing to do');
  });
});
