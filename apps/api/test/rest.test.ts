import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileErrors, validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sql } from 'kysely';
import type { DisposableDatabase } from '@taskboard/db/testing';
import { signedInSchema, taskSchema } from '@taskboard/schema';
import { TEST_PASSWORD } from '@taskboard/test-kit';
import { restRoutes } from '../src/rest/routes';
import { createTestDatabase, ORIGIN, rawGet, startServer, type TestServer } from './support/server';

/**
 * REST `/api/v1` with plain `fetch` against a listening server: every route of the OpenAPI
 * document (the last test checks each one was called), every error code's status and body.
 */
let database: DisposableDatabase;
let server: TestServer;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startServer(database, { env: { TRUST_PROXY: 'true' } });
});

afterAll(async () => {
  await server.close();
  await database.dispose();
});

/** `METHOD /template` of every call the suite made, matched against the route table. */
const called = new Set<string>();

function templateOf(method: string, path: string): string | undefined {
  return restRoutes.find((route) => {
    if (route.method !== method) return false;
    const pattern = new RegExp(`^${route.path.replace(/\{\w+\}/g, '[^/]+')}$`);
    return pattern.test(path);
  })?.path;
}

interface Call {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** A fetch response read as an `Answer`. */
async function answerOf(response: Response): Promise<Answer> {
  const text = await response.text();
  const body: unknown = text === '' ? null : JSON.parse(text);
  return { status: response.status, headers: response.headers, body };
}

async function rest(method: string, path: string, call: Call = {}): Promise<Answer> {
  const [pathOnly = path] = path.split('?');
  const template = templateOf(method, pathOnly);
  if (template) called.add(`${method} ${template}`);
  const response = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: {
      ...(call.body !== undefined && { 'content-type': 'application/json' }),
      ...(call.token && { authorization: `Bearer ${call.token}` }),
      ...call.headers,
    },
    ...(call.body !== undefined && { body: JSON.stringify(call.body) }),
  });
  return answerOf(response);
}

const errorBodySchema = z.strictObject({
  error: z.strictObject({
    code: z.string(),
    message: z.string(),
    details: z.unknown(),
    timestamp: z.iso.datetime(),
    path: z.string(),
  }),
});

/** The REST error body of an answer, checked against SPEC.md's shape and the expected status. */
function errorOf(answer: Answer, status: number) {
  expect(answer.status).toBe(status);
  return errorBodySchema.parse(answer.body).error;
}

let ipCounter = 0;
function freshIp(): string {
  ipCounter += 1;
  return `198.18.${Math.floor(ipCounter / 250)}.${(ipCounter % 250) + 1}`;
}

async function register(name = 'Rest') {
  const email = `${name.toLowerCase()}-${randomUUID()}@example.com`;
  const answer = await rest('POST', '/auth/register', {
    body: { email, name, password: TEST_PASSWORD },
    headers: { 'x-forwarded-for': freshIp() },
  });
  expect(answer.status).toBe(201);
  const { user, token } = signedInSchema.parse(answer.body);
  return { email, userId: user.id, token };
}

const projectBody = z.object({ project: z.object({ id: z.uuid(), name: z.string() }) });
const taskBody = z.object({ task: taskSchema });
/** Any event id (a matcher: expect.any is typed `any`). */
const anEventId: unknown = expect.any(Number);

async function createProject(token: string, name = 'REST project') {
  const answer = await rest('POST', '/projects', { token, body: { name } });
  expect(answer.status).toBe(201);
  return projectBody.parse(answer.body).project;
}

async function createTask(token: string, projectId: string, title: string) {
  const answer = await rest('POST', '/project-management/tasks', {
    token,
    body: { projectId, title },
  });
  expect(answer.status).toBe(201);
  return taskBody.parse(answer.body).task;
}

