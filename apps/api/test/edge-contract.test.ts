// The answers Fastify and Node give before any route runs, in SPEC.md's error contract
// (issue 10 "Answers outside the error contract", issue 17 "Requests during a graceful
// shutdown"): the rate limit, a body over the limit, a malformed URL, an over-long path
// parameter, URL or header block, a request while the server drains; subscriptions refused
// over HTTP; Cache-Control on every tRPC answer.
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { DisposableDatabase } from '@taskboard/db/testing';
import { isAppErrorCode } from '@taskboard/schema';
import { createTestDatabase, signUp, startServer, type TestServer } from './support/server';

let database: DisposableDatabase;
let server: TestServer;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startServer(database);
});

afterAll(async () => {
  await server.close();
  await database.dispose();
});

/** tRPC's error body as our formatter makes it: what a tRPC client parses. */
const trpcErrorSchema = z.object({
  error: z.object({
    message: z.string(),
    code: z.number().int().negative(),
    data: z.object({
      code: z.string(),
      appCode: z.string().refine(isAppErrorCode),
      httpStatus: z.number(),
      details: z.null(),
      path: z.string().nullable(),
    }),
  }),
});

/** SPEC.md's REST error body. */
const restErrorSchema = z.object({
  error: z.object({
    code: z.string().refine(isAppErrorCode),
    message: z.string(),
    details: z.null(),
    timestamp: z.iso.datetime(),
    path: z.string(),
  }),
});

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request sent as written (path, headers and body untouched by a client library). */
function raw(
  target: { url: string },
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Raw> {
  const { hostname, port } = new URL(target.url);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: hostname, port, path, method: init.method ?? 'GET', headers: init.headers },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
        });
      },
    );
    request.on('error', reject);
    request.end(init.body);
  });
}

/** The answer is tRPC's error body with this code, and the status that code has. */
function expectTrpcError(response: Raw, appCode: string, status: number) {
  expect(response.status, response.body.slice(0, 300)).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const { error } = trpcErrorSchema.parse(JSON.parse(response.body));
  expect(error.data).toMatchObject({ appCode, httpStatus: status });
  expect(response.body).not.toMatch(/FST_|statusCode/);
  return error;
}

/** The answer is the REST error body with this code, and the status that code has. */
function expectRestError(response: Raw, appCode: string, status: number) {
  expect(response.status, response.body.slice(0, 300)).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const { error } = restErrorSchema.parse(JSON.parse(response.body));
  expect(error.code).toBe(appCode);
  expect(response.body).not.toMatch(/FST_|statusCode/);
  return error;
}

const json = { 'content-type': 'application/json' };
/** Over the 1 MiB body limit. */
const bigBody = JSON.stringify({ name: 'x'.repeat(1_100_000) });
/** Over the 5,000-character path parameter limit, under Node's 16 KiB header limit. */
const longParam = 'a'.repeat(6_000);
/** Over Node's 16 KiB limit on the request line and headers. */
const overHeaderLimit = 'b'.repeat(20_000);

