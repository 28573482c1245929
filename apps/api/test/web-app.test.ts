import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DisposableDatabase } from '@taskboard/db/testing';
import { createTestDatabase, rawGet, startServer, type TestServer } from './support/server';

/**
 * The API serving the web app's production build at `/`, with a small build of our own in a
 * temporary folder (the real one is Vite's; what matters here is how it is served).
 */
let database: DisposableDatabase;
let root: string;
let dist: string;
let server: TestServer;
let unbuilt: TestServer;

const INDEX =
  '<!doctype html><html><body><div id="root"></div><script type="module" src="/assets/index-3f2a9c.js"></script></body></html>';

beforeAll(async () => {
  database = await createTestDatabase();
  root = await mkdtemp(join(tmpdir(), 'taskboard-dist-'));
  dist = join(root, 'dist');
  await mkdir(join(dist, 'assets'), { recursive: true });
  // Beside the build, not in it: no request may reach it.
  await writeFile(join(root, 'secret.txt'), 'not for the web');
  await writeFile(join(dist, 'index.html'), INDEX);
  await writeFile(join(dist, 'assets', 'index-3f2a9c.js'), 'console.log("board");');
  await writeFile(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  server = await startServer(database, { env: { WEB_DIST_DIR: dist } });
  unbuilt = await startServer(database, { env: { WEB_DIST_DIR: join(dist, 'missing') } });
});

afterAll(async () => {
  await server.close();
  await unbuilt.close();
  await database.dispose();
  await rm(root, { recursive: true, force: true });
});

const page = { accept: 'text/html,application/xhtml+xml' };

describe('serving the web build', () => {
  it('answers / with index.html, revalidated on every load', async () => {
    const response = await fetch(`${server.url}/`, { headers: page });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(await response.text()).toBe(INDEX);
  });

  it('answers the SPA’s own routes with index.html (reload on a board works)', async () => {
    for (const path of [
      '/projects/3b0c3c4e-2f4e-4f7b-9a51-1b2c3d4e5f60',
      '/account',
      '/sign-in?next=%2F',
    ]) {
      const response = await fetch(`${server.url}${path}`, { headers: page });
      expect(response.status, path).toBe(200);
      expect(await response.text(), path).toBe(INDEX);
    }
  });

  it('hashed assets are cached for a year, immutable; other files revalidate', async () => {
    const asset = await fetch(`${server.url}/assets/index-3f2a9c.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const icon = await fetch(`${server.url}/favicon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('cache-control')).toBe('no-cache');
  });

  it('serves a build replaced while it runs (a rebuild needs no restart)', async () => {
    const next = INDEX.replace('index-3f2a9c.js', 'index-7d1e04.js');
    await writeFile(join(dist, 'assets', 'index-7d1e04.js'), 'console.log("rebuilt");');
    await writeFile(join(dist, 'index.html'), next);
    try {
      expect(await (await fetch(`${server.url}/`, { headers: page })).text()).toBe(next);
      const asset = await fetch(`${server.url}/assets/index-7d1e04.js`);
      expect(asset.status).toBe(200);
      expect(await asset.text()).toBe('console.log("rebuilt");');
    } finally {
      await writeFile(join(dist, 'index.html'), INDEX);
    }
  });

  it('refuses paths out of the build folder', async () => {
    for (const path of [
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
    ]) {
      const response = await rawGet(server, path);
      expect(response.status, path).toBeGreaterThanOrEqual(400);
      expect(response.status, path).toBeLessThan(500);
      expect(response.body, path).not.toContain('not for the web');
    }
  });

  it('a missing asset or API path is a 404, never index.html', async () => {
    for (const path of [
      '/assets/index-000000.js',
      '/api/v1/nothing',
      '/trpc/nothing.here',
      '/panel/nothing',
    ]) {
      const response = await fetch(`${server.url}${path}`, { headers: page });
      expect(response.status, path).toBe(404);
      expect(await response.text(), path).not.toContain('<div id="root">');
    }
    const unknown = await fetch(`${server.url}/no-such-file.txt`);
    expect(unknown.status).toBe(404);
    const body: unknown = await unknown.json();
    expect(body).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('the API keeps working beside it', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/api/v1/openapi.json`)).status).toBe(200);
  });

  it('without a build the API still starts, and pages say how to build', async () => {
    const response = await fetch(`${unbuilt.url}/`, { headers: page });
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('pnpm build');
    expect((await fetch(`${unbuilt.url}/healthz`)).status).toBe(200);
  });

  it('serves a build made after it started, without a restart', async () => {
    const later = join(dist, 'missing');
    await mkdir(later, { recursive: true });
    await writeFile(join(later, 'index.html'), INDEX);
    try {
      const response = await fetch(`${unbuilt.url}/projects/x`, { headers: page });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(INDEX);
    } finally {
      await rm(later, { recursive: true, force: true });
    }
    expect((await fetch(`${unbuilt.url}/`, { headers: page })).status).toBe(503);
  });
});
