import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

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

/** `GET /metrics` in the Prometheus text format. */
export function registerMetricsRoute(app: FastifyInstance, metrics: Metrics) {
  app.get('/metrics', { config: { rateLimit: false } }, async (_request, reply) => {
    void reply
      .header('content-type', metrics.registry.contentType)
      .header('cache-control', 'no-store');
    return metrics.registry.metrics();
  });
}