describe('auth', () => {
  it('registers (201), signs in with the token in the body and a cookie, answers me, signs out', async () => {
    const { email, userId } = await register();
    const login = await rest('POST', '/auth/login', {
      body: { email, password: TEST_PASSWORD },
      headers: { 'x-forwarded-for': freshIp() },
    });
    expect(login.status).toBe(200);
    const { token } = signedInSchema.parse(login.body);
    expect(login.headers.get('set-cookie')).toMatch(/taskboard_session=.+HttpOnly/i);

    const me = await rest('GET', '/auth/me', { token });
    expect(me.status).toBe(200);
    expect(z.object({ user: z.object({ id: z.uuid() }) }).parse(me.body).user.id).toBe(userId);

    const logout = await rest('POST', '/auth/logout', { token, headers: {} });
    expect(logout.status).toBe(204);
    expect(logout.body).toBeNull();
    const after = errorOf(await rest('GET', '/auth/me', { token }), 401);
    expect(after).toMatchObject({ code: 'UNAUTHORIZED', details: null, path: '/api/v1/auth/me' });
  });

  it('the session cookie works as well as the bearer token', async () => {
    const { token } = await register('Cookie');
    const cookie = `taskboard_session=${token}`;
    const me = await rest('GET', '/auth/me', { headers: { cookie } });
    expect(me.status).toBe(200);
    // A change with the cookie from an allowed origin is accepted...
    const created = await rest('POST', '/projects', {
      body: { name: 'By cookie' },
      headers: { cookie, origin: ORIGIN },
    });
    expect(created.status).toBe(201);
  });

  it('takes the bearer scheme in any case (RFC 9110), and no token as none', async () => {
    const { token } = await register('Lowercase');
    for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
      const me = await rest('GET', '/auth/me', {
        headers: { authorization: `${scheme} ${token}` },
      });
      expect(me.status, scheme).toBe(200);
    }
    const empty = await rest('GET', '/auth/me', { headers: { authorization: 'Bearer ' } });
    expect(errorOf(empty, 401).code).toBe('UNAUTHORIZED');
  });

  it('VALIDATION_ERROR 400 names each field; USER_EXISTS 409; INVALID_CREDENTIALS 401', async () => {
    const invalid = errorOf(
      await rest('POST', '/auth/register', {
        body: { email: 'not-an-email', name: '', password: 'x' },
      }),
      400,
    );
    expect(invalid.code).toBe('VALIDATION_ERROR');
    expect(Object.keys(z.record(z.string(), z.string()).parse(invalid.details)).sort()).toEqual([
      'email',
      'name',
      'password',
    ]);

    const { email } = await register('Taken');
    const taken = errorOf(
      await rest('POST', '/auth/register', {
        body: { email, name: 'Again', password: TEST_PASSWORD },
      }),
      409,
    );
    expect(taken.code).toBe('USER_EXISTS');

    const wrong = errorOf(
      await rest('POST', '/auth/login', {
        body: { email, password: 'not the password at all' },
        headers: { 'x-forwarded-for': freshIp() },
      }),
      401,
    );
    expect(wrong).toMatchObject({ code: 'INVALID_CREDENTIALS', path: '/api/v1/auth/login' });
  });

  it('TOO_MANY_REQUESTS 429 with Retry-After after 10 failed sign-ins', async () => {
    const { email } = await register('Throttled');
    for (let i = 0; i < 10; i += 1) {
      const answer = await rest('POST', '/auth/login', {
        body: { email, password: `wrong guess number ${i}` },
        headers: { 'x-forwarded-for': freshIp() },
      });
      expect(answer.status).toBe(401);
    }
    const refused = await rest('POST', '/auth/login', {
      body: { email, password: TEST_PASSWORD },
      headers: { 'x-forwarded-for': freshIp() },
    });
    expect(errorOf(refused, 429).code).toBe('TOO_MANY_REQUESTS');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('projects and members', () => {
  it('create (201), list, get, rename, archive and restore, board, delete (200, with its event id)', async () => {
    const { token } = await register('Owner');
    const project = await createProject(token, 'Printer');

    const list = await rest('GET', '/projects', { token });
    expect(list.status).toBe(200);
    const projects = z.object({ projects: z.array(z.object({ id: z.uuid() })) }).parse(list.body);
    expect(projects.projects.map((p) => p.id)).toContain(project.id);

    const got = await rest('GET', `/projects/${project.id}`, { token });
    expect(projectBody.parse(got.body).project.name).toBe('Printer');

    const renamed = await rest('PATCH', `/projects/${project.id}`, {
      token,
      body: { name: 'Printer v2' },
    });
    expect(renamed.status).toBe(200);
    expect(projectBody.parse(renamed.body).project.name).toBe('Printer v2');

    // A JSON array (or scalar) body has no fields: refused, and the project is not archived.
    for (const body of [[], ['archived'], 'archived', 1]) {
      const refused = errorOf(
        await rest('POST', `/projects/${project.id}/archive`, { token, body }),
        400,
      );
      expect(refused.code, JSON.stringify(body)).toBe('VALIDATION_ERROR');
    }
    expect((await rest('GET', `/projects/${project.id}`, { token })).body).toMatchObject({
      project: { status: 'active' },
    });

    const archived = await rest('POST', `/projects/${project.id}/archive`, { token, body: {} });
    expect(archived.status).toBe(200);
    expect(archived.body).toMatchObject({ project: { status: 'archived' } });
    // Archived: its tasks are read-only (BAD_REQUEST), and it is listed only on request.
    const readOnly = errorOf(
      await rest('POST', '/project-management/tasks', {
        token,
        body: { projectId: project.id, title: 'Refused' },
      }),
      400,
    );
    expect(readOnly.code).toBe('BAD_REQUEST');
    const withArchived = await rest('GET', '/projects?includeArchived=true', { token });
    expect(JSON.stringify(withArchived.body)).toContain(project.id);
    const withoutArchived = await rest('GET', '/projects?includeArchived=false', { token });
    expect(JSON.stringify(withoutArchived.body)).not.toContain(project.id);
    await rest('POST', `/projects/${project.id}/archive`, { token, body: { archived: false } });

    await createTask(token, project.id, 'On the board');
    const board = await rest('GET', `/projects/${project.id}/board?limit=10`, { token });
    expect(board.status).toBe(200);
    const columns = z
      .object({ board: z.object({ columns: z.array(z.object({ count: z.number() })) }) })
      .parse(board.body).board.columns;
    expect(columns.map((column) => column.count)).toEqual([1, 0, 0]);

    const deleted = await rest('DELETE', `/projects/${project.id}`, { token });
    // A deletion answers the id of the event it committed, as every write does.
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ id: project.id, eventId: anEventId });
    expect(errorOf(await rest('GET', `/projects/${project.id}`, { token }), 404).code).toBe(
      'NOT_FOUND',
    );
  });

  it('members: add (201), list, change role, remove (200, with its event id); FORBIDDEN and NOT_FOUND by role', async () => {
    const owner = await register('Boss');
    const member = await register('Helper');
    const stranger = await register('Stranger');
    const project = await createProject(owner.token);

    const added = await rest('POST', `/projects/${project.id}/members`, {
      token: owner.token,
      body: { email: member.email, role: 'viewer' },
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ member: { userId: member.userId, role: 'viewer' } });

    const members = await rest('GET', `/projects/${project.id}/members`, { token: member.token });
    expect(z.object({ members: z.array(z.unknown()) }).parse(members.body).members).toHaveLength(2);

    // A viewer may read but not change; a stranger does not see the project at all.
    const task = await createTask(owner.token, project.id, 'Calibrate');
    const forbidden = errorOf(
      await rest('PATCH', `/project-management/tasks/${task.id}`, {
        token: member.token,
        body: { title: 'Viewer edit' },
      }),
      403,
    );
    expect(forbidden.code).toBe('FORBIDDEN');
    const hidden = errorOf(
      await rest('GET', `/project-management/tasks/${task.id}`, { token: stranger.token }),
      404,
    );
    expect(hidden.code).toBe('NOT_FOUND');

    const promoted = await rest('PATCH', `/projects/${project.id}/members/${member.userId}`, {
      token: owner.token,
      body: { role: 'editor' },
    });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ member: { role: 'editor' } });

    const removed = await rest('DELETE', `/projects/${project.id}/members/${member.userId}`, {
      token: owner.token,
    });
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({
      projectId: project.id,
      userId: member.userId,
      eventId: anEventId,
    });
    expect(
      errorOf(await rest('GET', `/projects/${project.id}`, { token: member.token }), 404).code,
    ).toBe('NOT_FOUND');
  });
});

