import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import { AppError } from '@taskboard/schema';
import { createOutageWarning } from '../redis';

export interface SignInAttempt {
  email: string;
  ip: string;
}

/** Limits failed sign-ins per account and per IP (SPEC.md: e.g. 10 per 15 minutes). */
export interface SignInThrottle {
  /** Throws TOO_MANY_REQUESTS (with retryAfterSeconds) while either limit is reached. */
  check(attempt: SignInAttempt): Promise<void>;
  recordFailure(attempt: SignInAttempt): Promise<void>;
  /** A successful sign-in clears the account's failures. */
  recordSuccess(attempt: SignInAttempt): Promise<void>;
}

/** Failed sign-ins allowed per account, and per client IP, in one window. */
export const SIGN_IN_MAX_FAILURES = 10;
/** A fixed window, starting at the first failure. */
export const SIGN_IN_WINDOW_MS = 15 * 60_000;

type Log = Pick<FastifyBaseLogger, 'warn'>;

export interface SignInThrottleDeps {
  redis: Redis | undefined;
  now: () => Date;
  log: Log;
  /** Redis key prefix (tests use their own namespace). Default `taskboard:signin:`. */
  keyPrefix?: string;
  /** Most counters kept in memory before expired ones are swept and the oldest dropped. */
  maxMemoryEntries?: number;
}

interface Count {
  failures: number;
  /** Milliseconds until the window ends. */
  remainingMs: number;
}

interface CounterStore {
  read(key: string): Promise<Count>;
  increment(key: string): Promise<void>;
  clear(key: string): Promise<void>;
}

/**
 * Counters of failed sign-ins per account (the email, hashed: no addresses in Redis keys)
 * and per client IP (an IPv6 client by its /64, which one host can rotate through at will).
 *
 * With Redis the counters are shared by every instance. When a Redis call fails the
 * throttle falls back to this instance's in-memory counters, which are kept up to date on
 * every call for that purpose. Failing open (no limit) would turn a Redis outage into a
 * window for password guessing; failing closed would lock every user out of signing in.
 * Per-instance counters keep a limit (at worst the limit times the instance count) while
 * sign-in keeps working.
 */
export function createSignInThrottle(deps: SignInThrottleDeps): SignInThrottle {
  const memory = createMemoryStore(deps.now, deps.maxMemoryEntries ?? 100_000);
  const redis = deps.redis;
  const shared = redis ? createRedisStore(redis, deps.keyPrefix ?? 'taskboard:signin:') : null;
  const warnFallback = createOutageWarning(
    deps.log,
    'sign-in throttle: redis failed, using local counters',
  );

  const keysOf = (attempt: SignInAttempt) => ({
    account: `email:${hashEmail(attempt.email)}`,
    ip: `ip:${clientKeyOf(attempt.ip)}`,
  });

  /** Reads from Redis when there is one, from memory when there is not or Redis fails. */
  const read = async (key: string): Promise<Count> => {
    if (shared) {
      try {
        return await shared.read(key);
      } catch (error) {
        warnFallback(error, { action: 'check' });
      }
    }
    return memory.read(key);
  };

  /** Memory always (the fallback must be current when Redis fails), then Redis if any. */
  const write = async (action: string, work: (store: CounterStore) => Promise<unknown>) => {
    await work(memory);
    if (!shared) return;
    try {
      await work(shared);
    } catch (error) {
      warnFallback(error, { action });
    }
  };

  return {
    async check(attempt) {
      const keys = keysOf(attempt);
      const counts = await Promise.all([read(keys.account), read(keys.ip)]);
      const blocked = counts.filter((count) => count.failures >= SIGN_IN_MAX_FAILURES);
      if (blocked.length === 0) return;
      const waitMs = Math.max(...blocked.map((count) => count.remainingMs));
      throw new AppError('TOO_MANY_REQUESTS', 'Too many failed sign-ins; try again later', {
        retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
      });
    },
    async recordFailure(attempt) {
      const keys = keysOf(attempt);
      await write('recordFailure', (store) =>
        Promise.all([store.increment(keys.account), store.increment(keys.ip)]),
      );
    },
    async recordSuccess(attempt) {
      const { account } = keysOf(attempt);
      await write('recordSuccess', (store) => store.clear(account));
    },
  };
}

function hashEmail(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}

/** An IPv4 address as it is; an IPv6 address by its /64 prefix; IPv4-mapped IPv6 as IPv4. */
export function clientKeyOf(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  if (!isIPv6(ip)) return ip;
  const [head = '', tail] = ip.toLowerCase().split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups =
    tail === undefined
      ? headGroups
      : [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups];
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

function createRedisStore(redis: Redis, prefix: string): CounterStore {
  return {
    async read(key) {
      const [failures, ttl] = await Promise.all([
        redis.get(prefix + key),
        redis.pttl(prefix + key),
      ]);
      // -1: a counter without an expiry (its PEXPIRE lost somehow) would block for good.
      if (ttl === -1) await redis.pexpire(prefix + key, SIGN_IN_WINDOW_MS, 'NX');
      const remainingMs = ttl === -1 ? SIGN_IN_WINDOW_MS : Math.max(0, ttl);
      return { failures: failures === null ? 0 : Number(failures), remainingMs };
    },
    async increment(key) {
      // INCR and the window's expiry in one transaction: a counter without an expiry would
      // lock the account for good. NX: only the first failure starts the (fixed) window.
      const results = await redis
        .multi()
        .incr(prefix + key)
        .pexpire(prefix + key, SIGN_IN_WINDOW_MS, 'NX')
        .exec();
      const failed = results?.find(([error]) => error !== null);
      if (!results || failed) throw failed?.[0] ?? new Error('transaction aborted');
    },
    async clear(key) {
      await redis.del(prefix + key);
    },
  };
}

interface MemoryCounter {
  failures: number;
  /** Epoch milliseconds (by the injected clock) when the window ends. */
  resetAt: number;
}

function createMemoryStore(now: () => Date, maxEntries: number): CounterStore {
  const counters = new Map<string, MemoryCounter>();

  const live = (key: string, at: number) => {
    const counter = counters.get(key);
    if (counter && counter.resetAt <= at) {
      counters.delete(key);
      return undefined;
    }
    return counter;
  };

  /** Keeps memory bounded when many addresses fail (an attack): expired first, then oldest. */
  const makeRoom = (at: number) => {
    if (counters.size < maxEntries) return;
    for (const [key, counter] of counters) if (counter.resetAt <= at) counters.delete(key);
    for (const key of counters.keys()) {
      if (counters.size < maxEntries) break;
      counters.delete(key);
    }
  };

  return {
    read(key) {
      const at = now().getTime();
      const counter = live(key, at);
      return Promise.resolve(
        counter
          ? { failures: counter.failures, remainingMs: counter.resetAt - at }
          : { failures: 0, remainingMs: 0 },
      );
    },
    increment(key) {
      const at = now().getTime();
      const counter = live(key, at);
      if (counter) {
        counter.failures += 1;
      } else {
        makeRoom(at);
        counters.set(key, { failures: 1, resetAt: at + SIGN_IN_WINDOW_MS });
      }
      return Promise.resolve();
    },
    clear(key) {
      counters.delete(key);
      return Promise.resolve();
    },
  };
}
