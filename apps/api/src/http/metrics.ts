import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { bearerTokenOf } from '../auth/bearer-token';
import { sendRestError } from './rest-error';

export interface Metrics {
  /** This server's own registry (not prom-client's global one: tests run several servers). */
  registry: Registry;
  /** Counts one tRPC call and records its latency; `outcome` is `ok` or the tRPC error code. */
  observeProcedure(path: string, type: string, outcome: string, seconds: number): void;
  /** Open WebSocket connections; maintained by the live-updates layer. */
  openWebSockets: Gauge;
  /** WebSockets closed at once for a connection cap (`per_user` or `per_ip`). */
  refusedWebSockets: Counter<'reason'>;
  /** WebSockets closed for not authenticating in time. */
  webSocketAuthTimeouts: Counter;
}

/** Seconds: from a cached session lookup (~1 ms) to a slow board load. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The Prometheus metrics of SPEC.md "Ops": per-procedure request counts and latencies, open
 * WebSockets, and the default process metrics (CPU, memory, GC, event-loop lag).
 */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: 'taskboard_trpc_requests_total',
    help: 'tRPC procedure calls, by procedure, type and outcome (ok or the error code).',
    labelNames: ['procedure', 'type', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'taskboard_trpc_request_duration_seconds',
    help: 'tRPC procedure call duration in seconds, by procedure and type.',
    labelNames: ['procedure', 'type'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const openWebSockets = new Gauge({
    name: 'taskboard_open_websockets',
    help: 'WebSocket connections currently open.',
    registers: [registry],
  });
  openWebSockets.set(0);
  const refusedWebSockets = new Counter({
    name: 'taskboard_websocket_refusals_total',
    help: 'WebSockets closed over a connection cap (4429), by cap: per_user or per_ip.',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  for (const reason of ['per_user', 'per_ip']) refusedWebSockets.inc({ reason }, 0);
  const webSocketAuthTimeouts = new Counter({
    name: 'taskboard_websocket_auth_timeouts_total',
    help: 'WebSockets closed for not authenticating in time (4408).',
    registers: [registry],
  });

  return {
    registry,
    observeProcedure(path, type, outcome, seconds) {
      requests.inc({ procedure: path, type, outcome });
      duration.observe({ procedure: path, type }, seconds);
    },
    openWebSockets,
    refusedWebSockets,
    webSocketAuthTimeouts,
  };
}

export interface MetricsAccess {
  /** `METRICS_TOKEN`: when set, a scraper sends `Authorization: Bearer <token>`. */
  token?: string | undefined;
  /** `TRUST_PROXY`: a proxy (likely on this machine) forwards every request. */
  trustProxy?: boolean;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
/** Headers a reverse proxy adds: such a request only looks local, it came from outside. */
const FORWARDING_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'];

/**
 * Who may read the metrics (they name every procedure, its error rates and the process's
 * memory): with `METRICS_TOKEN`, whoever sends it as a bearer token; without, only a direct
 * connection from this machine's loopback interface that no proxy forwarded (and nobody at
 * all behind `TRUST_PROXY`, where every request may come from a local proxy).
 */
function metricsAccessOf(access: MetricsAccess) {
  const expected = access.token === undefined ? null : digest(access.token);
  return (request: FastifyRequest): 'allowed' | 'unauthorized' | 'hidden' => {
    if (expected !== null) {
      const given = bearerTokenOf(request.headers.authorization) ?? '';
      return timingSafeEqual(digest(given), expected) ? 'allowed' : 'unauthorized';
    }
    if (access.trustProxy) return 'hidden';
    const local = LOOPBACK.has(request.socket.remoteAddress ?? '');
    const forwarded = FORWARDING_HEADERS.some((name) => request.headers[name] !== undefined);
    return local && !forwarded ? 'allowed' : 'hidden';
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * `GET /metrics` in the Prometheus text format, for the readers `metricsAccessOf` lets in;
 * anyone else gets the 404 of any unknown path (or 401 when a token is configured).
 */
export function registerMetricsRoute(
  app: FastifyInstance,
  metrics: Metrics,
  access: MetricsAccess = {},
) {
  const accessOf = metricsAccessOf(access);
  app.get('/metrics', { config: { rateLimit: false } }, async (request, reply) => {
    const verdict = accessOf(request);
    if (verdict === 'unauthorized') {
      void reply.header('www-authenticate', 'Bearer realm="metrics"');
      return sendRestError(reply, request, {
        code: 'UNAUTHORIZED',
        status: 401,
        message: 'Send the metrics token as Authorization: Bearer',
      });
    }
    if (verdict === 'hidden') {
      return sendRestError(reply, request, {
        code: 'NOT_FOUND',
        status: 404,
        message: `No ${request.method} /metrics here`,
      });
    }
    void reply
      .header('content-type', metrics.registry.contentType)
      .header('cache-control', 'no-store');
    return metrics.registry.metrics();
  });
}
