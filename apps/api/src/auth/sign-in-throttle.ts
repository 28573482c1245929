import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { SignInAttempt, SignInThrottle } from '@taskboard/api/host';
import { AppError } from '@taskboard/schema';
import { createOutageWarning, type RedisBreaker } from '../redis';

export type { SignInAttempt, SignInThrottle } from '@taskboard/api/host';

/** Failed sign-ins allowed per account, and per client IP, in one window. */
export const SIGN_IN_MAX_FAILURES = 10;
/** A fixed window, starting at the first failure. */
export const SIGN_IN_WINDOW_MS = 15 * 60_000;

type Log = Pick<FastifyBaseLogger, 'warn'>;

export interface SignInThrottleDeps {
  redis: Redis | undefined;
  /**
   * The hot-path breaker of that Redis: while it is open (Redis hung or down) the shared
   * counters are skipped at once and the local ones answer, instead of each sign-in waiting
   * out Redis's command timeout. Without one, every call goes to Redis.
   */
  breaker?: RedisBreaker | undefined;
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
  /** Adds one and answers the new count. */
  increment(key: string): Promise<Count>;
  /** Takes one back (never creating a counter that has expired meanwhile). */
  decrement(key: string): Promise<void>;
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
 * sign-in keeps working. A hung Redis counts as failed after the breaker's deadline (~100 ms),
 * and then not at all until it answers again.
 */
export function createSignInThrottle(deps: SignInThrottleDeps): SignInThrottle {
  const memory = createMemoryStore(deps.now, deps.maxMemoryEntries ?? 100_000);
  const redis = deps.redis;
  const shared = redis ? createRedisStore(redis, deps.keyPrefix ?? 'taskboard:signin:') : null;
  const warnFallback = createOutageWarning(
    deps.log,
    'sign-in throttle: redis failed, using local counters',
  );

  const keysOf = (attempt: SignInAttempt) => [
    `email:${hashEmail(attempt.email)}`,
    `ip:${clientKeyOf(attempt.ip)}`,
  ];

  /**
   * Applies `work` to memory always (the fallback must be current when Redis fails), then to
   * Redis if there is one; answers both results (Redis's as null when it failed).
   */
  const apply = async <T>(action: string, work: (store: CounterStore) => Promise<T>) => {
    const local = await work(memory);
    if (!shared) return { local, shared: null };
    try {
      const store = shared;
      const result = await (deps.breaker ? deps.breaker.run(() => work(store)) : work(store));
      return { local, shared: result };
    } catch (error) {
      warnFallback(error, { action });
      return { local, shared: null };
    }
  };

  return {
    async begin(attempt) {
      const keys = keysOf(attempt);
      const { local, shared: fromRedis } = await apply('begin', (store) =>
        Promise.all(keys.map((key) => store.increment(key))),
      );
      // The higher of the two counts: Redis's covers every instance, but misses the attempts
      // made while it was skipped (breaker open, a call past its deadline); this instance's
      // own count has those. Otherwise a slow moment of Redis would hand out fresh guesses.
      const counts = local.map((count, index) => {
        const other = fromRedis?.[index];
        return other && other.failures > count.failures ? other : count;
      });
      const blocked = counts.filter((count) => count.failures > SIGN_IN_MAX_FAILURES);
      if (blocked.length === 0) return;
      // Refused attempts are not counted: the limit counts password checks.
      await apply('release', (store) => Promise.all(keys.map((key) => store.decrement(key))));
      const waitMs = Math.max(...blocked.map((count) => count.remainingMs));
      throw new AppError('TOO_MANY_REQUESTS', 'Too many failed sign-ins; try again later', {
        retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
      });
    },
    async succeeded(attempt) {
      const [account = '', ip = ''] = keysOf(attempt);
      await apply('succeeded', (store) => Promise.all([store.clear(account), store.decrement(ip)]));
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

/** DECR only a counter that still exists: an expired one must not come back as -1 for good. */
const DECREMENT_EXISTING = `if redis.call('exists', KEYS[1]) == 1 then return redis.call('decr', KEYS[1]) end return 0`;

function createRedisStore(redis: Redis, prefix: string): CounterStore {
  return {
    async increment(key) {
      // INCR and the window's expiry in one transaction: a counter without an expiry would
      // lock the account for good. NX: only the first failure starts the (fixed) window.
      const results = await redis
        .multi()
        .incr(prefix + key)
        .pexpire(prefix + key, SIGN_IN_WINDOW_MS, 'NX')
        .pttl(prefix + key)
        .exec();
      const failed = results?.find(([error]) => error !== null);
      if (!results || failed) throw failed?.[0] ?? new Error('transaction aborted');
      const failures = results[0]?.[1];
      const ttl = results[2]?.[1];
      return {
        failures: Number(failures),
        remainingMs: typeof ttl === 'number' && ttl > 0 ? ttl : SIGN_IN_WINDOW_MS,
      };
    },
    async decrement(key) {
      await redis.eval(DECREMENT_EXISTING, 1, prefix + key);
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
    increment(key) {
      const at = now().getTime();
      let counter = live(key, at);
      if (counter) {
        counter.failures += 1;
      } else {
        makeRoom(at);
        counter = { failures: 1, resetAt: at + SIGN_IN_WINDOW_MS };
        counters.set(key, counter);
      }
      return Promise.resolve({ failures: counter.failures, remainingMs: counter.resetAt - at });
    },
    decrement(key) {
      const counter = live(key, now().getTime());
      if (counter) counter.failures = Math.max(0, counter.failures - 1);
      return Promise.resolve();
    },
    clear(key) {
      counters.delete(key);
      return Promise.resolve();
    },
  };
}
