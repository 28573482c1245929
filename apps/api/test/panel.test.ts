import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { setUserRole } from '@taskboard/db';
import type { DisposableDatabase } from '@taskboard/db/testing';
import { procedureInfo, procedurePaths } from '@taskboard/api/host';
import { createTestDatabase, signUp, startServer, type TestServer } from './support/server';

/**
 * The tRPC panel: its catalogue of every procedure, its files, and who may open it — anyone in
 * development, only admins in production.
 */
let database: DisposableDatabase;
let production: TestServer;
let development: TestServer;

beforeAll(async () => {
  database = await createTestDatabase();
  production = await startServer(database, {
    env: { NODE_ENV: 'production', COOKIE_SECURE: 'false' },
  });
  development = await startServer(database, { env: { NODE_ENV: 'development' } });
});

afterAll(async () => {
  await production.close();
  await development.close();
  await database.dispose();
});

const catalogueSchema = z.object({
  environment: z.string(),
  procedures: z.array(
    z.object({
      path: z.string(),
      type: z.enum(['query', 'mutation', 'subscription']),
      input: z.record(z.string(), z.unknown()).nullable(),
      example: z.unknown(),
      output: z.record(z.string(), z.unknown()).nullable(),
    }),
  ),
});

function get(server: TestServer, path: string, token?: string) {
  return fetch(`${server.url}${path}`, {
    headers: token ? { cookie: `taskboard_session=${token}` } : {},
  });
}

describe('the catalogue', () => {
  it('lists every procedure with its kind, schemas and an example its input schema accepts', async () => {
    const response = await get(development, '/panel/catalogue.json');
    expect(response.status).toBe(200);
    const { procedures } = catalogueSchema.parse(await response.json());
    expect(procedures.map((procedure) => procedure.path)).toEqual(procedurePaths().sort());
    for (const procedure of procedures) {
      const info = procedureInfo(procedure.path);
      expect(procedure.type, procedure.path).toBe(info.type);
      expect(procedure.input === null, procedure.path).toBe(info.input === undefined);
      if (info.input) {
        const parsed = info.input.safeParse(procedure.example);
        expect(parsed.success, `${procedure.path}: ${JSON.stringify(procedure.example)}`).toBe(
          true,
        );
      }
    }
    const create = procedures.find((procedure) => procedure.path === 'tasks.create');
    expect(create?.input).toMatchObject({ properties: { title: { maxLength: 200 } } });
  });
});

describe('who may use it', () => {
  it('in development: anyone (each procedure still checks its caller)', async () => {
    expect((await get(development, '/panel')).status).toBe(200);
    expect((await get(development, '/panel/catalogue.json')).status).toBe(200);
  });

  it('in production: signed out gets the sign-in page but no catalogue', async () => {
    const page = await get(production, '/panel');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('id="sign-in"');
    const catalogue = await get(production, '/panel/catalogue.json');
    expect(catalogue.status).toBe(401);
  });

  it('in production: a signed-in user who is not an admin is refused', async () => {
    const user = await signUp(production, 'Plain');
    const page = await get(production, '/panel', user.token);
    expect(page.status).toBe(403);
    expect(await page.text()).not.toContain('catalogue');
    expect((await get(production, '/panel/catalogue.json', user.token)).status).toBe(403);
  });

  it('in production: an admin gets the panel', async () => {
    const admin = await signUp(production, 'Admin');
    await setUserRole(database.db, admin.user.id, 'admin');
    // A fresh session: cached sessions keep the role they were read with for up to a minute.
    const session = await admin.api.auth.login.mutate({
      email: admin.email,
      password: admin.password,
    });
    expect((await get(production, '/panel', session.token)).status).toBe(200);
    const catalogue = await get(production, '/panel/catalogue.json', session.token);
    expect(catalogue.status).toBe(200);
    expect(catalogueSchema.parse(await catalogue.json()).environment).toBe('production');
  });
});

describe('its files', () => {
  it('are served from here with their types; no CDN, no inline script', async () => {
    const page = await get(development, '/panel');
    const html = await page.text();
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const script = await get(development, '/panel/panel.js');
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(await script.text()).not.toMatch(/https?:\/\/(?!json-schema)/);
    const style = await get(development, '/panel/panel.css');
    expect(style.headers.get('content-type')).toMatch(/text\/css/);
    expect((await get(development, '/panel/server.ts')).status).toBe(404);
    expect((await get(development, '/panel/..%2Findex.ts')).status).toBe(404);
  });
});
