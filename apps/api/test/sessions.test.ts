// Sessions end to end, over real HTTP (SPEC.md "Session", STACK-NOTES.md "Auth"): the token
// and its cookie, idle expiry with sliding renewal, the absolute lifetime, sign-out (one,
// everywhere, one of my other sessions), revocation seen by a second instance, and the
// sign-in throttle. Time moves with an injected clock.
//
// The server trusts X-Forwarded-For here (TRUST_PROXY) so that each test signs in from
// addresses of its own: the per-IP sign-in limit (10 failures per 15 minutes) would otherwise
// make every test's failed sign-ins count against 127.0.0.1 together.
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { DisposableDatabase } from '@taskboard/db/testing';
import { signedInSchema, userSchema } from '@taskboard/schema';
import { TEST_PASSWORD, uniqueEmail } from '@taskboard/test-kit';
import { SESSION_COOKIE } from '../src/context';
import type { AppRouter } from '@taskboard/api/host';
import {
  client,
  createTestDatabase,
  engine,
  errorOf,
  signUp,
  startServer,
  testClock,
  type TestServer,
} from './support/server';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

let database: DisposableDatabase;
let server: TestServer;
const clock = testClock();
const env = { TRUST_PROXY: 'true' };

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startServer(database, { now: clock.now, env });
});

afterAll(async () => {
  await server.close();
  await database.dispose();
});

let addressCounter = 0;
/** A client address no other test uses (TEST-NET-2, then TEST-NET-3). */
function freshIp(): string {
  addressCounter += 1;
  return addressCounter < 250
    ? `198.51.100.${addressCounter}`
    : `203.0.113.${addressCounter - 249}`;
}

/** The typed tRPC client, with headers of our choosing (client address, user agent, token). */
function clientWith(target: { url: string }, headers: Record<string, string>) {
  return createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: `${target.url}/trpc`, headers: () => headers })],
  });
}

interface Raw {
  status: number;
  headers: Headers;
  body: unknown;
}

