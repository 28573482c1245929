import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';

type Log = Pick<FastifyBaseLogger, 'warn' | 'info'>;

/** A command that has not answered after this long fails (the caller then falls back). */
export const REDIS_COMMAND_TIMEOUT_MS = 1_000;
const CONNECT_TIMEOUT_MS = 2_000;
/** Reconnect attempts back off 100 ms, 200 ms, … up to this and keep trying forever. */
const MAX_RECONNECT_DELAY_MS = 5_000;

/**
 * Connects to Redis for the session cache, sign-in limits, rate limits and event fan-out.
 *
 * Tuned to fail fast during an outage (STACK-NOTES.md): no offline queue and one retry, so a
 * command during an outage rejects at once instead of hanging the request, and every
 * caller decides on purpose whether to fail open or closed. The connection itself keeps
 * retrying in the background with a bounded backoff.
 */
export function connectRedis(url: string, log: Log): Redis {
  const where = redactedUrl(url);
  const redis = new Redis(url, {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
  });

  // Without an 'error' listener ioredis would print every failed reconnect to stderr. During an
  // outage the same error repeats on every attempt: warn once per distinct message, and say
  // when the connection is back.
  let failing = false;
  const reported = new Set<string>();
  redis.on('error', (error: Error) => {
    failing = true;
    if (reported.has(error.message)) return;
    reported.add(error.message);
    log.warn({ redis: where, err: { message: error.message } }, 'redis connection error');
  });
  redis.on('ready', () => {
    if (!failing) return;
    failing = false;
    reported.clear();
    log.info({ redis: where }, 'redis connection restored');
  });
  return redis;
}

/**
 * Closes the connection: politely (QUIT, pending replies first) when it is up, at once when
 * it is not. With the offline queue off, QUIT during an outage rejects and would leave the
 * reconnect timer running, keeping the process alive.
 */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}

/**
 * A warning for a Redis call that failed, at most once per interval: during an outage every
 * request would otherwise log one. The next warning says how many were left out.
 */
export function createOutageWarning(
  log: Pick<FastifyBaseLogger, 'warn'>,
  message: string,
  intervalMs = 30_000,
) {
  let lastAt = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  return (error: unknown, context: Record<string, unknown> = {}) => {
    const at = performance.now();
    if (at - lastAt < intervalMs) {
      suppressed += 1;
      return;
    }
    log.warn({ ...context, err: { message: errorMessage(error) }, suppressed }, message);
    lastAt = at;
    suppressed = 0;
  };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The URL without its password, for logs. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable redis url)';
  }
}