describe("answers given before a route runs, in the surface's error contract", () => {
  it('a body over the size limit: 413 PAYLOAD_TOO_LARGE', async () => {
    const headers = { ...json, authorization: 'Bearer nobody' };
    expectTrpcError(
      await raw(server, '/trpc/projects.create', { method: 'POST', headers, body: bigBody }),
      'PAYLOAD_TOO_LARGE',
      413,
    );
    expectRestError(
      await raw(server, '/api/v1/projects', { method: 'POST', headers, body: bigBody }),
      'PAYLOAD_TOO_LARGE',
      413,
    );
  });

  it('a malformed percent-encoding in the path: 400 BAD_REQUEST', async () => {
    expectTrpcError(await raw(server, '/trpc/auth.me%E0%A4%A'), 'BAD_REQUEST', 400);
    const rest = expectRestError(
      await raw(server, '/api/v1/projects/%E0%A4%A'),
      'BAD_REQUEST',
      400,
    );
    expect(rest.path).toBe('/api/v1/projects/%E0%A4%A');
  });

  it('a path parameter over its length limit: 413 PAYLOAD_TOO_LARGE', async () => {
    // A GET falls through to the web app's wildcard route and is not found; other methods
    // meet the router's parameter limit.
    const headers = { ...json, authorization: 'Bearer nobody' };
    expectTrpcError(
      await raw(server, `/trpc/${longParam}`, { method: 'POST', headers, body: '{}' }),
      'PAYLOAD_TOO_LARGE',
      413,
    );
    expectRestError(
      await raw(server, `/api/v1/projects/${longParam}`, { method: 'DELETE', headers }),
      'PAYLOAD_TOO_LARGE',
      413,
    );
    // Under /trpc a GET's answer is tRPC's too.
    expectTrpcError(await raw(server, `/trpc/${longParam}`), 'NOT_FOUND', 404);
  });

  it("a URL or header block over Node's limit: 413 PAYLOAD_TOO_LARGE", async () => {
    expectTrpcError(
      await raw(server, `/trpc/auth.me?input=${overHeaderLimit}`),
      'PAYLOAD_TOO_LARGE',
      413,
    );
    const rest = expectRestError(
      await raw(server, `/api/v1/auth/me?q=${overHeaderLimit}`),
      'PAYLOAD_TOO_LARGE',
      413,
    );
    expect(rest.path).toBe('/api/v1/auth/me');
    expectTrpcError(
      await raw(server, '/trpc/auth.me', { headers: { 'x-padding': overHeaderLimit } }),
      'PAYLOAD_TOO_LARGE',
      413,
    );
    expectRestError(
      await raw(server, '/api/v1/auth/me', { headers: { 'x-padding': overHeaderLimit } }),
      'PAYLOAD_TOO_LARGE',
      413,
    );
  });

  it('the global rate limit: 429 TOO_MANY_REQUESTS with Retry-After', async () => {
    // Its own Redis keys: the other servers' requests from this address do not count.
    const limited = await startServer(database, {
      env: { RATE_LIMIT_MAX: '2', REDIS_KEY_PREFIX: `test:limited:${randomUUID()}:` },
    });
    try {
      // Requests pass until the limit is reached (with Redis, also while it is still connecting).
      let trpc = await raw(limited, '/trpc/auth.me');
      for (let sent = 1; trpc.status !== 429 && sent < 50; sent += 1) {
        expect(trpc.status).toBe(401);
        trpc = await raw(limited, '/trpc/auth.me');
      }
      expectTrpcError(trpc, 'TOO_MANY_REQUESTS', 429);
      expect(Number(trpc.headers['retry-after'])).toBeGreaterThan(0);
      // The tRPC client reads it as the contract's error.
      const batched = await raw(limited, '/trpc/auth.me?batch=1&input={}');
      expectTrpcError(batched, 'TOO_MANY_REQUESTS', 429);
      const rest = await raw(limited, '/api/v1/auth/me');
      expectRestError(rest, 'TOO_MANY_REQUESTS', 429);
      expect(Number(rest.headers['retry-after'])).toBeGreaterThan(0);
      expectRestError(
        await raw(limited, '/', { headers: { accept: 'text/html' } }),
        'TOO_MANY_REQUESTS',
        429,
      );
    } finally {
      await limited.close();
    }
  });
});

describe('subscriptions over HTTP (server-sent events)', () => {
  it('are refused with the error contract: subscriptions run over WebSocket only', async () => {
    const ada = await signUp(server, 'Sse');
    const project = await ada.api.projects.create.mutate({ name: 'Over SSE' });
    const input = encodeURIComponent(JSON.stringify({ projectId: project.id }));
    for (const path of [`/trpc/events.project?input=${input}`, '/trpc/events.mine']) {
      for (const accept of ['text/event-stream', '*/*']) {
        const response = await raw(server, path, {
          headers: { authorization: `Bearer ${ada.token}`, accept },
        });
        const error = expectTrpcError(response, 'BAD_REQUEST', 400);
        expect(error.message).toMatch(/WebSocket/);
      }
    }
  });
});

describe('the WebSocket endpoint over plain HTTP', () => {
  it("answers tRPC's error body, not an empty 404", async () => {
    const error = expectTrpcError(await raw(server, '/trpc'), 'BAD_REQUEST', 400);
    expect(error.message).toMatch(/WebSocket/);
  });
});

describe('OPTIONS that is not a full CORS preflight', () => {
  // @fastify/cors answered these with a bare text/plain "Invalid Preflight Request", outside the
  // contract. Not being a preflight, they are answered as one that allows nothing.
  it('is answered 204 with no body and grants no origin', async () => {
    const cases = [
      { path: '/trpc/auth.login', headers: {} },
      { path: '/api/v1/projects', headers: { origin: 'https://elsewhere.example' } },
      { path: '/trpc/auth.login', headers: { 'access-control-request-method': 'POST' } },
    ];
    for (const { path, headers } of cases) {
      const response = await raw(server, path, { method: 'OPTIONS', headers });
      expect({ path, headers, status: response.status, body: response.body }).toEqual({
        path,
        headers,
        status: 204,
        body: '',
      });
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    }
  });
});

describe('Cache-Control on tRPC answers', () => {
  it('every answer is no-store: auth.login (which holds the token), a query, an error, a batch', async () => {
    const ada = await signUp(server, 'Cache');
    const login = await raw(server, '/trpc/auth.login', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ email: ada.email, password: ada.password }),
    });
    expect(login.status).toBe(200);
    expect(login.body).toContain('"token"');
    expect(login.headers['cache-control']).toBe('no-store');
    const bearer = { authorization: `Bearer ${ada.token}` };
    for (const path of ['/trpc/auth.me', '/trpc/projects.list?batch=1&input={}', '/trpc/nothing']) {
      const response = await raw(server, path, { headers: bearer });
      expect(response.headers['cache-control'], path).toBe('no-store');
    }
  });
});

