// The auth building blocks on their own: session manager (real database, moved clock),
// session cache, sign-in throttle, password hasher, Redis connection, and the small HTTP
// plugins (CSRF guard, health, metrics). Backends follow the vitest project: in-memory on
// `pglite`, real Redis (REDIS_URL, required) on `postgres`.
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createUser } from '@taskboard/db';
import type { DisposableDatabase } from '@taskboard/db/testing';
import { AppError } from '@taskboard/schema';
import { TEST_PASSWORD } from '@taskboard/test-kit';
import { createPasswordHasher } from '../src/auth/passwords';
import { createSessionCache, type SessionCache } from '../src/auth/session-cache';
import {
  createSessionManager,
  sessionIdOf,
  type SessionManager,
  type ValidatedSession,
} from '../src/auth/sessions';
import {
  clientKeyOf,
  createSignInThrottle,
  SIGN_IN_MAX_FAILURES,
  SIGN_IN_WINDOW_MS,
  type SignInThrottle,
} from '../src/auth/sign-in-throttle';
import { registerCsrfGuard } from '../src/http/csrf';
import { contractErrorHandler } from '../src/http/error-contract';
import { restErrors, trpcErrors } from '../src/http/surfaces';
import { registerHealthRoutes } from '../src/http/health';
import { createMetrics, registerMetricsRoute } from '../src/http/metrics';
import { closeRedis, connectRedis, redactedUrl } from '../src/redis';
import { createTestDatabase, engine, testClock } from './support/server';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** Collects warnings instead of printing them. */
function testLog() {
  const warnings: unknown[][] = [];
  return {
    warnings,
    warn: (...args: unknown[]) => {
      warnings.push(args);
    },
    info: () => undefined,
  };
}

const backend = engine === 'postgres' ? 'redis' : 'memory';
// Backend-specific tests are defined only where they apply (never reported as skipped).
const onRedis = backend === 'redis' ? it : null;
const onMemory = backend === 'memory' ? it : null;

function redisUrl(): string {
  const url = process.env.REDIS_URL;
  if (!url)
    throw new Error('REDIS_URL is not set: the postgres project tests against a real Redis.');
  return url;
}

/** A connected client, or undefined in the memory project. */
async function maybeRedis(): Promise<Redis | undefined> {
  if (backend === 'memory') return undefined;
  const redis = connectRedis(redisUrl(), testLog());
  await waitReady(redis);
  return redis;
}

async function waitReady(redis: Redis) {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    redis.once('ready', resolve);
    redis.once('error', reject);
  });
}

/** Every key of this test run lives under one random prefix and is deleted at the end. */
const namespace = `taskboard-test:${randomUUID()}:`;

async function dropNamespace(redis: Redis) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${namespace}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

/** A Redis that is not there (nothing listens on port 1): every command fails fast. */
function deadRedis(log = testLog()) {
  return { redis: connectRedis('redis://:hunter2@127.0.0.1:1', log), log };
}

let redis: Redis | undefined;
let database: DisposableDatabase;

beforeAll(async () => {
  redis = await maybeRedis();
  database = await createTestDatabase();
});

afterAll(async () => {
  if (redis) {
    await dropNamespace(redis);
    await closeRedis(redis);
  }
  await database.dispose();
});

let userCounter = 0;
async function newUser() {
  userCounter += 1;
  return createUser(database.db, {
    email: `user-${userCounter}-${randomUUID()}@example.com`,
    name: `User ${userCounter}`,
    passwordHash: 'not-a-real-hash',
  });
}

