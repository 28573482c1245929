// `pnpm test`: checks first, in seconds, what the suites need (PostgreSQL, Redis, Chromium,
// docker-compose) and stops with one line per missing thing and the command that provides it,
// instead of failing minutes later inside an interleaved log (issue 10). Where
// TEST_DATABASE_URL or REDIS_URL is unset it uses the machine's own server on 127.0.0.1 when
// it answers (as `pnpm bench` does). Then runs every task: typecheck, lint, test, test:e2e.
// `--check` stops after the checks (its own test runs it that way).
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { createDatabase } from '@taskboard/db';
import { Redis } from 'ioredis';
import { sql } from 'kysely';

const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';
const LOCAL_REDIS = 'redis://127.0.0.1:6379';
const CHROMIUM = '/usr/bin/chromium';
const TIMEOUT_MS = 3_000;

/** A URL as it may be printed: without its password. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(not a URL)';
  }
}

function messageOf(error: unknown): string {
  if (error instanceof AggregateError) return error.errors.map(messageOf).join(', ');
  if (error instanceof Error) {
    return 'code' in error && typeof error.code === 'string' ? error.code : error.message;
  }
  return String(error);
}

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer in ${TIMEOUT_MS / 1000} s from ${what}`));
    }, TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

/** Undefined when the server answers and may create databases; else why not. */
async function postgresProblem(url: string): Promise<string | undefined> {
  const handle = createDatabase({ databaseUrl: url, poolSize: 1, onPoolError: () => undefined });
  try {
    const { rows } = await withTimeout(
      sql<{ allowed: boolean }>`
        select rolcreatedb or rolsuper as allowed from pg_roles where rolname = current_user
      `.execute(handle.db),
      redact(url),
    );
    return rows[0]?.allowed ? undefined : 'its user may not CREATE DATABASE';
  } catch (error) {
    return messageOf(error);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

async function redisProblem(url: string): Promise<string | undefined> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // connect() rejects with "Connection is closed"; the 'error' event has the cause.
  let cause: unknown;
  redis.on('error', (error) => {
    cause = error;
  });
  try {
    await withTimeout(redis.connect(), redact(url));
    // An error reply (NOAUTH, LOADING) rejects.
    await withTimeout(redis.ping(), redact(url));
    return undefined;
  } catch (error) {
    return messageOf(cause ?? error);
  } finally {
    redis.disconnect();
  }
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function startPostgresCommand(): string {
  const versions = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : [];
  const version = versions[0];
  return version === undefined
    ? 'apt-get install -y postgresql'
    : `pg_ctlcluster ${version} main start`;
}

interface Resolved {
  env: { TEST_DATABASE_URL: string; REDIS_URL: string };
  notes: string[];
  missing: string[];
}

/** Which services the suites will use, and what is missing. */
async function checkTestServices(env: NodeJS.ProcessEnv): Promise<Resolved> {
  const notes: string[] = [];
  const missing: string[] = [];
  const named = (value: string | undefined) => (value === '' ? undefined : value);

  const databaseUrl = named(env.TEST_DATABASE_URL) ?? LOCAL_POSTGRES;
  const redisUrl = named(env.REDIS_URL) ?? LOCAL_REDIS;
  const [pgProblem, redisError] = await Promise.all([
    postgresProblem(databaseUrl),
    redisProblem(redisUrl),
  ]);
  const source = (variable: string, value: string | undefined) =>
    value === undefined ? `the machine's own (${variable} unset)` : variable;

  if (pgProblem === undefined) {
    notes.push(
      `PostgreSQL: ${redact(databaseUrl)}, ${source('TEST_DATABASE_URL', named(env.TEST_DATABASE_URL))}`,
    );
  } else {
    missing.push(
      `PostgreSQL: ${redact(databaseUrl)} (${source('TEST_DATABASE_URL', named(env.TEST_DATABASE_URL))}) fails: ${pgProblem}. ` +
        `Start it: ${startPostgresCommand()}, or set TEST_DATABASE_URL to a server whose user may CREATE DATABASE`,
    );
  }
  if (redisError === undefined) {
    notes.push(`Redis: ${redact(redisUrl)}, ${source('REDIS_URL', named(env.REDIS_URL))}`);
  } else {
    missing.push(
      `Redis: ${redact(redisUrl)} (${source('REDIS_URL', named(env.REDIS_URL))}) fails: ${redisError}. ` +
        `Start it: redis-server --daemonize yes --bind 127.0.0.1 --save '' (apt-get install -y redis-server), or set REDIS_URL`,
    );
  }
  try {
    accessSync(CHROMIUM, constants.X_OK);
  } catch {
    missing.push(
      `Chromium: nothing at ${CHROMIUM} (the browser tests). Install it: apt-get install -y chromium`,
    );
  }
  if (!onPath('docker-compose')) {
    missing.push(
      'docker-compose: not on PATH (validates docker-compose.yml). Install it: apt-get install -y docker-compose',
    );
  }
  return { env: { TEST_DATABASE_URL: databaseUrl, REDIS_URL: redisUrl }, notes, missing };
}

const checkOnly = process.argv.includes('--check');
const passThrough = process.argv.slice(2).filter((arg) => arg !== '--check');

const resolved = await checkTestServices(process.env);
if (resolved.missing.length > 0) {
  for (const line of resolved.missing) console.error(`pnpm test needs ${line}`);
  process.exit(1);
}
for (const line of resolved.notes) console.log(`pnpm test uses ${line}`);
if (!checkOnly) {
  const turbo = spawn(
    'turbo',
    ['run', 'typecheck', 'lint', 'test', 'test:e2e', '--continue', ...passThrough],
    { stdio: 'inherit', env: { ...process.env, ...resolved.env } },
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => turbo.kill(signal));
  }
  turbo.once('exit', (code, signal) => {
    process.exit(code ?? (signal ? 1 : 0));
  });
}
