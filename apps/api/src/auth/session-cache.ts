import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { SessionWithUser } from '@taskboard/db';
import { userSchema } from '@taskboard/schema';
import { createOutageWarning, type RedisBreaker } from '../redis';

type Log = Pick<FastifyBaseLogger, 'warn'>;

/**
 * Validated sessions by session id, so that most requests skip the database. Never throws:
 * a cache that fails is a cache miss, and the database answers (fail open to the truth).
 *
 * `delete` leaves a short-lived tombstone rather than just removing the entry: a validation
 * that read the session from the database just before it was revoked cannot put it back
 * into the cache afterwards (`set` never overwrites a tombstone).
 */
export interface SessionCache {
  get(id: string): Promise<SessionWithUser | null>;
  set(id: string, value: SessionWithUser, ttlSeconds: number): Promise<void>;
  delete(ids: readonly string[]): Promise<void>;
}

export interface SessionCacheOptions {
  /** Redis key prefix (tests use their own namespace). Default `taskboard:session:`. */
  keyPrefix?: string;
  /** In-memory mode: most entries kept, least recently used evicted first. Default 10,000. */
  maxEntries?: number;
  /** How long a revoked id stays refused by `set`. Default 60 s. */
  tombstoneSeconds?: number;
  /** Redis mode: how soon a failed eviction is tried again (until it succeeds). Default 1 s. */
  evictionRetryMs?: number;
  /** In-memory mode's clock for entry expiry (real time by default). */
  now?: () => number;
  /**
   * Redis mode: the hot-path breaker. While Redis is hung or down a read is a miss at once
   * (the database answers) instead of waiting out the command timeout.
   */
  breaker?: RedisBreaker;
}

const DEFAULT_KEY_PREFIX = 'taskboard:session:';
const DEFAULT_MAX_ENTRIES = 10_000;
const DEFAULT_TOMBSTONE_SECONDS = 60;
const DEFAULT_EVICTION_RETRY_MS = 1_000;
const TOMBSTONE = 'revoked';

/** JSON has no dates: the cached form carries ISO strings, revived (and checked) on read. */
const dateSchema = z.iso.datetime({ offset: true }).transform((value) => new Date(value));
const cachedSessionSchema = z.object({
  user: userSchema,
  session: z.object({
    id: z.string(),
    userId: z.string(),
    createdAt: dateSchema,
    lastSeenAt: dateSchema,
    expiresAt: dateSchema,
    absoluteExpiresAt: dateSchema,
    userAgent: z.string().nullable(),
  }),
});

/** Redis when configured (shared by every instance, so revocation is seen by all at once); memory otherwise. */
export function createSessionCache(
  redis: Redis | undefined,
  log: Log,
  options: SessionCacheOptions = {},
): SessionCache {
  return redis ? createRedisSessionCache(redis, log, options) : createMemorySessionCache(options);
}

