import type { MemoryStore, WebhookStore } from '@engram/core';
import type { PlanBook } from '../plans';
import type { TenancyStore } from '../tenancy-store';
import { COUNTERS, type DayRollup, emptyHistogram, latencyQuantile, type RollupBackend } from './rollups';

export interface OverviewScope {
  /** The projects (tenants) summed. */
  projects: { id: string; name: string }[];
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;
const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00.000Z`) + n * DAY_MS).toISOString().slice(0, 10);

/** Every day of the range, in order (a day without searches is a day of zeros, not a gap). */
export function daysOf(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
  return days;
}

const rate = (part: number, whole: number) => (whole ? Math.round((part / whole) * 10_000) / 10_000 : null);

export interface OverviewSources {
  rollups: RollupBackend;
  memoryStore: MemoryStore;
  webhookStore: WebhookStore;
  /** With plans enforced: each project's plan and its month's usage. */
  plans?: { book: PlanBook; store: TenancyStore };
}

/**
 * The dashboard's overview of a range: read from the rollups (a fixed number of rows per
 * project and day, whatever the number of searches logged), the memory store's counts and the
 * webhook deliveries.
 */
export async function overview(sources: OverviewSources, scope: OverviewScope) {
  const tenantIds = scope.projects.map((p) => p.id);
  const today = new Date().toISOString().slice(0, 10);
  const [inRange, after, top, slowest, retrieved, retrievedDistinct, stored] = await Promise.all([
    sources.rollups.days(tenantIds, scope.from, scope.to),
    scope.to < today ? sources.rollups.days(tenantIds, addDays(scope.to, 1), today) : Promise.resolve([]),
    sources.rollups.topQueries(tenantIds, scope.from, scope.to, 20),
    sources.rollups.slowest(tenantIds, scope.from, scope.to, 20),
    sources.rollups.mostRetrieved(tenantIds, 10),
    sources.rollups.retrievedDistinct(tenantIds),
    Promise.all(tenantIds.map((t) => sources.memoryStore.count(t))).then((n) => n.reduce((a, b) => a + b, 0)),
  ]);
  const total = inRange.reduce(sumInto, emptyDay(''));
  // Memories stored at the end of each day: today's count less what was added since.
  const netAfter = after.reduce((n, d) => n + d.memories_added - d.memories_deleted, 0);
  const byDay = new Map(inRange.map((d) => [d.day, d]));
  let storedAtEnd = stored - netAfter;
  const days = daysOf(scope.from, scope.to)
    .reverse()
    .map((day) => {
      const d = byDay.get(day) ?? emptyDay(day);
      const row = {
        day,
        searches: d.searches,
        zero_results: d.zero_results,
        latency_ms_p50: latencyQuantile(d.latency_histogram, 0.5),
        latency_ms_p95: latencyQuantile(d.latency_histogram, 0.95),
        feedback_searches: d.feedback_searches,
        memories_added: d.memories_added,
        memories_deleted: d.memories_deleted,
        memories_stored: storedAtEnd,
      };
      storedAtEnd -= d.memories_added - d.memories_deleted;
      return row;
    })
    .reverse();
  const contents = await memoryContents(sources.memoryStore, retrieved);
  return {
    from: scope.from,
    to: scope.to,
    projects: scope.projects,
    totals: {
      searches: total.searches,
      zero_results: total.zero_results,
      zero_result_rate: rate(total.zero_results, total.searches),
      latency_ms_p50: latencyQuantile(total.latency_histogram, 0.5),
      latency_ms_p95: latencyQuantile(total.latency_histogram, 0.95),
      latency_ms_mean: total.searches
        ? Math.round((total.latency_ms_sum / total.searches) * 100) / 100
        : null,
      results_per_search: total.searches
        ? Math.round((total.results_sum / total.searches) * 100) / 100
        : null,
      feedback_rate: rate(total.feedback_searches, total.searches),
      feedback_positive: total.feedback_positive,
      feedback_negative: total.feedback_negative,
      memories_added: total.memories_added,
      memories_deleted: total.memories_deleted,
      memories_stored: stored,
      memories_never_retrieved: Math.max(0, stored - retrievedDistinct),
    },
    days,
    top_queries: top,
    slowest,
    most_retrieved: retrieved.map((r) => ({ ...r, content: contents.get(r.memory_id) ?? null })),
    usage: sources.plans ? await usage(sources.plans, scope.projects, stored) : null,
    webhooks: await webhookFailures(sources.webhookStore, tenantIds),
  };
}

function emptyDay(day: string): DayRollup {
  return {
    day,
    ...(Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Omit<DayRollup, 'day' | 'latency_histogram'>),
    latency_histogram: emptyHistogram(),
  };
}

function sumInto(into: DayRollup, d: DayRollup): DayRollup {
  for (const c of COUNTERS) into[c] += d[c];
  d.latency_histogram.forEach((n, i) => {
    into.latency_histogram[i] = (into.latency_histogram[i] ?? 0) + n;
  });
  return into;
}

async function memoryContents(store: MemoryStore, rows: { tenant_id: string; memory_id: string }[]) {
  const byTenant = new Map<string, string[]>();
  for (const r of rows) byTenant.set(r.tenant_id, [...(byTenant.get(r.tenant_id) ?? []), r.memory_id]);
  const found = await Promise.all([...byTenant].map(([tenant, ids]) => store.getMany(tenant, ids)));
  return new Map(found.flat().map((m) => [m.id, m.content.slice(0, 200)]));
}

/** This month's use of each quota the plan sets, summed over the projects shown. */
async function usage(
  plans: NonNullable<OverviewSources['plans']>,
  projects: { id: string }[],
  stored: number,
) {
  const month = new Date().toISOString().slice(0, 7);
  const used: Record<string, number> = {};
  const limits = { memories_per_month: 0, searches_per_month: 0, stored_memories: 0 } as Record<
    string,
    number | null
  >;
  let planName: string | null = null;
  for (const p of projects) {
    const found = await plans.book.of(p.id);
    planName = found?.name ?? planName;
    for (const row of await plans.store.usageByDay(
      p.id,
      `${month}-01T00:00:00.000Z`,
      '9999-12-31T00:00:00.000Z',
    )) {
      used[row.metric] = (used[row.metric] ?? 0) + row.quantity;
    }
    for (const key of Object.keys(limits)) {
      const limit = found?.plan[key as 'stored_memories'] ?? null;
      limits[key] = limit === null || limits[key] === null ? null : limits[key]! + limit;
    }
  }
  return {
    plan: planName,
    month,
    quotas: [
      { metric: 'searches_per_month', used: used.searches ?? 0, limit: limits.searches_per_month },
      { metric: 'memories_per_month', used: used.memories_added ?? 0, limit: limits.memories_per_month },
      { metric: 'stored_memories', used: stored, limit: limits.stored_memories },
    ],
  };
}

/** Webhook deliveries that gave up, and those still retrying, over each subscription's latest 100. */
async function webhookFailures(store: WebhookStore, tenantIds: string[]) {
  const deliveries = (
    await Promise.all(
      tenantIds.map(async (tenant) => {
        const subscriptions = await store.listSubscriptions(tenant);
        const pages = await Promise.all(
          subscriptions.map((s) => store.listDeliveries(tenant, s.id, { limit: 100 })),
        );
        return pages.flatMap((p) => p.data);
      }),
    )
  ).flat();
  const failed = deliveries.filter((d) => d.status === 'failed');
  return {
    deliveries: deliveries.length,
    failed: failed.length,
    retrying: deliveries.filter((d) => d.status === 'pending' && d.attempts > 0).length,
    recent_failures: failed
      .sort((a, b) => b.updated_at.localeCompare(a.updated_at))
      .slice(0, 10)
      .map(({ id, tenant_id, url, event, attempts, last_status_code, last_error, updated_at }) => ({
        id,
        tenant_id,
        url,
        event,
        attempts,
        last_status_code,
        last_error,
        updated_at,
      })),
  };
}
