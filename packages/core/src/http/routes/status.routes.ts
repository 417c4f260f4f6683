import { StatusSchema } from '../../domain/response-schemas';
import { PROBE_TENANT } from '../../domain/types';
import type { Engram } from '../../engram';
import type { Metrics } from '../metrics';
import type { RouteTable } from '../route';

/** Answers are reused for this long: a public status page must not become a way to load the stores. */
const CACHE_MS = 10_000;

type Component = { status: 'operational' | 'unavailable'; latency_ms?: number };

/**
 * GET /v1/status, public and cached: each component's health as a status page shows it.
 * `operational` when every store answers, `degraded` when an index or the queue does not
 * (search answers from the rest), `major_outage` when the memory store does not.
 */
export function statusRoutes(table: RouteTable, engram: Engram, metrics: Metrics): void {
  const { ports } = engram;
  let cached: { at: number; body: unknown } | null = null;
  const probe = async (check: () => Promise<unknown>): Promise<Component> => {
    const started = performance.now();
    try {
      await check();
      return { status: 'operational', latency_ms: Math.round((performance.now() - started) * 10) / 10 };
    } catch {
      return { status: 'unavailable' };
    }
  };
  table.add({
    method: 'get',
    path: '/status',
    summary: "The service's components and their health (public, cached 10 s)",
    tag: 'operations',
    action: 'status:read',
    public: true,
    response: StatusSchema,
    handler: async ({ res }) => {
      res.set('Cache-Control', `public, max-age=${CACHE_MS / 1000}`);
      if (cached && Date.now() - cached.at < CACHE_MS) return cached.body;
      const components = {
        memory_store: await probe(() => ports.memoryStore.count(PROBE_TENANT)),
        vector_index: await probe(() => ports.vectorIndex.has(PROBE_TENANT, 'probe')),
        text_index: await probe(() => ports.textIndex.search(PROBE_TENANT, 'probe', 1, {})),
        graph: await probe(() => ports.graphStore.getEntity(PROBE_TENANT, 'probe')),
        query_logs: await probe(() => ports.logStore.getQuery(PROBE_TENANT, 'probe')),
        background_jobs: await probe(() => ports.jobQueue.deadJobs(PROBE_TENANT, { limit: 1 })),
      };
      for (const [component, { status }] of Object.entries(components)) {
        metrics.dependencyUp.set({ component }, status === 'operational' ? 1 : 0);
      }
      const down = Object.values(components).filter((c) => c.status !== 'operational').length;
      const status =
        components.memory_store.status !== 'operational' ? 'major_outage' : down ? 'degraded' : 'operational';
      const body = {
        status,
        edition: engram.config.edition,
        updated_at: new Date().toISOString(),
        components,
      };
      cached = { at: Date.now(), body };
      return body;
    },
  });
}
