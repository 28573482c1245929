// The HTTP transport as a browser, curl or a probe meets it (STACK-NOTES.md "CSRF gap",
// SPEC.md "Errors" and "Ops"): CSRF refusals that write nothing, GET never writing, health
// and metrics endpoints, tRPC's own errors in the error contract, security headers, CORS, and
// bodies that never carry internals.
import { TRPCError } from '@trpc/server';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { DisposableDatabase } from '@taskboard/db/testing';
import { appErrorStatus, isAppErrorCode } from '@taskboard/schema';
import { SESSION_COOKIE } from '../src/context';
import { formatError } from '@taskboard/api/host';
import { appRouter } from '@taskboard/api/host';
import {
  createTestDatabase,
  engine,
  ORIGIN,
  signUp,
  startServer,
  type TestServer,
} from './support/server';

let database: DisposableDatabase;
let server: TestServer;
let user: Awaited<ReturnType<typeof signUp>>;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startServer(database);
  user = await signUp(server, 'Transport');
});

afterAll(async () => {
  await server.close();
  await database.dispose();
});

/** Everything a write would change, in one cheap query. */
async function writes(): Promise<string> {
  const { rows } = await sql<{ fingerprint: string }>`
    select concat_ws(' ',
      (select count(*) from users),
      (select count(*) from projects),
      (select max(updated_at)::text from projects),
      (select count(*) from project_members),
      (select count(*) from tasks),
      (select max(updated_at)::text from tasks),
      (select count(*) from project_events)
    ) as fingerprint`.execute(database.db);
  return rows[0]?.fingerprint ?? '';
}

/** The error contract as tRPC answers it over HTTP. */
const trpcErrorSchema = z.object({
  error: z.object({
    message: z.string(),
    code: z.number(),
    data: z.object({
      code: z.string(),
      appCode: z.string().refine(isAppErrorCode),
      httpStatus: z.number(),
      details: z.unknown(),
      path: z.string().nullable(),
    }),
  }),
});

type RequestBody = NonNullable<RequestInit['body']>;

interface Raw {
  status: number;
  headers: Headers;
  text: string;
}

