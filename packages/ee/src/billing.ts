import {
  EngramError,
  type EngramPlugin,
  invalid,
  type MemoryStore,
  type RouteSpec,
  requireParam,
  validate,
} from '@engram/core';

import { Redis } from 'ioredis';
import { Counter } from 'prom-client';
import { z } from 'zod';
import { PLATFORM_MANAGE } from './admin.routes';
import { PlanBook, type PlanCatalog, PlanEntitlements, StoredUsageMeter } from './plans';
import { TokenBucketRateLimiter } from './rate-limiter';
import type { TenancyStore } from './tenancy-store';
import { totals } from './tenancy-store';

/** Reading one's own project's usage. */
export const USAGE_READ = 'usage:read';

type Open = () => Promise<TenancyStore> | TenancyStore;

/** Rate limits by plan: Redis-backed when `redisUrl` is given, in-process otherwise. */
export function rateLimitPlugin(options: {
  open: Open;
  plans: PlanCatalog;
  redisUrl?: string;
}): EngramPlugin {
  let store: TenancyStore | null = null;
  let redis: Redis | null = null;
  return {
    name: 'ee-rate-limit',
    async setup(ctx) {
      store = await options.open();
      // Fail fast, never queue: a limiter that waits for Redis would hold every request.
      redis = options.redisUrl
        ? new Redis(options.redisUrl, {
            enableOfflineQueue: false,
            maxRetriesPerRequest: 0,
            connectTimeout: 1000,
            commandTimeout: 250,
            lazyConnect: false,
          })
        : null;
      redis?.on('error', () => undefined); // reported by the limiter when a decision falls back
      let fallbacks: Counter | null = null;
      ctx.http.metrics.push((registry) => {
        fallbacks = new Counter({
          name: 'engram_rate_limit_local_fallback_total',
          help: 'Rate-limit decisions made in process because Redis did not answer',
          registers: [registry],
        });
      });
      ctx.provide(
        'rateLimiter',
        new TokenBucketRateLimiter(new PlanBook(store, options.plans), redis, ctx.logger, {
          fallback: () => fallbacks?.inc(),
        }),
      );
    },
    async shutdown() {
      redis?.disconnect();
      await store?.close();
    },
  };
}

const usageQuery = z
  .object({
    from: z.iso.date().describe('First day (UTC), inclusive; default: the first of this month'),
    to: z.iso.date().describe('Last day (UTC), inclusive; default: today'),
    granularity: z.enum(['day']).default('day'),
  })
  .partial({ from: true, to: true });

/** The days asked for: default the first of this month to today; refused when `to` is before `from`. */
function period(query: { from?: string; to?: string }): { from: string; to: string } {
  const today = new Date().toISOString().slice(0, 10);
  const from = query.from ?? `${today.slice(0, 7)}-01`;
  const to = query.to ?? today;
  if (to < from) throw invalid('to', 'must not be before from');
  return { from, to };
}

const dayAfter = (day: string) => new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString();

/**
 * Plans enforced (402 for a spent quota, naming the limit, the usage, the plan and where to
 * upgrade) and usage metered exactly (recorded by event id before each answer), with the usage
 * API and the admin route that sets an organisation's plan.
 */
export function plansPlugin(options: { open: Open; plans: PlanCatalog }): EngramPlugin {
  let store: TenancyStore | null = null;
  let timer: NodeJS.Timeout | null = null;
  return {
    name: 'ee-plans',
    async setup(ctx) {
      const opened = await options.open();
      store = opened;
      const book = new PlanBook(opened, options.plans);
      let memories: () => MemoryStore = () => {
        throw new Error('ports are not ready');
      };
      ctx.onReady((_services, ports) => {
        memories = () => ports.memoryStore;
      });
      ctx.provide('entitlements', new PlanEntitlements(book, opened, () => memories()));
      ctx.provide('usageMeter', new StoredUsageMeter(opened));
      const snapshot = (projectId: string) => snapshotStored(opened, memories(), projectId);
      ctx.http.routes.push(...planRoutes(opened, book, snapshot));
      // Every project's stored memories once a day (the first snapshot of a day is kept).
      const everyProject = async () => {
        for (const p of await opened.listProjects(null)) await snapshot(p.id);
      };
      ctx.onReady(() => {
        timer = setInterval(() => {
          void everyProject().catch((err: unknown) =>
            ctx.logger.warn({ err }, 'stored-memory snapshot failed'),
          );
        }, 3_600_000);
        timer.unref();
      });
    },
    async shutdown() {
      if (timer) clearInterval(timer);
      await store?.close();
    },
  };
}

