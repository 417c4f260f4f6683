import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics for one server; a registry per app so tests can run several. `tier` is the
 * caller's service tier when a plugin sets `res.locals.tier` (the cloud's plan), else `none`:
 * what per-plan SLOs are computed from.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'engram_' });
  return {
    registry,
    requests: new Counter({
      name: 'engram_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status', 'tier'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'engram_http_request_duration_seconds',
      help: 'HTTP request latency by route',
      labelNames: ['method', 'route', 'tier'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [registry],
    }),
    memoriesAdded: new Counter({
      name: 'engram_memories_added_total',
      help: 'Memories added',
      registers: [registry],
    }),
    searches: new Counter({ name: 'engram_searches_total', help: 'Searches served', registers: [registry] }),
    dependencyUp: new Gauge({
      name: 'engram_dependency_up',
      help: 'Whether each store answered its last health probe (1) or not (0); probed by /v1/status',
      labelNames: ['component'],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
