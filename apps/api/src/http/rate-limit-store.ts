import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { RedisBreaker } from '../redis';

/**
 * INCR the client's counter; the first hit of a window sets its expiry. Answers the count and
 * the window's remaining milliseconds (what @fastify/rate-limit's own Redis store does, minus
 * the options this API does not use).
 */
const INCREMENT = `
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) return {current, tonumber(ARGV[1])} end
return {current, redis.call('PTTL', KEYS[1])}`;

/** What the plugin really passes to `child` (its types name the route options instead). */
const childOptionsSchema = z.object({
  routeInfo: z.object({ method: z.union([z.string(), z.array(z.string())]), url: z.string() }),
});

const counterReplySchema = z.tuple([z.number(), z.number()]);

class RedisRateLimitStore implements FastifyRateLimitStore {
  constructor(
    private readonly redis: Redis,
    private readonly breaker: RedisBreaker,
    private readonly prefix: string,
  ) {}

  incr(
    key: string,
    callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
    timeWindow: number,
  ): void {
    this.breaker
      .run(() => this.redis.eval(INCREMENT, 1, this.prefix + key, timeWindow))
      .then(
        (result: unknown) => {
          const parsed = counterReplySchema.safeParse(result);
          if (!parsed.success) {
            callback(new Error('unexpected rate-limit reply from redis'));
            return;
          }
          const [current, ttl] = parsed.data;
          callback(null, { current, ttl });
        },
        (error: unknown) => {
          callback(error instanceof Error ? error : new Error(String(error)));
        },
      );
  }

  /** A route with a limit of its own counts apart from the global limit. */
  child(routeOptions: unknown): FastifyRateLimitStore {
    const route = childOptionsSchema.safeParse(routeOptions).data?.routeInfo;
    const where = route ? `${String(route.method)}${route.url}` : 'route';
    return new RedisRateLimitStore(this.redis, this.breaker, `${this.prefix}${where}-`);
  }
}

/**
 * The global rate limit's counters in Redis (shared by every instance), called through the
 * hot-path breaker: while Redis is sick a request is not held up by it. A failed or skipped
 * call is an error to the plugin, which then lets the request through (`skipOnError`: the
 * rate limit fails open; an outage of Redis must not take the API down with it).
 */
export function redisRateLimitStore(
  redis: Redis,
  breaker: RedisBreaker,
  nameSpace: string,
): FastifyRateLimitStoreCtor {
  return class extends RedisRateLimitStore {
    constructor() {
      super(redis, breaker, nameSpace);
    }
  };
}