/** Today's level of a project's stored memories and content bytes, recorded once per day (the id is the day). */
async function snapshotStored(store: TenancyStore, memories: MemoryStore, projectId: string): Promise<void> {
  const at = new Date().toISOString();
  const day = at.slice(0, 10);
  const [count, bytes] = await Promise.all([memories.count(projectId), memories.contentBytes(projectId)]);
  await store.recordUsage([
    {
      id: `stored_${projectId}_${day}`,
      project_id: projectId,
      metric: 'stored_memories',
      quantity: count,
      at,
    },
    { id: `bytes_${projectId}_${day}`, project_id: projectId, metric: 'bytes_stored', quantity: bytes, at },
  ]);
}

/** Daily snapshots: levels, not sums, so left out of the totals and shown as their latest value. */
const LEVELS = new Set(['stored_memories', 'bytes_stored']);

const countedTotals = (rows: { metric: string; quantity: number }[]) =>
  totals(rows.filter((r) => !LEVELS.has(r.metric)));

/** The latest snapshot of each level among the rows (null when none). */
const latestLevels = (rows: { day: string; metric: string; quantity: number }[]) => ({
  stored_memories: rows.filter((r) => r.metric === 'stored_memories').at(-1)?.quantity ?? null,
  bytes_stored: rows.filter((r) => r.metric === 'bytes_stored').at(-1)?.quantity ?? null,
});

function planRoutes(
  store: TenancyStore,
  book: PlanBook,
  snapshot: (projectId: string) => Promise<void>,
): RouteSpec[] {
  const planSchema = z.object({ plan: z.string().min(1) }).strict();
  return [
    {
      method: 'get',
      path: '/usage',
      summary: "This project's usage per day and metric (memories added, searches, batch items)",
      tag: 'usage',
      action: USAGE_READ,
      query: usageQuery,
      handler: async ({ principal, query: raw }) => {
        const { from, to } = period(raw as z.infer<typeof usageQuery>);
        await snapshot(principal.tenant_id);
        const rows = await store.usageByDay(principal.tenant_id, `${from}T00:00:00.000Z`, dayAfter(to));
        const found = await book.of(principal.tenant_id);
        return {
          project_id: principal.tenant_id,
          plan: found?.name ?? null,
          from,
          to,
          granularity: 'day',
          totals: countedTotals(rows),
          ...latestLevels(rows),
          data: rows,
        };
      },
    },
    {
      method: 'get',
      path: '/admin/orgs/:org/usage',
      summary: "An organisation's usage per project, per day and metric (platform admin)",
      tag: 'admin',
      action: PLATFORM_MANAGE,
      query: usageQuery,
      errors: [404],
      handler: async ({ req, query: raw }) => {
        const { from, to } = period(raw as z.infer<typeof usageQuery>);
        const orgId = requireParam(req, 'org');
        if (!(await store.getOrg(orgId)))
          throw new EngramError('not_found', `organization ${orgId} was not found`);
        const projects = await Promise.all(
          (await store.listProjects(orgId)).map(async (p) => {
            const rows = await store.usageByDay(p.id, `${from}T00:00:00.000Z`, dayAfter(to));
            return {
              project_id: p.id,
              name: p.name,
              totals: countedTotals(rows),
              ...latestLevels(rows),
              data: rows,
            };
          }),
        );
        return { org_id: orgId, from, to, totals: countedTotals(projects.flatMap((p) => p.data)), projects };
      },
    },
    {
      method: 'put',
      path: '/admin/orgs/:org/plan',
      summary: "Set an organisation's plan (platform admin; Stripe subscription events do the same)",
      tag: 'admin',
      action: PLATFORM_MANAGE,
      body: planSchema,
      errors: [404],
      handler: async ({ req }) => {
        const { plan } = validate(planSchema, req.body);
        if (!book.catalog.catalog[plan]) {
          throw new EngramError(
            'validation_failed',
            `plan: one of ${Object.keys(book.catalog.catalog).join(', ')}`,
            {
              errors: [{ field: 'plan', message: `one of ${Object.keys(book.catalog.catalog).join(', ')}` }],
            },
          );
        }
        const orgId = requireParam(req, 'org');
        if (!(await store.setPlan(orgId, plan)))
          throw new EngramError('not_found', `organization ${orgId} was not found`);
        book.forget();
        return { org_id: orgId, plan };
      },
    },
  ];
}
