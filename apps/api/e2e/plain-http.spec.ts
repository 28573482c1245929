// The web app over plain HTTP at a host name other than localhost (issue 10 "The web app is a
// blank page over plain HTTP at any address but localhost"): helmet's default CSP carried
// `upgrade-insecure-requests`, so Chromium fetched /assets/* over https and rendered nothing.
// Chromium resolves taskboard.test to 127.0.0.1, as a team's LAN name would resolve to the host.
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { apiDir, chromiumLaunchOptions, startApiProcess, type ApiProcess } from '../src/testing';

const HOST = 'taskboard.test';
const webDist = join(apiDir, '../web/dist');

test.use({
  launchOptions: {
    ...chromiumLaunchOptions,
    args: [...chromiumLaunchOptions.args, `--host-resolver-rules=MAP ${HOST} 127.0.0.1`],
  },
});

let api: ApiProcess;
let runDir: string;

test.beforeAll(async () => {
  if (!existsSync(join(webDist, 'index.html'))) {
    throw new Error('apps/web is not built: run `pnpm --filter @taskboard/web build`');
  }
  runDir = await mkdtemp(join(tmpdir(), 'taskboard-plain-http-'));
  // A copy of the build: a rebuild during the run would replace the hashed files.
  await cp(webDist, join(runDir, 'dist'), { recursive: true });
  api = await startApiProcess({
    DATA_DIR: join(runDir, 'data'),
    WEB_DIST_DIR: join(runDir, 'dist'),
  });
});

test.afterAll(async () => {
  await api.stop();
  await rm(runDir, { recursive: true, force: true });
});

test('the built web app renders over http at a host name other than localhost', async ({
  page,
}) => {
  const { port } = new URL(api.url);
  const origin = `http://${HOST}:${port}`;
  const failed: string[] = [];
  page.on('requestfailed', (request) => failed.push(request.url()));
  const assets: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.startsWith('/assets/')) assets.push(request.url());
  });

  await page.goto(`${origin}/`);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByLabel('Email')).toBeVisible();
  expect(assets.length).toBeGreaterThan(0);
  for (const asset of assets) expect(asset.startsWith(`${origin}/assets/`), asset).toBe(true);
  expect(failed).toEqual([]);
});