async function storedSession(id: string) {
  return database.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

describe(`session manager (${engine}, ${backend} cache)`, () => {
  let clock: ReturnType<typeof testClock>;
  let cache: SessionCache;
  let sessions: SessionManager;

  beforeEach(() => {
    clock = testClock(new Date('2026-03-01T00:00:00Z'));
    cache = createSessionCache(redis, testLog(), {
      keyPrefix: `${namespace}session:`,
      now: () => clock.now().getTime(),
    });
    sessions = createSessionManager({ db: database.db, cache, now: clock.now });
  });

  it('creates a session: random base32 token, SHA-256 id, 30-day idle and 90-day absolute expiry', async () => {
    const user = await newUser();
    const { token, session } = await sessions.create(user.id, 'Vitest'.repeat(200));
    expect(token).toMatch(/^[a-z2-7]{32}$/);
    expect(session.id).toBe(sessionIdOf(token));
    expect(session.id).toMatch(/^[0-9a-f]{64}$/);
    expect(session.id).not.toContain(token);
    expect(session.expiresAt.getTime() - clock.now().getTime()).toBe(30 * DAY);
    expect(session.absoluteExpiresAt.getTime() - clock.now().getTime()).toBe(90 * DAY);
    expect(session.userAgent).toHaveLength(512);
    const row = await storedSession(session.id);
    expect(row?.userId).toBe(user.id);

    const other = await sessions.create(user.id, null);
    expect(other.token).not.toBe(token);
  });

  it('validates a token to its user and session; unknown and malformed tokens are null', async () => {
    const user = await newUser();
    const { token, session } = await sessions.create(user.id, null);
    const validated = await sessions.validate(token);
    expect(validated?.user).toEqual(user);
    expect(validated?.session.id).toBe(session.id);
    expect(validated?.session.expiresAt).toBeInstanceOf(Date);
    // Served from the cache the second time, still with real dates.
    const again = await sessions.validate(token);
    expect(again?.session.createdAt).toBeInstanceOf(Date);
    expect(again?.session.createdAt.getTime()).toBe(session.createdAt.getTime());

    expect(await sessions.validate('a'.repeat(32))).toBeNull();
    expect(await sessions.validate('')).toBeNull();
    expect(await sessions.validate(`${token}x`)).toBeNull();
    expect(await sessions.validate(token.toUpperCase())).toBeNull();
  });

  it('writes lastSeenAt at most once a minute', async () => {
    const user = await newUser();
    const { token, session } = await sessions.create(user.id, null);
    await sessions.validate(token);
    clock.advance(30_000);
    const validated = await sessions.validate(token);
    expect(validated?.session.lastSeenAt.getTime()).toBe(session.createdAt.getTime());
    expect((await storedSession(session.id))?.lastSeenAt.getTime()).toBe(
      session.createdAt.getTime(),
    );

    clock.advance(31_000);
    const later = await sessions.validate(token);
    expect(later?.session.lastSeenAt.getTime()).toBe(clock.now().getTime());
    expect((await storedSession(session.id))?.lastSeenAt.getTime()).toBe(clock.now().getTime());
    // Not renewed: 29 days still remain.
    expect((await storedSession(session.id))?.expiresAt.getTime()).toBe(
      session.expiresAt.getTime(),
    );

    // Within the next minute nothing is written, even though the request comes from the cache.
    const seen = clock.now().getTime();
    clock.advance(59_000);
    await sessions.validate(token);
    expect((await storedSession(session.id))?.lastSeenAt.getTime()).toBe(seen);
  });

  it('slides the idle expiry once fewer than 15 days remain', async () => {
    const user = await newUser();
    const { token, session } = await sessions.create(user.id, null);
    clock.advance(14 * DAY);
    expect((await sessions.validate(token))?.session.expiresAt.getTime()).toBe(
      session.expiresAt.getTime(),
    );

    clock.advance(2 * DAY); // 14 days left
    const renewed = await sessions.validate(token);
    const expected = clock.now().getTime() + 30 * DAY;
    expect(renewed?.session.expiresAt.getTime()).toBe(expected);
    expect((await storedSession(session.id))?.expiresAt.getTime()).toBe(expected);
  });

  it('expires after 30 idle days: null, and the row is gone', async () => {
    const user = await newUser();
    const { token, session } = await sessions.create(user.id, null);
    await sessions.validate(token); // cached
    clock.advance(30 * DAY);
    expect(await sessions.validate(token)).toBeNull();
    expect(await storedSession(session.id)).toBeUndefined();
  });

  it('ends at the absolute lifetime of 90 days however active, renewals capped by it', async () => {
    const user = await newUser();
    const { token, session } = await sessions.create(user.id, null);
    for (let day = 10; day < 90; day += 10) {
      clock.advance(10 * DAY);
      const validated = await sessions.validate(token);
      expect(validated, `day ${day}`).not.toBeNull();
      expect(validated?.session.expiresAt.getTime()).toBeLessThanOrEqual(
        session.absoluteExpiresAt.getTime(),
      );
    }
    // Renewed on day 60 to day 90 (not 90 + 30): capped by the absolute expiry.
    expect((await storedSession(session.id))?.expiresAt.getTime()).toBe(
      session.absoluteExpiresAt.getTime(),
    );
    clock.advance(10 * DAY - 1);
    expect(await sessions.validate(token)).not.toBeNull();
    clock.advance(1);
    expect(await sessions.validate(token)).toBeNull();
    expect(await storedSession(session.id)).toBeUndefined();
  });

  it('revokes one session at once, even when it is cached; only the own one with userId', async () => {
    const user = await newUser();
    const intruder = await newUser();
    const first = await sessions.create(user.id, null);
    const second = await sessions.create(user.id, null);
    await sessions.validate(first.token);
    await sessions.validate(second.token);

    expect(await sessions.revoke(first.session.id, intruder.id)).toBe(false);
    expect(await sessions.validate(first.token)).not.toBeNull();

    expect(await sessions.revoke(first.session.id, user.id)).toBe(true);
    expect(await sessions.validate(first.token)).toBeNull();
    expect(await sessions.validate(second.token)).not.toBeNull();
    expect(await sessions.revoke(first.session.id)).toBe(false);
  });

  it('revokeAll ends every session of the user and no one else’s', async () => {
    const user = await newUser();
    const other = await newUser();
    const tokens = await Promise.all([1, 2, 3].map(() => sessions.create(user.id, null)));
    const others = await sessions.create(other.id, null);
    for (const { token } of tokens) await sessions.validate(token);

    await sessions.revokeAll(user.id);
    for (const { token } of tokens) expect(await sessions.validate(token)).toBeNull();
    expect(await sessions.list(user.id)).toEqual([]);
    expect(await sessions.validate(others.token)).not.toBeNull();
  });

  it('lists only live sessions', async () => {
    const user = await newUser();
    const old = await sessions.create(user.id, 'old');
    clock.advance(20 * DAY);
    const fresh = await sessions.create(user.id, 'fresh');
    clock.advance(11 * DAY); // old: idle 31 days; fresh: 11
    const listed = await sessions.list(user.id);
    expect(listed.map((session) => session.id)).toEqual([fresh.session.id]);
    expect(await sessions.validate(old.token)).toBeNull();
  });

  onRedis?.('revocation on one instance is seen by another at once (shared cache)', async () => {
    const otherCache = createSessionCache(redis, testLog(), {
      keyPrefix: `${namespace}session:`,
    });
    const otherInstance = createSessionManager({
      db: database.db,
      cache: otherCache,
      now: clock.now,
    });
    const user = await newUser();
    const { token, session } = await sessions.create(user.id, null);
    expect(await otherInstance.validate(token)).not.toBeNull(); // cached in Redis now
    expect(await sessions.revoke(session.id)).toBe(true);
    expect(await otherInstance.validate(token)).toBeNull();
  });
});

function sampleSession(): ValidatedSession {
  const at = new Date('2026-03-01T12:00:00.123Z');
  return {
    user: {
      id: randomUUID(),
      email: 'ada@example.com',
      name: 'Ada',
      role: 'user',
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
      lastLoginAt: null,
    },
    session: {
      id: 'f'.repeat(64),
      userId: randomUUID(),
      createdAt: at,
      lastSeenAt: at,
      expiresAt: new Date(at.getTime() + 30 * DAY),
      absoluteExpiresAt: new Date(at.getTime() + 90 * DAY),
      userAgent: null,
    },
  };
}

describe(`session cache (${backend})`, () => {
  let now = 0;
  let cache: SessionCache;
  beforeEach(() => {
    now = 1_000_000;
    cache = createSessionCache(redis, testLog(), {
      keyPrefix: `${namespace}cache:${randomUUID()}:`,
      now: () => now,
      maxEntries: 3,
    });
  });

  it('round-trips a validated session with its dates revived', async () => {
    const value = sampleSession();
    await cache.set('a', value, 60);
    const read = await cache.get('a');
    expect(read).toEqual(value);
    expect(read?.session.expiresAt).toBeInstanceOf(Date);
    expect(await cache.get('missing')).toBeNull();
  });

  it('never lets a revalidation put a revoked session back (tombstone)', async () => {
    await cache.set('a', sampleSession(), 60);
    await cache.delete(['a', 'b']);
    expect(await cache.get('a')).toBeNull();
    await cache.set('a', sampleSession(), 60);
    await cache.set('b', sampleSession(), 60);
    expect(await cache.get('a')).toBeNull();
    expect(await cache.get('b')).toBeNull();
    await cache.delete([]);
  });

  onMemory?.('expires entries by TTL and keeps at most maxEntries (LRU)', async () => {
    await cache.set('a', sampleSession(), 60);
    now += 59_999;
    expect(await cache.get('a')).not.toBeNull();
    now += 1;
    expect(await cache.get('a')).toBeNull();

    for (const id of ['x', 'y', 'z']) await cache.set(id, sampleSession(), 60);
    await cache.get('x'); // x is now the most recent; y the least
    await cache.set('w', sampleSession(), 60);
    expect(await cache.get('y')).toBeNull();
    expect(await cache.get('x')).not.toBeNull();
    expect(await cache.get('z')).not.toBeNull();
    expect(await cache.get('w')).not.toBeNull();
  });

  onMemory?.('hands out copies: changing a result does not change the cache', async () => {
    await cache.set('a', sampleSession(), 60);
    const read = await cache.get('a');
    if (read) read.user.role = 'admin';
    expect((await cache.get('a'))?.user.role).toBe('user');
  });

  onRedis?.(
    'uses a short TTL and ignores (with a warning) entries of the wrong shape',
    async () => {
      const client = redis;
      if (!client) throw new Error('no redis');
      const log = testLog();
      const prefix = `${namespace}shape:`;
      const shaped = createSessionCache(client, log, { keyPrefix: prefix });
      await shaped.set('a', sampleSession(), 60);
      const ttl = await client.ttl(`${prefix}a`);
      expect(ttl).toBeGreaterThan(50);
      expect(ttl).toBeLessThanOrEqual(60);

      await client.set(`${prefix}b`, JSON.stringify({ user: { id: 'x' }, session: {} }), 'EX', 60);
      await client.set(`${prefix}c`, '{not json', 'EX', 60);
      await client.set(
        `${prefix}d`,
        JSON.stringify(sampleSession()).replace(/^\{/, '{"extra":1,'),
        'EX',
        60,
      );
      expect(await shaped.get('b')).toBeNull();
      expect(await shaped.get('c')).toBeNull();
      expect(log.warnings).toHaveLength(2);
      // Unknown extra keys are stripped, not fatal (an older/newer instance may add fields).
      expect(await shaped.get('d')).not.toBeNull();
    },
  );

  it('fails open when Redis is unreachable: misses, no throws, warnings logged', async () => {
    const { redis: dead, log } = deadRedis();
    try {
      const failing = createSessionCache(dead, log);
      await failing.set('a', sampleSession(), 60);
      expect(await failing.get('a')).toBeNull();
      await failing.get('b');
      await failing.delete(['a']);
      // Read and write failures at most once per 30 s each (no log flood); evictions always.
      expect(log.warnings.map(([, message]) => message)).toEqual([
        'session cache write failed',
        'session cache read failed; using the database',
        'session cache eviction failed',
      ]);
      expect(JSON.stringify(log.warnings)).not.toContain('hunter2');
    } finally {
      await closeRedis(dead);
    }
  });
});

describe(`sign-in throttle (${backend})`, () => {
  let clock: ReturnType<typeof testClock>;
  let throttle: SignInThrottle;
  beforeEach(() => {
    clock = testClock();
    throttle = createSignInThrottle({
      redis,
      now: clock.now,
      log: testLog(),
      keyPrefix: `${namespace}signin:${randomUUID()}:`,
    });
  });

  /** `count` attempts that go on to fail (each counted when it begins). */
  async function failures(count: number, attempt: { email: string; ip: string }) {
    for (let i = 0; i < count; i += 1) await throttle.begin(attempt);
  }

  /** Begins an attempt: null when it may go ahead, the refusal otherwise. */
  async function refusal(attempt: { email: string; ip: string }): Promise<AppError | null> {
    try {
      await throttle.begin(attempt);
      return null;
    } catch (error) {
      if (error instanceof AppError) return error;
      throw error;
    }
  }

  it(`allows ${SIGN_IN_MAX_FAILURES} failures per account, then refuses with Retry-After`, async () => {
    const attempt = { email: 'ada@example.com', ip: '10.0.0.1' };
    await failures(SIGN_IN_MAX_FAILURES - 1, attempt);
    expect(await refusal(attempt)).toBeNull(); // the last one allowed
    const error = await refusal(attempt);
    expect(error?.code).toBe('TOO_MANY_REQUESTS');
    expect(error?.retryAfterSeconds).toBeGreaterThan(SIGN_IN_WINDOW_MS / 1000 - 5);
    expect(error?.retryAfterSeconds).toBeLessThanOrEqual(SIGN_IN_WINDOW_MS / 1000);
    // The same account from elsewhere, and in another case, is refused too.
    expect((await refusal({ email: 'ADA@example.com ', ip: '10.9.9.9' }))?.code).toBe(
      'TOO_MANY_REQUESTS',
    );
    // Another account from another address is not.
    expect(await refusal({ email: 'bob@example.com', ip: '10.9.9.9' })).toBeNull();
  });

  it('counts attempts as they begin: simultaneous guesses cannot all pass', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 3 * SIGN_IN_MAX_FAILURES }, (_, i) =>
        refusal({ email: 'burst@example.com', ip: `10.1.0.${i + 1}` }),
      ),
    );
    expect(outcomes.filter((outcome) => outcome === null)).toHaveLength(SIGN_IN_MAX_FAILURES);
    expect(outcomes.filter((outcome) => outcome?.code === 'TOO_MANY_REQUESTS')).toHaveLength(
      2 * SIGN_IN_MAX_FAILURES,
    );
  });

  it('limits failures per IP across accounts', async () => {
    for (let i = 0; i < SIGN_IN_MAX_FAILURES; i += 1) {
      await throttle.begin({ email: `guess-${i}@example.com`, ip: '192.0.2.7' });
    }
    expect((await refusal({ email: 'fresh@example.com', ip: '192.0.2.7' }))?.code).toBe(
      'TOO_MANY_REQUESTS',
    );
    expect(await refusal({ email: 'fresh@example.com', ip: '192.0.2.8' })).toBeNull();
  });

  it('counts an IPv6 client by its /64', async () => {
    expect(clientKeyOf('2001:db8:1:2:3:4:5:6')).toBe(clientKeyOf('2001:0db8:0001:0002::9'));
    expect(clientKeyOf('2001:db8:1:3::1')).not.toBe(clientKeyOf('2001:db8:1:2::1'));
    expect(clientKeyOf('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(clientKeyOf('::1')).toBe('0:0:0:0::/64');
    expect(clientKeyOf('192.0.2.1')).toBe('192.0.2.1');
    for (let i = 0; i < SIGN_IN_MAX_FAILURES; i += 1) {
      await throttle.begin({ email: `v6-${i}@example.com`, ip: `2001:db8:1:2::${i + 1}` });
    }
    expect((await refusal({ email: 'x@example.com', ip: '2001:db8:1:2:ffff::1' }))?.code).toBe(
      'TOO_MANY_REQUESTS',
    );
  });

  it('a successful sign-in clears the account counter and is not counted for its IP', async () => {
    const attempt = { email: 'carol@example.com', ip: '198.51.100.1' };
    await failures(SIGN_IN_MAX_FAILURES - 1, attempt);
    await throttle.begin(attempt);
    await throttle.succeeded(attempt);
    await failures(SIGN_IN_MAX_FAILURES - 1, { email: 'carol@example.com', ip: '198.51.100.2' });
    expect(await refusal({ email: 'carol@example.com', ip: '198.51.100.3' })).toBeNull();
    // The IP keeps its 9 failures: one more attempt is allowed, the next is not.
    expect(await refusal({ email: 'dave@example.com', ip: '198.51.100.1' })).toBeNull();
    expect((await refusal({ email: 'erin@example.com', ip: '198.51.100.1' }))?.code).toBe(
      'TOO_MANY_REQUESTS',
    );
  });

  it('many successful sign-ins from one address (an office) are never throttled', async () => {
    for (let i = 0; i < 3 * SIGN_IN_MAX_FAILURES; i += 1) {
      const attempt = { email: `staff-${i}@example.com`, ip: '198.51.100.50' };
      await throttle.begin(attempt);
      await throttle.succeeded(attempt);
    }
    expect(await refusal({ email: 'late@example.com', ip: '198.51.100.50' })).toBeNull();
  });

  onMemory?.('the window is fixed: 15 minutes after the first failure it opens again', async () => {
    const attempt = { email: 'frank@example.com', ip: '203.0.113.5' };
    await throttle.begin(attempt);
    clock.advance(10 * MINUTE);
    await failures(SIGN_IN_MAX_FAILURES - 1, attempt);
    expect((await refusal(attempt))?.retryAfterSeconds).toBe(5 * 60);
    clock.advance(5 * MINUTE - 1);
    expect(await refusal(attempt)).not.toBeNull();
    clock.advance(1);
    expect(await refusal(attempt)).toBeNull();
  });

  onRedis?.('keeps windowed counters in Redis, without e-mail addresses in keys', async () => {
    const client = redis;
    if (!client) throw new Error('no redis');
    const prefix = `${namespace}signin-keys:`;
    const shared = createSignInThrottle({
      redis: client,
      now: clock.now,
      log: testLog(),
      keyPrefix: prefix,
    });
    await shared.begin({ email: 'grace@example.com', ip: '203.0.113.9' });
    const keys = await client.keys(`${prefix}*`);
    expect(keys).toHaveLength(2);
    expect(keys).toContain(`${prefix}ip:203.0.113.9`);
    expect(keys.some((key) => new RegExp(`^${prefix}email:[0-9a-f]{64}$`).test(key))).toBe(true);
    expect(keys.join()).not.toContain('grace');
    for (const key of keys) {
      expect(await client.get(key)).toBe('1');
      const ttl = await client.pttl(key);
      expect(ttl).toBeGreaterThan(SIGN_IN_WINDOW_MS - 5_000);
      expect(ttl).toBeLessThanOrEqual(SIGN_IN_WINDOW_MS);
    }
    // A second instance sees the same counters.
    const otherInstance = createSignInThrottle({
      redis: client,
      now: clock.now,
      log: testLog(),
      keyPrefix: prefix,
    });
    for (let i = 1; i < SIGN_IN_MAX_FAILURES; i += 1) {
      await otherInstance.begin({
        email: 'grace@example.com',
        ip: `203.0.113.${i + 10}`,
      });
    }
    await expect(shared.begin({ email: 'grace@example.com', ip: '203.0.113.200' })).rejects.toThrow(
      AppError,
    );
    // Failures after the first do not extend the fixed window.
    const emailKey = keys.find((key) => key.includes(':email:'));
    if (!emailKey) throw new Error('no email key');
    expect(await client.pttl(emailKey)).toBeLessThanOrEqual(SIGN_IN_WINDOW_MS);
  });

  it('falls back to local counters when Redis fails, and says so', async () => {
    const { redis: dead, log } = deadRedis();
    try {
      const degraded = createSignInThrottle({ redis: dead, now: clock.now, log });
      const attempt = { email: 'heidi@example.com', ip: '203.0.113.77' };
      for (let i = 1; i < SIGN_IN_MAX_FAILURES; i += 1) await degraded.begin(attempt);
      await expect(degraded.begin(attempt)).resolves.toBeUndefined(); // each counted once
      await expect(degraded.begin(attempt)).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
      expect(log.warnings.length).toBeGreaterThan(0);
      await degraded.succeeded(attempt);
      await expect(degraded.begin({ ...attempt, ip: '203.0.113.78' })).resolves.toBeUndefined();
    } finally {
      await closeRedis(dead);
    }
  });
  it('still counts the failures made while Redis was skipped, once it answers again', async () => {
    // Its own connection, cut and restored: commands fail at once while it is down (no
    // offline queue), as they do while the hot-path breaker is open.
    const flaky = connectRedis(redisUrl(), testLog());
    try {
      await waitReady(flaky);
      const log = testLog();
      const keyPrefix = `${namespace}signin:${randomUUID()}:`;
      const flakyThrottle = createSignInThrottle({
        redis: flaky,
        now: clock.now,
        log,
        keyPrefix,
      });
      const attempt = { email: 'ivan@example.com', ip: '203.0.113.90' };
      await flaky.quit();
      for (let i = 0; i < 4; i += 1) await flakyThrottle.begin(attempt);
      expect(log.warnings.length).toBeGreaterThan(0);
      await flaky.connect();
      await waitReady(flaky);
      for (let i = 4; i < SIGN_IN_MAX_FAILURES; i += 1) await flakyThrottle.begin(attempt);
      // Redis saw 6 failures, this instance all 10: the 11th guess is refused.
      await expect(flakyThrottle.begin(attempt)).rejects.toMatchObject({
        code: 'TOO_MANY_REQUESTS',
      });
    } finally {
      await closeRedis(flaky);
    }
  });
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

describe('password hasher', () => {
  const hasher = createPasswordHasher();

  it('hashes with argon2id, m=19456, t=2, p=1, and verifies', async () => {
    const hash = await hasher.hash(TEST_PASSWORD);
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await hasher.verify(hash, TEST_PASSWORD)).toBe(true);
    expect(await hasher.verify(hash, `${TEST_PASSWORD}r`)).toBe(false);
    expect(await hasher.hash(TEST_PASSWORD)).not.toBe(hash);
  });

  it('verify(null) answers false after as much work as a real check', async () => {
    const hash = await hasher.hash('a real password 1');
    expect(await hasher.verify(null, 'a real password 1')).toBe(false); // warms the dummy hash
    // Interleaved, so that load from other suites running in parallel hits both alike.
    const real: number[] = [];
    const dummy: number[] = [];
    const time = async (into: number[], work: () => Promise<unknown>) => {
      const started = performance.now();
      await work();
      into.push(performance.now() - started);
    };
    for (let i = 0; i < 9; i += 1) {
      await time(real, () => hasher.verify(hash, 'a wrong password'));
      await time(dummy, () => hasher.verify(null, 'a wrong password'));
    }
    const ratio = median(dummy) / median(real);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  it('hashes off the event loop', async () => {
    let ticks = 0;
    const timer = setInterval(() => {
      ticks += 1;
    }, 1);
    try {
      await Promise.all([1, 2, 3, 4].map((i) => hasher.hash(`password number ${i}`)));
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(0);
  });

  it('refuses common passwords, case-insensitively', () => {
    for (const password of [
      'password',
      'PASSWORD',
      '12345678',
      'qwertyui',
      'iloveyou',
      'Password1',
      'sunshine',
      'trustno1',
    ]) {
      expect(hasher.isCommon(password), password).toBe(true);
    }
    // The test kit's password among them: every suite's accounts are registered with it.
    for (const password of [TEST_PASSWORD, 'printer-demo-2026', 'x7#kQ9!vLm2p']) {
      expect(hasher.isCommon(password), password).toBe(false);
    }
  });
});

describe('redis connection', () => {
  it('never logs the password of the URL', () => {
    expect(redactedUrl('redis://user:s3cret@redis.internal:6379/0')).toBe(
      'redis://user:***@redis.internal:6379/0',
    );
    expect(redactedUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });

  it('fails fast during an outage instead of queueing commands', async () => {
    const { redis: dead, log } = deadRedis();
    try {
      const started = performance.now();
      await expect(dead.get('anything')).rejects.toThrow();
      expect(performance.now() - started).toBeLessThan(1_500);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(log.warnings.length).toBe(1); // the same error once, not once per reconnect
      expect(JSON.stringify(log.warnings)).not.toContain('hunter2');
    } finally {
      await closeRedis(dead);
    }
    // Closed for good: no more reconnect attempts.
    let reconnects = 0;
    dead.on('reconnecting', () => {
      reconnects += 1;
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(reconnects).toBe(0);
  });
});

/** Strict: nothing but the contract's fields. */
const restErrorSchema = z.strictObject({
  error: z.strictObject({
    code: z.string(),
    message: z.string().min(1),
    details: z.null(),
    timestamp: z.iso.datetime(),
    path: z.string(),
  }),
});

describe('CSRF guard', () => {
  const origin = 'http://localhost:5173';
  let app: FastifyInstance;
  beforeAll(async () => {
    app = Fastify();
    const allowedOrigins = [origin, 'https://board.example.com/'];
    app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
      done(null, body);
    });
    // As the surface plugins register it: in their scope, answered by the scope's error body.
    await app.register(
      (scope, _options, done) => {
        scope.setErrorHandler(contractErrorHandler(trpcErrors));
        registerCsrfGuard(scope, { allowedOrigins, bodylessWithoutType: false });
        scope.post('/tasks.create', () => ({ ok: true }));
        scope.get('/tasks.list', () => ({ ok: true }));
        done();
      },
      { prefix: '/trpc' },
    );
    await app.register(
      (scope, _options, done) => {
        scope.setErrorHandler(contractErrorHandler(restErrors));
        registerCsrfGuard(scope, { allowedOrigins, bodylessWithoutType: true });
        scope.delete('/projects/:id', () => ({ ok: true }));
        done();
      },
      { prefix: '/api/v1' },
    );
    app.post('/other', () => ({ ok: true }));
    await app.ready();
  });
  afterAll(() => app.close());

  const json = { 'content-type': 'application/json' };
  const post = (headers: Record<string, string>, url = '/trpc/tasks.create') =>
    app.inject({ method: 'POST', url, headers, payload: '{}' });

  it('lets JSON through: with the cookie from an allowed origin or same-origin, or by bearer token', async () => {
    expect((await post({ ...json, cookie: 's=1', origin })).statusCode).toBe(200);
    expect(
      (await post({ ...json, cookie: 's=1', origin: 'https://board.example.com' })).statusCode,
    ).toBe(200);
    expect(
      (await post({ ...json, cookie: 's=1', 'sec-fetch-site': 'same-origin' })).statusCode,
    ).toBe(200);
    expect(
      (await post({ 'content-type': 'application/json; charset=utf-8', authorization: 'Bearer x' }))
        .statusCode,
    ).toBe(200);
    expect(
      (await post({ ...json, authorization: 'Bearer x', origin: 'https://evil.example' }))
        .statusCode,
    ).toBe(200);
    expect(
      (
        await app.inject({
          method: 'GET',
          url: '/trpc/tasks.list',
          headers: { cookie: 's=1', origin: 'https://evil.example' },
        })
      ).statusCode,
    ).toBe(200);
  });

  it('refuses a cookie request from another origin or without one, in the tRPC error shape', async () => {
    for (const headers of [
      { ...json, cookie: 's=1', origin: 'https://evil.example' },
      { ...json, cookie: 's=1' },
      { ...json, cookie: 's=1', origin: 'null' },
      { ...json, cookie: 's=1', 'sec-fetch-site': 'same-site', origin: 'https://evil.example' },
    ]) {
      const response = await post(headers);
      expect(response.statusCode).toBe(403);
      expect(response.json()).toEqual({
        error: {
          message: 'Cross-site request refused',
          code: -32003,
          data: {
            code: 'FORBIDDEN',
            appCode: 'FORBIDDEN',
            httpStatus: 403,
            details: null,
            path: null,
          },
        },
      });
    }
  });

  it('refuses what a form can send (and anything but JSON)', async () => {
    for (const type of [
      'multipart/form-data; boundary=x',
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/jsonp',
    ]) {
      const response = await post({ 'content-type': type, authorization: 'Bearer x' });
      expect(response.statusCode, type).toBe(400);
      expect(response.json()).toMatchObject({
        error: {
          code: -32600,
          data: { code: 'BAD_REQUEST', appCode: 'BAD_REQUEST', httpStatus: 400 },
        },
      });
    }
    const bare = await app.inject({
      method: 'POST',
      url: '/trpc/tasks.create',
      headers: { authorization: 'Bearer x' },
    });
    expect(bare.statusCode).toBe(400);
  });

  it('uses the REST error body under /api/ and lets a body-less DELETE through', async () => {
    const refused = await app.inject({
      method: 'DELETE',
      url: '/api/v1/projects/1?x=1',
      headers: { cookie: 's=1', origin: 'https://evil.example' },
    });
    expect(refused.statusCode).toBe(403);
    const body = restErrorSchema.parse(refused.json());
    expect(body.error).toMatchObject({
      code: 'FORBIDDEN',
      details: null,
      path: '/api/v1/projects/1',
    });
    const allowed = await app.inject({
      method: 'DELETE',
      url: '/api/v1/projects/1',
      headers: { authorization: 'Bearer x' },
    });
    expect(allowed.statusCode).toBe(200);
    const form = await app.inject({
      method: 'DELETE',
      url: '/api/v1/projects/1',
      headers: { authorization: 'Bearer x', 'content-type': 'text/plain' },
      payload: 'x',
    });
    expect(form.statusCode).toBe(400);
    // Outside the API surfaces the guard does nothing.
    expect((await post({ 'content-type': 'text/plain', cookie: 's=1' }, '/other')).statusCode).toBe(
      200,
    );
  });
});

describe('health and metrics routes', () => {
  it('answers /healthz and /readyz with per-check status, 503 and no internals when a check is down', async () => {
    const healthy = Fastify();
    registerHealthRoutes(healthy, { db: database.db, redis });
    expect((await healthy.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await healthy.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({
      status: 'ok',
      checks: { database: 'ok', ...(redis && { redis: 'ok' }) },
    });
    await healthy.close();

    const { redis: dead } = deadRedis();
    const degraded = Fastify();
    registerHealthRoutes(degraded, { db: database.db, redis: dead });
    try {
      const response = await degraded.inject('/readyz');
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({
        status: 'unavailable',
        checks: { database: 'ok', redis: 'down' },
      });
      expect(response.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
    } finally {
      await degraded.close();
      await closeRedis(dead);
    }
  });

  it('serves Prometheus text from a registry of its own', async () => {
    const metrics = createMetrics();
    const second = createMetrics(); // several servers in one process must not clash
    metrics.observeProcedure('tasks.list', 'query', 'ok', 0.012);
    metrics.observeProcedure('tasks.update', 'mutation', 'CONFLICT', 0.003);
    const app = Fastify();
    registerMetricsRoute(app, metrics);
    const response = await app.inject('/metrics');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    const text = response.body;
    expect(text).toContain(
      'taskboard_trpc_requests_total{procedure="tasks.list",type="query",outcome="ok"} 1',
    );
    expect(text).toContain(
      'taskboard_trpc_requests_total{procedure="tasks.update",type="mutation",outcome="CONFLICT"} 1',
    );
    expect(text).toContain(
      'taskboard_trpc_request_duration_seconds_bucket{le="0.025",procedure="tasks.list",type="query"} 1',
    );
    expect(text).toContain('taskboard_open_websockets 0');
    expect(text).toMatch(/nodejs_eventloop_lag_seconds \d/);
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(await second.registry.metrics()).not.toContain('tasks.list');
    await app.close();
  });
});
