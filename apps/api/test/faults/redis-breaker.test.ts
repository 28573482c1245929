// The hot-path breaker (redis.ts) on a Redis of its own: a hung Redis trips it, and while it is
// open nothing is sent to Redis at all; a refused command does not trip it; it closes by itself
// once Redis answers again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import {
  closeRedis,
  connectRedis,
  createRedisBreaker,
  RedisUnavailableError,
} from '../../src/redis';
import { createFaultEnvironment, waitUntil, type RedisServer } from './services';

const faults = createFaultEnvironment();
const quiet = { warn: () => undefined, info: () => undefined };
let server: RedisServer;
let redis: Redis;

beforeAll(async () => {
  server = await faults.redis();
  redis = connectRedis(server.url, quiet);
  await waitUntil(() => redis.status === 'ready', 'redis to connect');
});

afterAll(async () => {
  server.resume();
  await closeRedis(redis);
  await faults.dispose();
});

describe('the Redis hot-path breaker', () => {
  it('opens on a hung Redis, sends nothing while open, closes when Redis answers', async () => {
    const breaker = createRedisBreaker(redis, quiet);
    try {
      await expect(breaker.run(() => redis.ping())).resolves.toBe('PONG');
      // A refused command is Redis answering: the breaker stays closed.
      await expect(breaker.run(() => redis.call('NO-SUCH-COMMAND'))).rejects.toThrow();
      expect(breaker.isClosed()).toBe(true);

      server.pause();
      await expect(breaker.run(() => redis.ping())).rejects.toBeInstanceOf(RedisUnavailableError);
      expect(breaker.isClosed()).toBe(false);
      let called = false;
      const skipped = breaker.run(() => {
        called = true;
        return redis.ping();
      });
      await expect(skipped).rejects.toBeInstanceOf(RedisUnavailableError);
      expect(called).toBe(false);

      server.resume();
      await waitUntil(() => breaker.isClosed(), 'the breaker to close', 10_000);
      await expect(breaker.run(() => redis.ping())).resolves.toBe('PONG');
    } finally {
      breaker.stop();
    }
  });
});
