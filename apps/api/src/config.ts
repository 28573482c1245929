import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const DEVELOPMENT_ENVS = new Set(['development', 'test']);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('production'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATA_DIR: z.string().min(1).default('./.data'),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  ALLOWED_ORIGINS: z
    .string()
    .default('http://localhost:5173,http://localhost:3000')
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url()).min(1)),
  COOKIE_SECURE: z.stringbool().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Prefix of every Redis key and channel, so deployments (or test runs) can share a Redis. */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[\w:.-]{1,64}$/)
    .default('taskboard:'),
  /** Set when a reverse proxy fronts the API, so X-Forwarded-For names the client. */
  TRUST_PROXY: z.stringbool().default(false),
  /**
   * How often live connections' sessions are checked against the database again (a revocation
   * whose announcement was lost still ends them), and the longest a cached session is trusted.
   */
  SESSION_RECHECK_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** Requests per minute per client IP across the API (sign-in has its own, stricter limits). */
  RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(1200),
  /** Open WebSockets per user on one instance (every tab and device of the user together). */
  LIVE_MAX_CONNECTIONS_PER_USER: z.coerce.number().int().min(1).default(20),
  /** Open WebSockets per client address on one instance, signed in or not. */
  LIVE_MAX_CONNECTIONS_PER_IP: z.coerce.number().int().min(1).default(100),
  /** A WebSocket that has not authenticated within this many seconds is closed (4408). */
  LIVE_AUTH_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(600).default(10),
  /**
   * Lets a scraper read /metrics from anywhere with `Authorization: Bearer <token>`; unset,
   * /metrics answers only direct connections from this machine (http/metrics.ts).
   */
  METRICS_TOKEN: z.string().min(16).max(256).optional(),
  /** The web app's production build, served at `/`. Default: apps/web/dist of this checkout. */
  WEB_DIST_DIR: z
    .string()
    .min(1)
    .default(fileURLToPath(new URL('../../web/dist', import.meta.url))),
});

export interface Config {
  env: 'development' | 'test' | 'production';
  databaseUrl: string | undefined;
  dataDir: string;
  redisUrl: string | undefined;
  redisKeyPrefix: string;
  port: number;
  host: string;
  allowedOrigins: string[];
  cookieSecure: boolean;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  rateLimitMax: number;
  liveMaxConnectionsPerUser: number;
  liveMaxConnectionsPerIp: number;
  liveAuthTimeoutMs: number;
  metricsToken: string | undefined;
  sessionRecheckSeconds: number;
  trustProxy: boolean;
  webDistDir: string;
}

/** Thrown for an invalid environment; its message is one line naming the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads the configuration of SPEC.md from the environment. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  // An empty variable counts as unset, as in most shells' `VAR= command`.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = issue?.path.join('.') ?? 'environment';
    throw new ConfigError(`Invalid ${variable}: ${issue?.message ?? 'invalid value'}`);
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    port: e.PORT,
    host: e.HOST,
    allowedOrigins: e.ALLOWED_ORIGINS,
    cookieSecure: e.COOKIE_SECURE ?? !DEVELOPMENT_ENVS.has(e.NODE_ENV),
    logLevel: e.LOG_LEVEL,
    rateLimitMax: e.RATE_LIMIT_MAX,
    liveMaxConnectionsPerUser: e.LIVE_MAX_CONNECTIONS_PER_USER,
    liveMaxConnectionsPerIp: e.LIVE_MAX_CONNECTIONS_PER_IP,
    liveAuthTimeoutMs: e.LIVE_AUTH_TIMEOUT_SECONDS * 1000,
    metricsToken: e.METRICS_TOKEN,
    sessionRecheckSeconds: e.SESSION_RECHECK_SECONDS,
    trustProxy: e.TRUST_PROXY,
    webDistDir: e.WEB_DIST_DIR,
  };
}