describe('tasks', () => {
  it('create (201), get, update, move, list with filters and pages, delete (200, with its event id)', async () => {
    const { token } = await register('Tasker');
    const project = await createProject(token);
    const titles = ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo'];
    const tasks = [];
    for (const title of titles) tasks.push(await createTask(token, project.id, title));
    const [first, second] = tasks;
    if (!first || !second) throw new Error('tasks missing');

    const got = await rest('GET', `/project-management/tasks/${first.id}`, { token });
    expect(taskBody.parse(got.body).task.title).toBe('Alpha');

    const updated = await rest('PATCH', `/project-management/tasks/${first.id}`, {
      token,
      body: { priority: 'high', expectedVersion: first.version },
    });
    expect(updated.status).toBe(200);
    const afterUpdate = taskBody.parse(updated.body).task;
    // The event id stands next to the resource, which is shaped as a read's.
    expect(updated.body).toEqual({ task: afterUpdate, eventId: anEventId });
    expect(Object.keys(afterUpdate)).not.toContain('eventId');
    expect(afterUpdate).toMatchObject({ priority: 'high', version: first.version + 1 });

    const moved = await rest('POST', `/project-management/tasks/${second.id}/move`, {
      token,
      body: { status: 'done', expectedVersion: second.version },
    });
    expect(moved.status).toBe(200);
    expect(taskBody.parse(moved.body).task.status).toBe('done');

    const page = await rest(
      'GET',
      `/project-management/tasks?projectId=${project.id}&status=todo&limit=2&page=2`,
      { token },
    );
    expect(page.status).toBe(200);
    const listed = z
      .object({
        tasks: z.array(taskSchema),
        pagination: z.object({
          page: z.number(),
          limit: z.number(),
          total: z.number(),
          totalPages: z.number(),
        }),
      })
      .parse(page.body);
    expect(listed.pagination).toEqual({ page: 2, limit: 2, total: 4, totalPages: 2 });
    expect(listed.tasks.map((task) => task.title)).toEqual(['Delta', 'Echo']);

    // Each filter narrows: search and priority together, and each one alone.
    const titlesOf = async (query: string) =>
      z
        .object({ tasks: z.array(z.object({ title: z.string() })) })
        .parse(
          (
            await rest('GET', `/project-management/tasks?projectId=${project.id}&${query}`, {
              token,
            })
          ).body,
        )
        .tasks.map((task) => task.title);
    expect(await titlesOf('search=char&priority=medium')).toEqual(['Charlie']);
    expect(await titlesOf('search=char&priority=high')).toEqual([]);
    expect(await titlesOf('priority=high')).toEqual(['Alpha']);
    expect(await titlesOf('search=ECHO')).toEqual(['Echo']);

    const deleted = await rest(
      'DELETE',
      `/project-management/tasks/${first.id}?expectedVersion=${afterUpdate.version}`,
      { token },
    );
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ id: first.id, eventId: anEventId });
    expect(
      errorOf(await rest('GET', `/project-management/tasks/${first.id}`, { token }), 404).code,
    ).toBe('NOT_FOUND');
  });

  it('CONFLICT 409 carries the current task; nothing is written', async () => {
    const { token } = await register('Racer');
    const project = await createProject(token);
    const task = await createTask(token, project.id, 'Contested');
    await rest('PATCH', `/project-management/tasks/${task.id}`, {
      token,
      body: { title: 'Theirs', expectedVersion: task.version },
    });
    const stale = errorOf(
      await rest('PATCH', `/project-management/tasks/${task.id}`, {
        token,
        body: { title: 'Mine', expectedVersion: task.version },
      }),
      409,
    );
    expect(stale.code).toBe('CONFLICT');
    expect(z.object({ task: taskSchema }).parse(stale.details).task).toMatchObject({
      title: 'Theirs',
      version: task.version + 1,
    });
    const staleDelete = errorOf(
      await rest('DELETE', `/project-management/tasks/${task.id}?expectedVersion=${task.version}`, {
        token,
      }),
      409,
    );
    expect(staleDelete.code).toBe('CONFLICT');
    const current = await rest('GET', `/project-management/tasks/${task.id}`, { token });
    expect(taskBody.parse(current.body).task.title).toBe('Theirs');
  });

  it('bad input: wrong types in query and body, unknown ids, malformed JSON, other media types', async () => {
    const { token } = await register('Careless');
    const badQuery = errorOf(
      await rest('GET', '/project-management/tasks?limit=many&page=0', { token }),
      400,
    );
    expect(badQuery.code).toBe('VALIDATION_ERROR');
    expect(Object.keys(z.record(z.string(), z.string()).parse(badQuery.details)).sort()).toEqual([
      'limit',
      'page',
    ]);

    const badBody = errorOf(
      await rest('POST', '/project-management/tasks', { token, body: { title: 42 } }),
      400,
    );
    expect(badBody.code).toBe('VALIDATION_ERROR');
    expect(Object.keys(z.record(z.string(), z.string()).parse(badBody.details))).toContain('title');

    const notAnId = errorOf(
      await rest('GET', '/project-management/tasks/not-a-uuid', { token }),
      400,
    );
    expect(notAnId.code).toBe('VALIDATION_ERROR');
    const unknown = errorOf(
      await rest('GET', `/project-management/tasks/${randomUUID()}`, { token }),
      404,
    );
    expect(unknown.code).toBe('NOT_FOUND');

    const malformed = await fetch(`${server.url}/api/v1/projects`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"name": ',
    });
    expect(errorOf(await answerOf(malformed), 400).code).toBe('BAD_REQUEST');

    const text = await fetch(`${server.url}/api/v1/projects`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' },
      body: 'name=Text',
    });
    expect(errorOf(await answerOf(text), 400).code).toBe('BAD_REQUEST');

    const route = errorOf(await rest('GET', '/no/such/route', { token }), 404);
    expect(route).toMatchObject({ code: 'NOT_FOUND', path: '/api/v1/no/such/route' });
  });
});

