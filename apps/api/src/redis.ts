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

/** A hot-path call that has not answered after this long counts as Redis being sick. */
export const REDIS_HOT_PATH_TIMEOUT_MS = 100;
/** While the breaker is open, Redis is probed (one PING at a time) this often. */
const BREAKER_PROBE_INTERVAL_MS = 250;

/** Thrown by a breaker's `run` instead of calling Redis while it is open (or when it is slow). */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

/**
 * A circuit breaker in front of Redis for the calls on a request's path (rate limit, session
 * cache, sign-in limits). A hung Redis (SIGSTOP, a stalled network) keeps its connection open
 * and answers nothing: every command would wait out the 1 s command timeout, one after the
 * other on each request. Here a call gets `REDIS_HOT_PATH_TIMEOUT_MS`; one that fails for want
 * of Redis (that deadline, a timeout, a connection that is down) opens the breaker, and from
 * then on calls fail at once without reaching Redis until a background PING answers again.
 * Each caller decides what a failure means (fail open or closed); a Redis reply error (a bad
 * command) is passed on and does not open it.
 */
export interface RedisBreaker {
  /** Runs the call, or rejects at once with RedisUnavailableError while the breaker is open. */
  run<T>(call: () => Promise<T>): Promise<T>;
  /** Whether calls currently go to Redis. */
  isClosed(): boolean;
  /** Stops the probe (on close). */
  stop(): void;
}

export function createRedisBreaker(
  redis: Redis,
  log: Log,
  options: { timeoutMs?: number; probeIntervalMs?: number } = {},
): RedisBreaker {
  const timeoutMs = options.timeoutMs ?? REDIS_HOT_PATH_TIMEOUT_MS;
  const probeIntervalMs = options.probeIntervalMs ?? BREAKER_PROBE_INTERVAL_MS;
  let open = false;
  let probe: NodeJS.Timeout | null = null;
  let probing = false;
  let stopped = false;
  // A loaded machine can trip it for a moment now and then: said at most once per 30 s.
  const warnTripped = createOutageWarning(
    log,
    'redis is not answering: hot-path calls skip it until it does',
  );

  const close = () => {
    if (!open) return;
    open = false;
    if (probe) clearInterval(probe);
    probe = null;
  };
  const trip = (error: unknown) => {
    if (open || stopped) return;
    open = true;
    warnTripped(error);
    probe = setInterval(() => {
      // Only when connected (a reconnect in progress would fail at once anyway), one at a time.
      if (probing || redis.status !== 'ready') return;
      probing = true;
      redis
        .ping()
        .then(close, () => undefined)
        .finally(() => {
          probing = false;
        });
    }, probeIntervalMs);
    probe.unref();
  };

  return {
    async run(call) {
      if (open) throw new RedisUnavailableError('redis is unavailable (circuit open)');
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          reject(new RedisUnavailableError(`redis did not answer within ${timeoutMs} ms`));
        }, timeoutMs);
      });
      try {
        // Called at once (not after an await): commands keep the order they were issued in.
        return await Promise.race([call(), deadline]);
      } catch (error) {
        if (isRedisUnavailable(error)) trip(error);
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
    isClosed: () => !open,
    stop() {
      stopped = true;
      if (probe) clearInterval(probe);
      probe = null;
    },
  };
}

/**
 * Whether a failed call says Redis is unreachable or not answering, rather than that it
 * refused the command (ioredis's ReplyError carries Redis's own error text and no `code`).
 */
function isRedisUnavailable(error: unknown): boolean {
  return error instanceof Error && error.name !== 'ReplyError';
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
