// The fault harness itself (services.ts): each way of breaking a dependency does what it says,
// so a fault test that passes is not passing because its fault never happened.
import { connect } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createFaultEnvironment } from './services';

const faults = createFaultEnvironment();
afterAll(() => faults.dispose());

function pingThrough(port: number, timeoutMs: number): Promise<'pong' | 'error' | 'timeout'> {
  const redis = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    enableOfflineQueue: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    commandTimeout: timeoutMs,
    connectTimeout: timeoutMs,
  });
  redis.on('error', () => undefined);
  return redis
    .ping()
    .then(
      () => 'pong' as const,
      (error: unknown) =>
        error instanceof Error && /timed out/i.test(error.message)
          ? ('timeout' as const)
          : ('error' as const),
    )
    .finally(() => {
      redis.disconnect();
    });
}

describe('fault harness', () => {
  it('runs a private PostgreSQL that stops, starts and terminates backends', async () => {
    const pg = await faults.postgres();
    expect(await pg.sql('select 1')).toEqual(['1']);
    await pg.stop();
    await expect(pg.sql('select 1')).rejects.toThrow();
    await pg.start();
    expect(await pg.sql('select 1')).toEqual(['1']);
    expect(await pg.terminateBackends()).toBe(0);
  });

  it('runs a private Redis that is killed, restarted, paused and resumed', async () => {
    const redis = await faults.redis();
    expect(await pingThrough(redis.port, 500)).toBe('pong');
    redis.pause();
    expect(await pingThrough(redis.port, 300)).toBe('timeout');
    redis.resume();
    expect(await pingThrough(redis.port, 500)).toBe('pong');
    await redis.kill();
    expect(await pingThrough(redis.port, 300)).toBe('error');
    await redis.restart();
    expect(await pingThrough(redis.port, 500)).toBe('pong');
  });

  it('cuts and restores a TCP proxy', async () => {
    const redis = await faults.redis();
    const proxy = await faults.proxy(redis.port);
    expect(proxy.url(redis.url)).toBe(`redis://127.0.0.1:${proxy.port}`);
    expect(await pingThrough(proxy.port, 500)).toBe('pong');
    proxy.cut();
    expect(await pingThrough(proxy.port, 300)).toBe('error');
    proxy.cut('blackhole');
    expect(await pingThrough(proxy.port, 300)).toBe('timeout');
    proxy.restore();
    expect(await pingThrough(proxy.port, 500)).toBe('pong');
    // A connection held through a blackhole gets its answer once restored.
    const socket = connect(proxy.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    proxy.cut('blackhole');
    const answer = new Promise<string>((resolve) =>
      socket.once('data', (data) => {
        resolve(String(data));
      }),
    );
    socket.write('PING\r\n');
    proxy.restore();
    expect(await answer).toBe('+PONG\r\n');
    socket.destroy();
  });

  it('starts API processes on its services', async () => {
    const pg = await faults.postgres();
    const redis = await faults.redis();
    const api = await faults.api(
      { DATABASE_URL: pg.url(), REDIS_URL: redis.url },
      { output: 'capture' },
    );
    const ready = await fetch(`${api.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(api.running()).toBe(true);
  });
});