/** A non-batched tRPC mutation by hand: v11 takes the input itself as the JSON body. */
async function rawMutation(
  target: { url: string },
  path: string,
  input: unknown,
  headers: Record<string, string> = {},
): Promise<Raw> {
  const response = await fetch(`${target.url}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(input),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/** A non-batched tRPC query by hand (GET, input in the query string). */
async function rawQuery(
  target: { url: string },
  path: string,
  headers: Record<string, string> = {},
): Promise<Raw> {
  const response = await fetch(`${target.url}/trpc/${path}`, { headers });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

const resultOf = <T extends z.ZodType>(schema: T) =>
  z.object({ result: z.object({ data: schema }) });
const errorBodySchema = z.object({
  error: z.object({
    message: z.string(),
    data: z.looseObject({ appCode: z.string(), httpStatus: z.number(), details: z.unknown() }),
  }),
});

/** The session cookie set by a response (its whole Set-Cookie line), if any. */
function sessionCookieOf(headers: Headers): string | undefined {
  return headers.getSetCookie().find((line) => line.startsWith(`${SESSION_COOKIE}=`));
}

async function login(email: string, headers: Record<string, string> = {}) {
  const ip = freshIp();
  return clientWith(server, { 'x-forwarded-for': ip, ...headers }).auth.login.mutate({
    email,
    password: TEST_PASSWORD,
  });
}

/** The current session's public row, as `auth.sessions` lists it. */
async function currentSession(token: string) {
  const sessions = await client(server, token).auth.sessions.query();
  const current = sessions.find((session) => session.current);
  if (!current) throw new Error('no current session listed');
  return current;
}

describe('signing up and in', () => {
  it('register answers a token and sets an HttpOnly SameSite=Lax session cookie', async () => {
    const email = uniqueEmail('cookie');
    const response = await rawMutation(
      server,
      'auth.register',
      { email, name: 'Cookie', password: TEST_PASSWORD },
      { origin: 'http://localhost:5173' },
    );
    expect(response.status).toBe(200);
    const { token, expiresAt, user } = resultOf(signedInSchema).parse(response.body).result.data;
    expect(token).toMatch(/^[a-z2-7]{32}$/); // 160 random bits
    expect(user.email).toBe(email);
    expect(JSON.stringify(response.body)).not.toMatch(/password|hash/i);
    expect(new Date(expiresAt).getTime()).toBe(clock.now().getTime() + 30 * DAY);

    const cookie = sessionCookieOf(response.headers);
    expect(cookie).toBeDefined();
    const attributes = (cookie ?? '').split(';').map((part) => part.trim());
    expect(attributes[0]).toBe(`${SESSION_COOKIE}=${token}`);
    expect(attributes).toContain('HttpOnly');
    expect(attributes).toContain('SameSite=Lax');
    expect(attributes).toContain('Path=/');
    expect(attributes).toContain(`Expires=${new Date(expiresAt).toUTCString()}`);
    // COOKIE_SECURE defaults to false under NODE_ENV=test only.
    expect(attributes.includes('Secure')).toBe(server.config.cookieSecure);

    // The cookie alone signs the browser in.
    const me = await rawQuery(server, 'auth.me', { cookie: `${SESSION_COOKIE}=${token}` });
    expect(resultOf(userSchema).parse(me.body).result.data.id).toBe(user.id);
  });

  it('login with a wrong password and with an unknown email answer the same INVALID_CREDENTIALS', async () => {
    const { email } = await signUp(server, 'Creds');
    const attempt = (input: { email: string; password: string }) =>
      errorOf(clientWith(server, { 'x-forwarded-for': freshIp() }).auth.login.mutate(input));
    const wrongPassword = await attempt({ email, password: 'not the password' });
    const unknownEmail = await attempt({ email: uniqueEmail('nobody'), password: TEST_PASSWORD });
    expect(wrongPassword).toEqual({
      code: 'UNAUTHORIZED',
      appCode: 'INVALID_CREDENTIALS',
      httpStatus: 401,
      details: null,
      path: 'auth.login',
    });
    expect(unknownEmail).toEqual(wrongPassword);

    // The message too (read from the raw body, which errorOf does not return).
    const messages = await Promise.all(
      [
        { email, password: 'not the password' },
        { email: uniqueEmail('nobody'), password: TEST_PASSWORD },
      ].map(async (input) => {
        const response = await rawMutation(server, 'auth.login', input, {
          'x-forwarded-for': freshIp(),
        });
        expect(response.status).toBe(401);
        return errorBodySchema.parse(response.body).error.message;
      }),
    );
    expect(messages[0]).toBe(messages[1]);
    expect(messages[0]).not.toMatch(/password is|no such|unknown|not found/i);

    // Email is matched case-insensitively; each sign-in is a new session with a new token.
    const signedIn = await clientWith(server, { 'x-forwarded-for': freshIp() }).auth.login.mutate({
      email: ` ${email.toUpperCase()} `,
      password: TEST_PASSWORD,
    });
    expect(signedIn.user.email).toBe(email);
    expect(signedIn.user.lastLoginAt).toBe(clock.now().toISOString());
  });

  it('me works with the bearer token and with the session cookie; a bad credential is UNAUTHORIZED', async () => {
    const { token, user } = await signUp(server, 'Both');
    expect((await client(server, token).auth.me.query()).id).toBe(user.id);

    const byCookie = await rawQuery(server, 'auth.me', { cookie: `${SESSION_COOKIE}=${token}` });
    expect(byCookie.status).toBe(200);
    expect(resultOf(userSchema).parse(byCookie.body).result.data.id).toBe(user.id);

    expect(await errorOf(client(server).auth.me.query())).toMatchObject({
      appCode: 'UNAUTHORIZED',
      httpStatus: 401,
    });
    expect(await errorOf(client(server, 'a'.repeat(32)).auth.me.query())).toMatchObject({
      appCode: 'UNAUTHORIZED',
    });
    // A dead cookie is answered UNAUTHORIZED and cleared.
    const deadCookie = await rawQuery(server, 'auth.me', {
      cookie: `${SESSION_COOKIE}=${'b'.repeat(32)}`,
    });
    expect(deadCookie.status).toBe(401);
    const cleared = sessionCookieOf(deadCookie.headers) ?? '';
    expect(cleared).toMatch(new RegExp(`^${SESSION_COOKIE}=;`));
    expect(cleared).toContain('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  });
});

describe('expiry', () => {
  it('a session unused for 31 days is dead (idle expiry 30 days)', async () => {
    const { api } = await signUp(server, 'Idle');
    await api.auth.me.query();
    clock.advance(31 * DAY);
    expect(await errorOf(api.auth.me.query())).toMatchObject({
      appCode: 'UNAUTHORIZED',
      httpStatus: 401,
    });
  });

  it('slides: renewed once less than 15 days remain, so an active session outlives 30 days', async () => {
    const { token, api } = await signUp(server, 'Slide');
    const start = clock.now().getTime();
    expect(new Date((await currentSession(token)).expiresAt).getTime()).toBe(start + 30 * DAY);

    // 16 days of 30 left: not renewed yet.
    clock.advance(14 * DAY);
    expect(new Date((await currentSession(token)).expiresAt).getTime()).toBe(start + 30 * DAY);

    // 14 days left: renewed to 30 days from now.
    clock.advance(2 * DAY);
    await api.auth.me.query();
    expect(new Date((await currentSession(token)).expiresAt).getTime()).toBe(
      start + 16 * DAY + 30 * DAY,
    );

    // Day 32: past the first expiry, still valid.
    clock.advance(16 * DAY);
    expect((await api.auth.me.query()).name).toBe('Slide');

    // A cookie request gets the cookie again with the renewed expiry.
    clock.advance(16 * DAY);
    const byCookie = await rawQuery(server, 'auth.me', { cookie: `${SESSION_COOKIE}=${token}` });
    expect(byCookie.status).toBe(200);
    const renewed = new Date((await currentSession(token)).expiresAt);
    expect(renewed.getTime()).toBe(start + 48 * DAY + 30 * DAY);
    expect(sessionCookieOf(byCookie.headers)).toContain(`Expires=${renewed.toUTCString()}`);
  });

  it('ends at the absolute lifetime of 90 days, however active the session is', async () => {
    const { token, api } = await signUp(server, 'Forever');
    const start = clock.now().getTime();
    for (let day = 14; day <= 84; day += 14) {
      clock.advance(14 * DAY);
      expect((await api.auth.me.query()).name, `day ${day}`).toBe('Forever');
    }
    // Renewal never goes past the absolute limit.
    expect(new Date((await currentSession(token)).expiresAt).getTime()).toBe(start + 90 * DAY);
    clock.advance(5 * DAY); // day 89
    await api.auth.me.query();
    clock.advance(DAY); // day 90
    expect(await errorOf(api.auth.me.query())).toMatchObject({ appCode: 'UNAUTHORIZED' });
  });
});

describe('signing out', () => {
  it('logout revokes this session only', async () => {
    const { token, email } = await signUp(server, 'Out');
    const other = await login(email);
    expect(await client(server, token).auth.logout.mutate()).toEqual({ ok: true });
    expect(await errorOf(client(server, token).auth.me.query())).toMatchObject({
      appCode: 'UNAUTHORIZED',
    });
    expect(await errorOf(client(server, token).auth.logout.mutate())).toMatchObject({
      appCode: 'UNAUTHORIZED',
    });
    expect((await client(server, other.token).auth.me.query()).email).toBe(email);
  });

  it('logout by cookie clears the cookie', async () => {
    const { token } = await signUp(server, 'CookieOut');
    const response = await rawMutation(server, 'auth.logout', null, {
      cookie: `${SESSION_COOKIE}=${token}`,
      origin: 'http://localhost:5173',
    });
    expect(response.status).toBe(200);
    expect(sessionCookieOf(response.headers)).toMatch(new RegExp(`^${SESSION_COOKIE}=;`));
    expect(await errorOf(client(server, token).auth.me.query())).toMatchObject({
      appCode: 'UNAUTHORIZED',
    });
  });

  it("logoutAll revokes every session of the user, not another user's", async () => {
    const ada = await signUp(server, 'Everywhere');
    const second = await login(ada.email);
    const third = await login(ada.email);
    const bob = await signUp(server, 'Bystander');

    expect(await client(server, second.token).auth.logoutAll.mutate()).toEqual({ ok: true });
    for (const token of [ada.token, second.token, third.token]) {
      expect(await errorOf(client(server, token).auth.me.query())).toMatchObject({
        appCode: 'UNAUTHORIZED',
      });
    }
    expect((await bob.api.auth.me.query()).id).toBe(bob.user.id);
    const rows = await database.db
      .selectFrom('sessions')
      .select('id')
      .where('userId', '=', ada.user.id)
      .execute();
    expect(rows).toEqual([]);
  });
});

describe('listing and revoking sessions', () => {
  it('auth.sessions lists my live sessions with the current one flagged and their user agents', async () => {
    const ada = await signUp(server, 'Lister');
    const laptop = await login(ada.email, { 'user-agent': 'Board/1.0 (laptop)' });
    const bot = await login(ada.email, { 'user-agent': 'ci-bot/2.1' });
    await signUp(server, 'NotListed');

    const sessions = await client(server, laptop.token).auth.sessions.query();
    expect(sessions).toHaveLength(3);
    const current = sessions.filter((session) => session.current);
    expect(current).toHaveLength(1);
    expect(current[0]?.userAgent).toBe('Board/1.0 (laptop)');
    expect(sessions.map((session) => session.userAgent)).toContain('ci-bot/2.1');
    for (const session of sessions) {
      expect(session.id).toMatch(/^[0-9a-f]{64}$/); // the token's hash, never the token
      expect([ada.token, laptop.token, bot.token]).not.toContain(session.id);
      expect(new Date(session.expiresAt).getTime()).toBe(clock.now().getTime() + 30 * DAY);
    }
    // Listed from another session, the flag moves.
    const fromBot = await client(server, bot.token).auth.sessions.query();
    expect(fromBot.find((session) => session.current)?.userAgent).toBe('ci-bot/2.1');
  });

  it("revokeSession ends one of my sessions; another user's session id is NOT_FOUND", async () => {
    const ada = await signUp(server, 'Revoker');
    const tablet = await login(ada.email, { 'user-agent': 'Tablet' });
    const eve = await signUp(server, 'Victim');
    const [eveSession] = await eve.api.auth.sessions.query();
    if (!eveSession) throw new Error('eve has no session');

    expect(await errorOf(ada.api.auth.revokeSession.mutate({ id: eveSession.id }))).toMatchObject({
      appCode: 'NOT_FOUND',
      httpStatus: 404,
    });
    expect((await eve.api.auth.me.query()).id).toBe(eve.user.id);
    expect(await errorOf(ada.api.auth.revokeSession.mutate({ id: 'f'.repeat(64) }))).toMatchObject({
      appCode: 'NOT_FOUND',
    });

    const tabletSession = (await ada.api.auth.sessions.query()).find(
      (session) => session.userAgent === 'Tablet',
    );
    if (!tabletSession) throw new Error('tablet session not listed');
    expect(await ada.api.auth.revokeSession.mutate({ id: tabletSession.id })).toEqual({
      id: tabletSession.id,
    });
    expect(await errorOf(client(server, tablet.token).auth.me.query())).toMatchObject({
      appCode: 'UNAUTHORIZED',
    });
    expect((await ada.api.auth.me.query()).id).toBe(ada.user.id);
  });
});

describe('several API instances', () => {
  // On `postgres` both instances share Redis: the session cache (which B fills on its first
  // validation) and the revocation tombstone A writes to it. On `pglite` there is no Redis, so
  // each instance has its own in-memory cache and nothing tells B to drop its cached copy
  // before its TTL (60 s): a deployment without Redis is one instance by definition (SPEC.md
  // "Configuration"; PGlite is embedded in one process), so there B validates the token only
  // after the revocation.
  it('a session revoked on instance A is refused on instance B at once', async () => {
    const b = await startServer(database, { now: clock.now, env });
    try {
      const ada = await signUp(server, 'TwoInstances');
      const second = await login(ada.email);
      if (engine === 'postgres') {
        expect((await client(b, ada.token).auth.me.query()).id).toBe(ada.user.id);
        expect((await client(b, second.token).auth.me.query()).id).toBe(ada.user.id);
      }

      await client(server, ada.token).auth.logout.mutate();
      expect(await errorOf(client(b, ada.token).auth.me.query())).toMatchObject({
        appCode: 'UNAUTHORIZED',
      });
      expect((await client(b, second.token).auth.me.query()).id).toBe(ada.user.id);

      // And the other way round, for sign-out everywhere.
      await client(b, second.token).auth.logoutAll.mutate();
      expect(await errorOf(client(server, second.token).auth.me.query())).toMatchObject({
        appCode: 'UNAUTHORIZED',
      });
    } finally {
      await b.close();
    }
  });
});

describe('sign-in throttle (10 failures per 15 minutes, per account and per IP)', () => {
  const retryAfterOf = (response: Raw) => Number(response.headers.get('retry-after'));

  // The in-memory throttle (pglite) reads the injected clock, so its window can be moved past.
  // The Redis one (postgres) keeps its window as a key TTL in Redis's real time, which the
  // test clock cannot move: there the window's end is only checked through Retry-After (and
  // the window itself by auth-units.test.ts against a short-lived counter).
  const windowMovable = engine === 'pglite';

  it('20 simultaneous guesses at one account: 10 are checked, the rest refused unchecked', async () => {
    const { email } = await signUp(server, 'Burst');
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        rawMutation(
          server,
          'auth.login',
          { email, password: `simultaneous guess ${i}` },
          { 'x-forwarded-for': freshIp() },
        ),
      ),
    );
    const codes = responses.map(
      (response) => errorBodySchema.parse(response.body).error.data.appCode,
    );
    expect(codes.filter((code) => code === 'INVALID_CREDENTIALS')).toHaveLength(10);
    expect(codes.filter((code) => code === 'TOO_MANY_REQUESTS')).toHaveLength(10);
  });

  it('the 11th attempt on an account, even with the right password, is TOO_MANY_REQUESTS with Retry-After', async () => {
    const { email } = await signUp(server, 'Throttled');
    for (let i = 1; i <= 10; i += 1) {
      const response = await rawMutation(
        server,
        'auth.login',
        { email, password: `wrong password ${i}` },
        { 'x-forwarded-for': freshIp() }, // a new address each time: the account limit trips
      );
      expect(errorBodySchema.parse(response.body).error.data.appCode, `attempt ${i}`).toBe(
        'INVALID_CREDENTIALS',
      );
    }
    const refused = await rawMutation(
      server,
      'auth.login',
      { email, password: TEST_PASSWORD },
      { 'x-forwarded-for': freshIp() },
    );
    expect(refused.status).toBe(429);
    expect(errorBodySchema.parse(refused.body).error.data).toEqual({
      code: 'TOO_MANY_REQUESTS',
      appCode: 'TOO_MANY_REQUESTS',
      httpStatus: 429,
      details: null,
      path: 'auth.login',
    });
    expect(sessionCookieOf(refused.headers)).toBeUndefined();
    const retryAfter = retryAfterOf(refused);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    if (windowMovable) expect(retryAfter).toBe(15 * 60);

    if (!windowMovable) return;
    clock.advance(15 * MINUTE - 1_000);
    const stillRefused = await rawMutation(
      server,
      'auth.login',
      { email, password: TEST_PASSWORD },
      { 'x-forwarded-for': freshIp() },
    );
    expect(stillRefused.status).toBe(429);
    expect(retryAfterOf(stillRefused)).toBe(1);
    clock.advance(1_000);
    const signedIn = await clientWith(server, { 'x-forwarded-for': freshIp() }).auth.login.mutate({
      email,
      password: TEST_PASSWORD,
    });
    expect(signedIn.user.email).toBe(email);
  });

  it('10 failures from one address, over different accounts, block that address for every account', async () => {
    const victim = await signUp(server, 'SameIp');
    const attacker = freshIp();
    for (let i = 1; i <= 10; i += 1) {
      const response = await rawMutation(
        server,
        'auth.login',
        { email: uniqueEmail(`spray${i}`), password: TEST_PASSWORD },
        { 'x-forwarded-for': attacker },
      );
      expect(errorBodySchema.parse(response.body).error.data.appCode, `attempt ${i}`).toBe(
        'INVALID_CREDENTIALS',
      );
    }
    const refused = await rawMutation(
      server,
      'auth.login',
      { email: victim.email, password: TEST_PASSWORD },
      { 'x-forwarded-for': attacker },
    );
    expect(refused.status).toBe(429);
    expect(errorBodySchema.parse(refused.body).error.data.appCode).toBe('TOO_MANY_REQUESTS');
    expect(retryAfterOf(refused)).toBeGreaterThanOrEqual(1);
    expect(retryAfterOf(refused)).toBeLessThanOrEqual(15 * 60);

    // The account itself is not locked: from another address it signs in.
    const elsewhere = await clientWith(server, { 'x-forwarded-for': freshIp() }).auth.login.mutate({
      email: victim.email,
      password: TEST_PASSWORD,
    });
    expect(elsewhere.user.id).toBe(victim.user.id);

    if (!windowMovable) return;
    clock.advance(15 * MINUTE);
    const later = await clientWith(server, { 'x-forwarded-for': attacker }).auth.login.mutate({
      email: victim.email,
      password: TEST_PASSWORD,
    });
    expect(later.user.id).toBe(victim.user.id);
  });
});