describe('CSRF: the same rules as /trpc', () => {
  it('refuses a cookie-authenticated change from another origin, or as a form', async () => {
    const { token } = await register('Victim');
    const cookie = `taskboard_session=${token}`;
    const crossSite = errorOf(
      await rest('POST', '/projects', {
        body: { name: 'Forged' },
        headers: { cookie, origin: 'https://evil.example' },
      }),
      403,
    );
    expect(crossSite.code).toBe('FORBIDDEN');
    const form = await fetch(`${server.url}/api/v1/projects`, {
      method: 'POST',
      headers: { cookie, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=Forged',
    });
    expect(errorOf(await answerOf(form), 400).code).toBe('BAD_REQUEST');
    // A bearer token cannot be sent by a forging page: no origin check for it.
    const bearer = await rest('POST', '/projects', {
      token,
      body: { name: 'Scripted' },
      headers: { origin: 'https://ci.example' },
    });
    expect(bearer.status).toBe(201);
    const names = JSON.stringify((await rest('GET', '/projects', { token })).body);
    expect(names).not.toContain('Forged');
  });
});

describe('INTERNAL_SERVER_ERROR and SERVICE_UNAVAILABLE', () => {
  it('an unexpected failure answers 500 with the contract body and nothing of it inside; a database that is gone answers 503 with Retry-After', async () => {
    const ownDatabase = await createTestDatabase();
    const own = await startServer(ownDatabase);
    try {
      const answer = await fetch(`${own.url}/api/v1/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          email: `doomed-${randomUUID()}@example.com`,
          name: 'Doomed',
          password: TEST_PASSWORD,
        }),
      });
      expect(answer.status).toBe(201);
      const { token } = signedInSchema.parse(await answer.json());
      const createProject = () =>
        fetch(`${own.url}/api/v1/projects`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'Lost' }),
        });
      // A failure nobody expects: the database refuses every new project.
      await sql`alter table projects add constraint doomed check (false) not valid`.execute(
        ownDatabase.db,
      );
      const answer500 = await answerOf(await createProject());
      const text = JSON.stringify(answer500.body);
      const error = errorOf(answer500, 500);
      expect(error).toMatchObject({
        code: 'INTERNAL_SERVER_ERROR',
        message: 'Internal server error',
      });
      expect(text).not.toMatch(/sql|select|insert|stack|at \w+ \(|pglite|postgres|doomed/i);

      await ownDatabase.close(); // the database goes away under a running server
      const gone = await createProject();
      const answer503 = await answerOf(gone);
      expect(errorOf(answer503, 503).code).toBe('SERVICE_UNAVAILABLE');
      expect(Number(gone.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(JSON.stringify(answer503.body)).not.toMatch(/sql|stack|pglite|postgres/i);
    } finally {
      await own.close();
      await ownDatabase.dispose().catch(() => undefined);
    }
  });
});

describe('OpenAPI document and docs page', () => {
  it('is a valid OpenAPI 3.1 document covering every SPEC path', async () => {
    const response = await fetch(`${server.url}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    const text = await response.text();
    const dir = await mkdtemp(join(tmpdir(), 'openapi-'));
    try {
      const file = join(dir, 'openapi.json');
      await writeFile(file, text);
      const result = await validate(file);
      expect(result.valid ? '' : compileErrors(result)).toBe('');
    } finally {
      await rm(dir, { recursive: true });
    }
    const document = z
      .object({
        openapi: z.string(),
        paths: z.record(z.string(), z.record(z.string(), z.unknown())),
      })
      .parse(JSON.parse(text));
    expect(document.openapi).toBe('3.1.0');
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    for (const required of [
      'POST /auth/register',
      'POST /auth/login',
      'POST /auth/logout',
      'GET /auth/me',
      'GET /projects',
      'POST /projects',
      'GET /projects/{id}',
      'PATCH /projects/{id}',
      'DELETE /projects/{id}',
      'GET /projects/{id}/members',
      'POST /projects/{id}/members',
      'PATCH /projects/{id}/members/{userId}',
      'DELETE /projects/{id}/members/{userId}',
      'GET /project-management/tasks',
      'POST /project-management/tasks',
      'GET /project-management/tasks/{id}',
      'PATCH /project-management/tasks/{id}',
      'DELETE /project-management/tasks/{id}',
    ]) {
      expect(operations).toContain(required);
    }
  });

  it('documents and honours where a new task goes: placement bottom (default) or top', async () => {
    const text = await (await fetch(`${server.url}/api/v1/openapi.json`)).text();
    const placement = z
      .object({
        paths: z.object({
          '/project-management/tasks': z.object({
            post: z.object({
              requestBody: z.object({
                content: z.object({
                  'application/json': z.object({
                    schema: z.object({
                      properties: z.object({
                        placement: z.object({
                          enum: z.array(z.string()),
                          default: z.string(),
                          description: z.string(),
                        }),
                      }),
                    }),
                  }),
                }),
              }),
            }),
          }),
        }),
      })
      .parse(JSON.parse(text)).paths['/project-management/tasks'].post.requestBody.content[
      'application/json'
    ].schema.properties.placement;
    expect(placement).toMatchObject({ enum: ['top', 'bottom'], default: 'bottom' });
    expect(placement.description).toMatch(/top.*first/);

    const { token } = await register('Placer');
    const project = await createProject(token);
    await createTask(token, project.id, 'Middle');
    await createTask(token, project.id, 'Last');
    const first = await rest('POST', '/project-management/tasks', {
      token,
      body: { projectId: project.id, title: 'First', placement: 'top' },
    });
    expect(first.status).toBe(201);
    const listed = await rest('GET', `/project-management/tasks?projectId=${project.id}`, {
      token,
    });
    expect(
      z
        .object({ tasks: z.array(z.object({ title: z.string() })) })
        .parse(listed.body)
        .tasks.map((task) => task.title),
    ).toEqual(['First', 'Middle', 'Last']);
  });

  it('serves the docs page and its assets from installed files, no CDN', async () => {
    const page = await fetch(`${server.url}/api/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).not.toMatch(/https?:\/\//);
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? '');
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      const response = await fetch(`${server.url}${asset}`);
      expect(response.status, asset).toBe(200);
      expect((await response.arrayBuffer()).byteLength, asset).toBeGreaterThan(100);
    }
    for (const path of ['/api/docs/../../package.json', '/api/docs/..%2f..%2fpackage.json']) {
      const response = await rawGet(server, path);
      expect(response.status, path).toBe(404);
      expect(response.body, path).not.toContain('"name"');
    }
    expect((await fetch(`${server.url}/api/docs/index.js`)).status).toBe(404);
  });

  it('every documented operation was exercised by this suite', () => {
    const documented = restRoutes.map((route) => `${route.method} ${route.path}`);
    expect(documented.filter((operation) => !called.has(operation))).toEqual([]);
  });
});