async function send(path: string, init: RequestInit = {}): Promise<Raw> {
  const response = await fetch(`${server.url}${path}`, init);
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The error of a response: a plain call's, or the one call of a batch (`?batch=1`). */
function errorData(response: Raw) {
  const body: unknown = JSON.parse(response.text);
  return trpcErrorSchema.parse(Array.isArray(body) && body.length === 1 ? body[0] : body).error
    .data;
}

const cookie = () => `${SESSION_COOKIE}=${user.token}`;
const bearer = () => `Bearer ${user.token}`;
const json = { 'content-type': 'application/json' };

function createProject(
  headers: Record<string, string>,
  body: RequestBody = '{"name":"Via transport"}',
) {
  return send('/trpc/projects.create', { method: 'POST', headers, body });
}

/** Every mutation path of the router (subscriptions and queries aside). */
function mutationPaths(): string[] {
  const procedures: Record<string, unknown> = appRouter._def.procedures;
  return Object.entries(procedures).flatMap(([path, procedure]) => {
    if (typeof procedure !== 'function' || !('_def' in procedure)) return [];
    const def: unknown = procedure._def;
    const parsed = z.object({ type: z.string() }).safeParse(def);
    return parsed.success && parsed.data.type === 'mutation' ? [path] : [];
  });
}

describe('CSRF', () => {
  it('refuses a cross-origin JSON POST carrying the session cookie: 403 FORBIDDEN, nothing written', async () => {
    const before = await writes();
    for (const headers of [
      { ...json, cookie: cookie(), origin: 'http://evil.example' },
      { ...json, cookie: cookie(), origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' },
      { ...json, cookie: cookie(), origin: 'http://localhost:5173.evil.example' },
      { ...json, cookie: cookie(), origin: 'null' },
      { ...json, cookie: cookie() }, // neither Origin nor Sec-Fetch-Site
    ]) {
      const response = await createProject(headers);
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect(errorData(response)).toMatchObject({
        appCode: 'FORBIDDEN',
        httpStatus: 403,
        details: null,
      });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    }
    // Batched, as the tRPC client sends it.
    const batched = await send('/trpc/projects.create?batch=1', {
      method: 'POST',
      headers: { ...json, cookie: cookie(), origin: 'http://evil.example' },
      body: JSON.stringify({ 0: { name: 'Batched evil' } }),
    });
    expect(batched.status).toBe(403);
    expect(await writes()).toBe(before);
  });

  it('lets a same-origin cookie request through: allowed Origin, its own origin, or Sec-Fetch-Site: same-origin', async () => {
    const before = await database.db.selectFrom('projects').select('id').execute();
    const byOrigin = await createProject({ ...json, cookie: cookie(), origin: ORIGIN });
    expect(byOrigin.status).toBe(200);
    // The web app the server serves, opened at an address not on the list (127.0.0.1:port).
    const byOwnOrigin = await createProject({ ...json, cookie: cookie(), origin: server.url });
    expect(byOwnOrigin.status).toBe(200);
    const bySite = await createProject({
      ...json,
      cookie: cookie(),
      'sec-fetch-site': 'same-origin',
    });
    expect(bySite.status).toBe(200);
    const after = await database.db.selectFrom('projects').select('id').execute();
    expect(after.length).toBe(before.length + 3);
    expect(byOrigin.headers.get('access-control-allow-origin')).toBe(ORIGIN);
  });

  it('refuses what an HTML form can send (multipart, text/plain, urlencoded), with or without cookies', async () => {
    const before = await writes();
    const form = () => {
      const data = new FormData();
      data.set('name', 'Form project');
      return data;
    };
    const bodies: { label: string; body: () => RequestBody; type?: string }[] = [
      { label: 'multipart', body: form }, // fetch sets multipart/form-data; boundary=…
      { label: 'text/plain', body: () => '{"name":"Plain project"}', type: 'text/plain' },
      {
        label: 'urlencoded',
        body: () => 'name=Url+project',
        type: 'application/x-www-form-urlencoded',
      },
    ];
    const credentials: { label: string; headers: Record<string, string>; status: number }[] = [
      // Origin is checked first: a forged cookie request is FORBIDDEN whatever its body.
      {
        label: 'cookie, foreign origin',
        headers: { cookie: cookie(), origin: 'http://evil.example' },
        status: 403,
      },
      { label: 'cookie, no origin', headers: { cookie: cookie() }, status: 403 },
      {
        label: 'cookie, allowed origin',
        headers: { cookie: cookie(), origin: ORIGIN },
        status: 400,
      },
      { label: 'bearer', headers: { authorization: bearer() }, status: 400 },
      { label: 'anonymous', headers: {}, status: 400 },
    ];
    for (const { label, body, type } of bodies) {
      for (const credential of credentials) {
        const headers = { ...credential.headers, ...(type && { 'content-type': type }) };
        const response = await createProject(headers, body());
        const what = `${label} with ${credential.label}`;
        expect(response.status, what).toBe(credential.status);
        expect(errorData(response).appCode, what).toBe(
          credential.status === 403 ? 'FORBIDDEN' : 'BAD_REQUEST',
        );
      }
    }
    // No content type at all.
    const bare = await send('/trpc/projects.create', {
      method: 'POST',
      headers: { authorization: bearer() },
      body: new Uint8Array(Buffer.from('{"name":"Bare project"}')),
    });
    expect(bare.status).toBe(400);
    expect(await writes()).toBe(before);
  });

  it('a bearer-token JSON POST needs no Origin (machines)', async () => {
    const response = await createProject({ ...json, authorization: bearer() });
    expect(response.status).toBe(200);
    const created = z
      .object({ result: z.object({ data: z.object({ id: z.uuid(), name: z.string() }) }) })
      .parse(JSON.parse(response.text));
    expect(created.result.data.name).toBe('Via transport');
    // Even from a foreign origin: a browser cannot attach someone's bearer token.
    const foreign = await createProject({
      ...json,
      authorization: bearer(),
      origin: 'http://evil.example',
    });
    expect(foreign.status).toBe(200);
  });

  it('a GET never writes: every mutation path refuses GET with a 4xx', async () => {
    const paths = mutationPaths();
    expect(paths).toContain('projects.create');
    expect(paths).toContain('tasks.delete');
    const before = await writes();
    for (const path of paths) {
      const input = encodeURIComponent(JSON.stringify({ name: 'Via GET', title: 'Via GET' }));
      for (const url of [
        `/trpc/${path}?input=${input}`,
        `/trpc/${path}?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { name: 'x' } }))}`,
      ]) {
        const response = await send(url, {
          headers: { authorization: bearer(), cookie: cookie(), origin: ORIGIN },
        });
        expect(response.status, url).toBeGreaterThanOrEqual(400);
        expect(response.status, url).toBeLessThan(500);
        expect(errorData(response).appCode, url).toBe('BAD_REQUEST');
      }
    }
    expect(await writes()).toBe(before);
  });
});

describe('ops endpoints', () => {
  it('/healthz answers 200', async () => {
    const response = await send('/healthz');
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toEqual({ status: 'ok' });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('/readyz answers 200 with the status of each dependency', async () => {
    const response = await send('/readyz');
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toEqual({
      status: 'ok',
      checks: { database: 'ok', ...(engine === 'postgres' && { redis: 'ok' }) },
    });
  });

  it('/metrics counts procedure calls by procedure and outcome, and reports event-loop lag', async () => {
    await user.api.auth.me.query();
    await user.api.projects.list.query();
    await fetch(`${server.url}/trpc/auth.me`); // anonymous: UNAUTHORIZED
    const response = await send('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = response.text;
    expect(text).toMatch(
      /^taskboard_trpc_requests_total\{procedure="auth\.me",type="query",outcome="ok"\} [1-9]\d*$/m,
    );
    expect(text).toMatch(
      /^taskboard_trpc_requests_total\{procedure="auth\.me",type="query",outcome="UNAUTHORIZED"\} [1-9]\d*$/m,
    );
    expect(text).toMatch(/^taskboard_trpc_requests_total\{procedure="projects\.list",/m);
    expect(text).toMatch(
      /^taskboard_trpc_request_duration_seconds_bucket\{.*procedure="auth\.me"/m,
    );
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(text).toMatch(/^taskboard_open_websockets \d/m);
  });
});

describe('tRPC errors in the error contract', () => {
  it('an unknown procedure is NOT_FOUND', async () => {
    for (const init of [
      { headers: { authorization: bearer() } },
      { method: 'POST', headers: { ...json, authorization: bearer() }, body: '{}' },
    ]) {
      const response = await send('/trpc/projects.nothingHere', init);
      expect(response.status).toBe(404);
      expect(errorData(response)).toMatchObject({
        appCode: 'NOT_FOUND',
        httpStatus: 404,
        details: null,
      });
    }
  });

  it('a malformed JSON body is BAD_REQUEST (400), not a 500, and writes nothing', async () => {
    const before = await writes();
    for (const [url, body] of [
      ['/trpc/projects.create', '{"name":'],
      ['/trpc/projects.create', '{"name": "x",}'],
      ['/trpc/projects.create?batch=1', '{"0": {"name": "x"'],
      ['/trpc/projects.create', '\u0000'],
    ] as const) {
      const response = await send(url, {
        method: 'POST',
        headers: { ...json, authorization: bearer() },
        body,
      });
      expect(response.status, body).toBe(400);
      expect(errorData(response).appCode, body).toBe('BAD_REQUEST');
    }
    // In a query string too.
    const badQuery = await send(
      `/trpc/projects.list?input=${encodeURIComponent('{"includeArchived":')}`,
      {
        headers: { authorization: bearer() },
      },
    );
    expect(badQuery.status).toBe(400);
    expect(errorData(badQuery).appCode).toBe('BAD_REQUEST');
    // Well-formed JSON of the wrong shape is a VALIDATION_ERROR with field details.
    const wrongShape = await createProject({ ...json, authorization: bearer() }, '{"name": 42}');
    expect(wrongShape.status).toBe(400);
    const invalid = errorData(wrongShape);
    expect(invalid.appCode).toBe('VALIDATION_ERROR');
    expect(z.record(z.string(), z.string()).parse(invalid.details)).toHaveProperty('name');
    expect(await writes()).toBe(before);
  });

  it('every code travels with the HTTP status the contract gives it', async () => {
    const cases = [
      await send('/trpc/auth.me'), // UNAUTHORIZED
      await send('/trpc/projects.nothingHere', { headers: { authorization: bearer() } }),
      await createProject({ ...json, authorization: bearer() }, '{"name": ""}'),
    ];
    for (const response of cases) {
      const data = errorData(response);
      if (!isAppErrorCode(data.appCode)) throw new Error(`unknown code in ${response.text}`);
      expect(data.httpStatus).toBe(appErrorStatus[data.appCode]);
      expect(response.status).toBe(data.httpStatus);
    }
  });
});

describe('response headers', () => {
  it('carries helmet security headers and no X-Powered-By', async () => {
    for (const response of [
      await send('/trpc/auth.me', { headers: { authorization: bearer() } }),
      await send('/healthz'),
    ]) {
      const headers = response.headers;
      expect(headers.get('x-content-type-options')).toBe('nosniff');
      expect(headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(headers.get('content-security-policy')).toContain("frame-ancestors 'self'");
      expect(headers.get('referrer-policy')).toBe('no-referrer');
      expect(headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(headers.get('x-powered-by')).toBeNull();
    }
  });

  it('CORS: a preflight from the allowed origin is allowed with credentials; another origin gets no allow-origin', async () => {
    const preflight = (origin: string) =>
      send('/trpc/projects.create', {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
    const allowed = await preflight(ORIGIN);
    expect(allowed.status).toBeLessThan(300);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    expect(allowed.headers.get('access-control-allow-methods') ?? '').toContain('POST');
    expect(allowed.headers.get('vary') ?? '').toMatch(/origin/i);

    const refused = await preflight('http://evil.example');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    // (@fastify/cors sends Access-Control-Allow-Credentials on every response; without a
    // matching Allow-Origin a browser ignores it.)

    const simple = await send('/trpc/auth.me', {
      headers: { origin: 'http://evil.example', authorization: bearer() },
    });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('no internals in bodies', () => {
  /** What must never reach a client: stacks, SQL, driver and file-system details. */
  const LEAKS =
    /\bstack\b|\n\s+at |node_modules|\/work\/|\.ts:\d|select |insert |update |delete from|sqlstate|syntax error|relation "|byte sequence|0x00|ZodError|TypeError|kysely|pglite|postgres/i;

  it('a forged cursor is BAD_REQUEST with a plain message', async () => {
    const project = await user.api.projects.create.mutate({ name: 'Cursor project' });
    const cursors = [
      'not-a-cursor',
      Buffer.from('{"a":1}').toString('base64url'),
      Buffer.from(JSON.stringify(['a0', 'not-a-uuid'])).toString('base64url'),
      Buffer.from(
        JSON.stringify([`a0${"'".repeat(5)} or 1=1 --`, '2a4d5a4c-7f3b-4b8e-9b1a-0c2d3e4f5a6b']),
      ).toString('base64url'),
    ];
    for (const cursor of cursors) {
      const input = encodeURIComponent(
        JSON.stringify({ projectId: project.id, status: 'todo', cursor }),
      );
      const response = await send(`/trpc/board.column?input=${input}`, {
        headers: { authorization: bearer() },
      });
      expect(response.status, cursor).toBeLessThan(500);
      expect(response.text, cursor).not.toMatch(LEAKS);
      if (response.status !== 200) expect(errorData(response).appCode).toBe('BAD_REQUEST');
    }
  });

  it('text the database cannot store (a NUL character) is refused without a 500 or internals', async () => {
    const before = await writes();
    const response = await createProject(
      { ...json, authorization: bearer() },
      JSON.stringify({ name: 'nul \u0000 inside' }),
    );
    expect(response.text).not.toMatch(LEAKS);
    expect(response.status).toBe(400);
    expect(errorData(response).appCode).toMatch(/^(BAD_REQUEST|VALIDATION_ERROR)$/);
    expect(await writes()).toBe(before);
  });

  it('the formatter turns anything unexpected into a bare INTERNAL_SERVER_ERROR', () => {
    const sqlError = Object.assign(
      new Error('relation "tasks" does not exist: select * from tasks where id = $1'),
      {
        code: '42P01',
        stack: 'Error: boom\n    at query (/work/main/node_modules/pg/lib/client.js:1:1)',
      },
    );
    const formatted = formatError(
      new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: sqlError.message, cause: sqlError }),
      'tasks.get',
    );
    expect(formatted).toEqual({
      message: 'Internal server error',
      data: {
        appCode: 'INTERNAL_SERVER_ERROR',
        httpStatus: 500,
        details: null,
        path: 'tasks.get',
      },
    });
    expect(JSON.stringify(formatted)).not.toMatch(LEAKS);
  });
});