/** Responses read off one socket, in order (pipelined requests answer in order). */
function readResponses(socket: ReturnType<typeof connect>, count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let received = '';
    const split = () => received.split(/(?=HTTP\/1\.1 \d{3} )/);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.once('error', reject);
    socket.once('close', () => {
      resolve(split().slice(0, count));
    });
  });
}

describe('a request arriving while the server shuts down', () => {
  it('is answered SERVICE_UNAVAILABLE with Retry-After in the contract, and the one in flight finishes', async () => {
    for (const [second, shape] of [
      ['/trpc/auth.me', 'trpc'],
      ['/api/v1/auth/me', 'rest'],
    ] as const) {
      const closing = await startServer(database);
      const { port } = new URL(closing.url);
      const socket = connect(Number(port), '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      const responses = readResponses(socket, 2);
      const seen = new Promise((resolve) => closing.app.server.once('request', resolve));
      // A first request that is still in flight (half its body sent) when close() starts.
      const body = JSON.stringify({ email: 'nobody@example.com', password: 'not this one' });
      const half = Math.floor(body.length / 2);
      socket.write(
        `POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, half)}`,
      );
      await seen; // its headers are parsed: it is in flight
      const closed = closing.close();
      await expect.poll(() => closing.app.server.listening).toBe(false);
      // The rest of the first body, and a second request behind it on the same connection.
      socket.write(`${body.slice(half)}GET ${second} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      const [first, answer] = await responses;
      await closed;
      expect(first).toMatch(/^HTTP\/1\.1 401 /);
      expect(answer).toMatch(/^HTTP\/1\.1 503 /);
      expect(answer).toMatch(/^retry-after: \d+\r$/im);
      expect(answer).toMatch(/^connection: close\r$/im);
      const payload: unknown = JSON.parse(answer?.split('\r\n\r\n')[1] ?? '');
      if (shape === 'trpc') {
        expect(trpcErrorSchema.parse(payload).error.data).toMatchObject({
          appCode: 'SERVICE_UNAVAILABLE',
          httpStatus: 503,
        });
      } else {
        expect(restErrorSchema.parse(payload).error.code).toBe('SERVICE_UNAVAILABLE');
      }
    }
  });
});

describe('/metrics is not public', () => {
  it('answers a direct connection from this machine, not one a proxy forwarded', async () => {
    const direct = await raw(server, '/metrics');
    expect(direct.status).toBe(200);
    expect(direct.body).toMatch(/^taskboard_open_websockets \d/m);
    for (const header of ['x-forwarded-for', 'forwarded', 'x-real-ip']) {
      const forwarded = await raw(server, '/metrics', { headers: { [header]: '203.0.113.9' } });
      expectRestError(forwarded, 'NOT_FOUND', 404);
      expect(forwarded.body).not.toMatch(/taskboard_/);
    }
  });

  it('behind TRUST_PROXY (every request may come from a local proxy) answers only with METRICS_TOKEN', async () => {
    const proxied = await startServer(database, { env: { TRUST_PROXY: 'true' } });
    try {
      expectRestError(await raw(proxied, '/metrics'), 'NOT_FOUND', 404);
    } finally {
      await proxied.close();
    }
  });

  it('with METRICS_TOKEN answers the bearer of that token only, from anywhere', async () => {
    const token = 'metrics-token-0123456789abcdef';
    const guarded = await startServer(database, {
      env: { METRICS_TOKEN: token, TRUST_PROXY: 'true' },
    });
    try {
      for (const headers of [{}, { authorization: 'Bearer wrong-token-0123456789' }]) {
        const refused = await raw(guarded, '/metrics', { headers });
        expectRestError(refused, 'UNAUTHORIZED', 401);
        expect(refused.headers['www-authenticate']).toMatch(/^Bearer/);
      }
      const allowed = await raw(guarded, '/metrics', {
        headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': '203.0.113.9' },
      });
      expect(allowed.status).toBe(200);
      expect(allowed.body).toMatch(/^taskboard_open_websockets \d/m);
    } finally {
      await guarded.close();
    }
  });
});

describe('Content-Security-Policy', () => {
  const directives = (response: Raw) =>
    String(response.headers['content-security-policy'] ?? '')
      .split(';')
      .map((directive) => directive.trim());

  it('does not upgrade requests of a page served over plain HTTP (its assets are http too)', async () => {
    const page = await raw(server, '/', {
      headers: { accept: 'text/html', host: 'taskboard.test' },
    });
    expect(directives(page)).toContain("default-src 'self'");
    expect(directives(page)).not.toContain('upgrade-insecure-requests');
  });

  it('upgrades them when the page was served over https (a TLS proxy, behind TRUST_PROXY)', async () => {
    const proxied = await startServer(database, { env: { TRUST_PROXY: 'true' } });
    try {
      const headers = { accept: 'text/html', 'x-forwarded-proto': 'https' };
      expect(directives(await raw(proxied, '/', { headers }))).toContain(
        'upgrade-insecure-requests',
      );
      // The header of an untrusted client is not believed.
      expect(directives(await raw(server, '/', { headers }))).not.toContain(
        'upgrade-insecure-requests',
      );
    } finally {
      await proxied.close();
    }
  });
});
