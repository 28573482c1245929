/** PostgreSQL's SQLSTATE for a unique-constraint violation (both `pg` and PGlite expose it). */
const UNIQUE_VIOLATION = '23505';

export function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    error.code === UNIQUE_VIOLATION
  );
}

/** SQLSTATEs after which a transaction may simply be run again: serialization failure, deadlock. */
const RETRYABLE = new Set(['40001', '40P01']);

export function isRetryableTransactionError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string' &&
    RETRYABLE.has(error.code)
  );
}

/**
 * SQLSTATEs (or their classes) of a database that cannot serve now, though nothing is wrong
 * with the request: class 08 (connection exception), class 53 (insufficient resources: disk
 * full 53100, out of memory, too many connections), 57P01/57P02 (administrator or crash
 * shutdown: our backend was terminated), 57P03 (cannot connect now: starting up or shutting
 * down).
 */
const UNAVAILABLE_CLASSES = ['08', '53'];
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03']);

/** Node's socket errors: the server is not there, or the connection to it broke. */
const UNAVAILABLE_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * What node-postgres, pg-pool, PGlite and Kysely say, without a code, when the connection is
 * gone, cannot be had in time, or the database handle is closed (during a shutdown).
 */
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/,
  /is not queryable/,
  /^timeout exceeded when trying to connect$/,
  /^Cannot use a pool after calling end on the pool$/,
  /^PGlite is closed$/,
  /^driver has already been destroyed$/,
];

/**
 * Whether an error (or any error in its `cause` chain, or in an AggregateError) says the
 * database is down or unreachable rather than that the statement was wrong: such a failure is
 * answered SERVICE_UNAVAILABLE with Retry-After, not INTERNAL_SERVER_ERROR.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0 && seen.size < 20) {
    const current = pending.pop();
    if (typeof current !== 'object' || current === null || seen.has(current)) continue;
    seen.add(current);
    if ('code' in current && typeof current.code === 'string') {
      const code = current.code;
      if (UNAVAILABLE_STATES.has(code) || UNAVAILABLE_SOCKET_CODES.has(code)) return true;
      if (code.length === 5 && UNAVAILABLE_CLASSES.includes(code.slice(0, 2))) return true;
    }
    if (current instanceof Error && UNAVAILABLE_MESSAGES.some((re) => re.test(current.message))) {
      return true;
    }
    if ('cause' in current) pending.push(current.cause);
    if (current instanceof AggregateError) {
      const inner: unknown[] = current.errors;
      pending.push(...inner);
    }
  }
  return false;
}