function createRedisSessionCache(
  redis: Redis,
  log: Log,
  options: SessionCacheOptions,
): SessionCache {
  const prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  const tombstoneSeconds = options.tombstoneSeconds ?? DEFAULT_TOMBSTONE_SECONDS;
  const keyOf = (id: string) => `${prefix}${id}`;
  const breaker = options.breaker;
  const guarded = <T>(call: () => Promise<T>): Promise<T> => (breaker ? breaker.run(call) : call());
  const warnReadFailed = createOutageWarning(log, 'session cache read failed; using the database');
  const warnWriteFailed = createOutageWarning(log, 'session cache write failed');
  // Retried until Redis takes it (below), so once per outage is enough to say so.
  const warnEvictionFailed = createOutageWarning(log, 'session cache eviction failed');
  const retryMs = options.evictionRetryMs ?? DEFAULT_EVICTION_RETRY_MS;
  /** Revoked sessions whose tombstone Redis has not taken yet. */
  const pendingEvictions = new Set<string>();
  let retryTimer: NodeJS.Timeout | null = null;

  return {
    async get(id) {
      let raw: string | null;
      try {
        raw = await guarded(() => redis.get(keyOf(id)));
      } catch (error) {
        warnReadFailed(error);
        return null;
      }
      if (raw === null || raw === TOMBSTONE) return null;
      const parsed = parseCached(raw);
      if (!parsed) log.warn('unreadable session cache entry ignored');
      return parsed;
    },
    set(id, value, ttlSeconds) {
      // Not waited for: the request has its answer already, and a failed write only costs a
      // later database read. Sent at once, so it keeps its order with this connection's other
      // commands (a later `delete` still wins). One round trip, atomic: a tombstone (revoked
      // meanwhile) is never overwritten.
      guarded(() =>
        redis.eval(
          SET_UNLESS_TOMBSTONE,
          1,
          keyOf(id),
          JSON.stringify(value),
          ttlSeconds,
          TOMBSTONE,
        ),
      ).catch(warnWriteFailed);
      return Promise.resolve();
    },
    async delete(ids) {
      if (ids.length === 0) return;
      if (!(await writeTombstones(ids))) {
        // The sessions are gone from the database, but a cached copy would let other
        // instances accept them until it expires: the eviction is retried until Redis takes it.
        for (const id of ids) pendingEvictions.add(id);
        scheduleRetry();
      }
    },
  };

  async function writeTombstones(ids: readonly string[]): Promise<boolean> {
    try {
      const pipeline = redis.multi();
      for (const id of ids) pipeline.set(keyOf(id), TOMBSTONE, 'EX', tombstoneSeconds);
      const results = await guarded(() => pipeline.exec());
      const failed = results?.find(([error]) => error !== null);
      if (!results || failed) throw failed?.[0] ?? new Error('transaction aborted');
      return true;
    } catch (error) {
      warnEvictionFailed(error, { sessions: ids.length });
      return false;
    }
  }

  function scheduleRetry() {
    if (retryTimer || redis.status === 'end') return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      const ids = [...pendingEvictions];
      pendingEvictions.clear();
      void writeTombstones(ids).then((ok) => {
        if (ok) return;
        for (const id of ids) pendingEvictions.add(id);
        scheduleRetry();
      });
    }, retryMs);
    retryTimer.unref();
  }
}

const SET_UNLESS_TOMBSTONE = `
if redis.call('GET', KEYS[1]) == ARGV[3] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1`;

function parseCached(raw: string): SessionWithUser | null {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return null;
  }
  const parsed = cachedSessionSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

interface MemoryEntry {
  /** null: a tombstone. */
  value: SessionWithUser | null;
  expiresAt: number;
}

/** One instance, no Redis: a bounded LRU map with per-entry expiry. */
function createMemorySessionCache(options: SessionCacheOptions): SessionCache {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const tombstoneMs = (options.tombstoneSeconds ?? DEFAULT_TOMBSTONE_SECONDS) * 1000;
  const now = options.now ?? (() => performance.now());
  // A Map iterates in insertion order: re-inserting on use makes the first key the least recent.
  const entries = new Map<string, MemoryEntry>();

  const put = (id: string, entry: MemoryEntry) => {
    entries.delete(id);
    entries.set(id, entry);
    while (entries.size > maxEntries) {
      const oldest = entries.keys().next();
      if (oldest.done) break;
      entries.delete(oldest.value);
    }
  };

  return {
    get(id) {
      const entry = entries.get(id);
      if (!entry) return Promise.resolve(null);
      if (entry.expiresAt <= now()) {
        entries.delete(id);
        return Promise.resolve(null);
      }
      if (!entry.value) return Promise.resolve(null);
      put(id, entry);
      // A copy: callers must not be able to change what the next request sees.
      return Promise.resolve(structuredClone(entry.value));
    },
    set(id, value, ttlSeconds) {
      const current = entries.get(id);
      if (current?.value === null && current.expiresAt > now()) return Promise.resolve();
      put(id, { value: structuredClone(value), expiresAt: now() + ttlSeconds * 1000 });
      return Promise.resolve();
    },
    delete(ids) {
      for (const id of ids) put(id, { value: null, expiresAt: now() + tombstoneMs });
      return Promise.resolve();
    },
  };
}
