import type { Feedback, MemoryRetrievalLog, QueryLog } from '@engram/core';

/**
 * Upper bounds (ms) of the latency histogram kept per project and day. Percentiles over any
 * range are read from summed histograms, so they cost the same at a thousand logged searches as
 * at a million; the price is resolution: a percentile is reported as its bucket's upper bound.
 */
export const LATENCY_BOUNDS_MS = [
  1,
  2,
  3,
  5,
  7,
  10,
  15,
  20,
  30,
  50,
  70,
  100,
  150,
  200,
  300,
  500,
  700,
  1000,
  1500,
  2000,
  3000,
  5000,
  10000,
  Number.POSITIVE_INFINITY,
];

export function latencyBucket(ms: number): number {
  const i = LATENCY_BOUNDS_MS.findIndex((bound) => ms <= bound);
  return i === -1 ? LATENCY_BOUNDS_MS.length - 1 : i;
}

/** The upper bound of the bucket holding the q-quantile (null when nothing was counted). */
export function latencyQuantile(histogram: number[], q: number): number | null {
  const total = histogram.reduce((s, n) => s + n, 0);
  if (total === 0) return null;
  const rank = Math.ceil(q * total);
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i] ?? 0;
    if (seen >= rank) return Number.isFinite(LATENCY_BOUNDS_MS[i]!) ? LATENCY_BOUNDS_MS[i]! : null;
  }
  return null;
}

/** Counters of one project's day; summed across projects and days for any range. */
export interface DayCounters {
  searches: number;
  zero_results: number;
  latency_ms_sum: number;
  results_sum: number;
  /** Searches that received feedback, counted on the day of their first feedback. */
  feedback_searches: number;
  feedback_positive: number;
  feedback_negative: number;
  memories_added: number;
  memories_deleted: number;
}

export const COUNTERS: (keyof DayCounters)[] = [
  'searches',
  'zero_results',
  'latency_ms_sum',
  'results_sum',
  'feedback_searches',
  'feedback_positive',
  'feedback_negative',
  'memories_added',
  'memories_deleted',
];

export interface DayRollup extends DayCounters {
  day: string;
  /** Searches per latency bucket (LATENCY_BOUNDS_MS). */
  latency_histogram: number[];
}

export interface QueryCount {
  query: string;
  count: number;
  /** How much `count` may overstate (space-saving): 0 when the query was tracked all along. */
  overcount: number;
  latency_ms_max: number;
  zero_results: number;
}

export interface SlowSearch {
  search_id: string;
  tenant_id: string;
  query: string;
  latency_ms: number;
  result_count: number;
  created_at: string;
}

/** One search's query, as the rollup of frequent queries counts it. */
export interface AskedQuery {
  tenant_id: string;
  day: string;
  /** Normalised (normaliseQuery). */
  query: string;
  latency_ms: number;
  zero: boolean;
}

/** One increment of a day: its counters and latency buckets. */
export interface DayIncrement {
  tenant_id: string;
  day: string;
  counters: Partial<DayCounters>;
  latency_buckets: Record<number, number>;
}

/** Most distinct queries tracked per project and day (the heavy hitters; space-saving beyond). */
export const TRACKED_QUERIES_PER_DAY = 200;
/** Slowest searches kept per project and day. */
export const SLOW_SEARCHES_PER_DAY = 20;

/**
 * Where rollups live: the same small set of operations on SQLite and on MongoDB. Writes are
 * increments; `claim` makes them exactly-once per log record (a retried flush, a replayed batch
 * or a second process counts nothing twice).
 */
export interface RollupBackend {
  /** Marks ids as counted; returns those that were not counted before. */
  claim(ids: string[]): Promise<Set<string>>;
  addToDays(increments: DayIncrement[]): Promise<void>;
  /** Counts each query once on its project's day (space-saving over TRACKED_QUERIES_PER_DAY). */
  countQueries(queries: AskedQuery[]): Promise<void>;
  /** Keeps each search that is among its day's SLOW_SEARCHES_PER_DAY slowest. */
  offerSlow(searches: (SlowSearch & { day: string })[]): Promise<void>;
  addRetrieved(tenantId: string, counts: Map<string, number>): Promise<void>;

  days(tenantIds: string[], from: string, to: string): Promise<DayRollup[]>;
  topQueries(tenantIds: string[], from: string, to: string, limit: number): Promise<QueryCount[]>;
  slowest(tenantIds: string[], from: string, to: string, limit: number): Promise<SlowSearch[]>;
  mostRetrieved(
    tenantIds: string[],
    limit: number,
  ): Promise<{ memory_id: string; tenant_id: string; count: number }[]>;
  /** How many distinct memories were ever returned by a search. */
  retrievedDistinct(tenantIds: string[]): Promise<number>;

  putSession(hash: string, session: DashboardSession): Promise<void>;
  getSession(hash: string): Promise<DashboardSession | null>;
  deleteSession(hash: string): Promise<void>;
  close(): Promise<void>;
}

export interface DashboardSession {
  tenant_id: string;
  subject: string;
  role: string | null;
  expires_at: string;
}

const dayOf = (iso: string) => iso.slice(0, 10);

export type TrackedQuery = Omit<QueryCount, 'query'>;

/**
 * Space-saving (Metwally et al.) over one day's tracked queries, in memory: a query already
 * tracked is counted; a new one takes a free place, or the place of the least counted query,
 * inheriting its count as an upper bound (`overcount` says how much may be borrowed). Returns
 * the day's rows after `asked`, and the queries that lost their place.
 */
export function countIntoDay(
  tracked: Map<string, TrackedQuery>,
  asked: Pick<AskedQuery, 'query' | 'latency_ms' | 'zero'>[],
  capacity = TRACKED_QUERIES_PER_DAY,
): { rows: Map<string, TrackedQuery>; evicted: Set<string> } {
  const rows = new Map([...tracked].map(([q, row]) => [q, { ...row }]));
  const evicted = new Set<string>();
  for (const a of asked) {
    const z = a.zero ? 1 : 0;
    const row = rows.get(a.query);
    if (row) {
      row.count++;
      row.zero_results += z;
      row.latency_ms_max = Math.max(row.latency_ms_max, a.latency_ms);
      continue;
    }
    if (rows.size < capacity) {
      rows.set(a.query, { count: 1, overcount: 0, latency_ms_max: a.latency_ms, zero_results: z });
      continue;
    }
    let least: [string, TrackedQuery] | null = null;
    for (const entry of rows) if (!least || entry[1].count < least[1].count) least = entry;
    rows.delete(least![0]);
    evicted.add(least![0]);
    const floor = least![1].count;
    rows.set(a.query, { count: floor + 1, overcount: floor, latency_ms_max: a.latency_ms, zero_results: z });
  }
  for (const q of rows.keys()) evicted.delete(q);
  return { rows, evicted };
}

/** Queries are grouped as people would read them: trimmed, lower case, spaces collapsed. */
export const normaliseQuery = (q: string) => q.trim().toLowerCase().replace(/\s+/g, ' ').slice(0, 200);

/**
 * Keeps the rollups as logs are written: searches, their latency, zero results, the queries
 * asked, the slowest searches, which memories came back, feedback and memory growth. Every
 * record is claimed by id first, so repeating a write changes nothing.
 */
export class Rollups {
  constructor(readonly backend: RollupBackend) {}

  async recordSearches(queries: QueryLog[], retrievals: MemoryRetrievalLog[]): Promise<void> {
    if (queries.length === 0) return;
    const fresh = await this.backend.claim(queries.map((q) => `q:${q.id}`));
    const counted = queries.filter((q) => fresh.has(`q:${q.id}`));
    if (counted.length === 0) return;
    const days = new Map<string, DayIncrement>();
    for (const q of counted) {
      const inc = increment(days, q.tenant_id, dayOf(q.created_at));
      add(inc, 'searches', 1);
      add(inc, 'zero_results', q.result_count === 0 ? 1 : 0);
      add(inc, 'latency_ms_sum', q.latency_ms);
      add(inc, 'results_sum', q.result_count);
      const bucket = latencyBucket(q.latency_ms);
      inc.latency_buckets[bucket] = (inc.latency_buckets[bucket] ?? 0) + 1;
    }
    await this.backend.addToDays([...days.values()]);
    await this.backend.countQueries(
      counted.map((q) => ({
        tenant_id: q.tenant_id,
        day: dayOf(q.created_at),
        query: normaliseQuery(q.query),
        latency_ms: q.latency_ms,
        zero: q.result_count === 0,
      })),
    );
    // Only a batch's slowest few per day can be among that day's slowest.
    await this.backend.offerSlow(
      slowestPerDay(counted).map((q) => ({
        day: dayOf(q.created_at),
        search_id: q.id,
        tenant_id: q.tenant_id,
        query: q.query.slice(0, 500),
        latency_ms: q.latency_ms,
        result_count: q.result_count,
        created_at: q.created_at,
      })),
    );
    const searches = new Set(counted.map((q) => q.id));
    const byTenant = new Map<string, Map<string, number>>();
    for (const r of retrievals) {
      if (!searches.has(r.search_id)) continue;
      const counts = byTenant.get(r.tenant_id) ?? new Map<string, number>();
      counts.set(r.memory_id, (counts.get(r.memory_id) ?? 0) + 1);
      byTenant.set(r.tenant_id, counts);
    }
    for (const [tenant, counts] of byTenant) await this.backend.addRetrieved(tenant, counts);
  }

  async recordFeedback(feedback: Feedback): Promise<void> {
    const fresh = await this.backend.claim([`f:${feedback.id}`, `fs:${feedback.search_id}`]);
    if (!fresh.has(`f:${feedback.id}`)) return;
    const days = new Map<string, DayIncrement>();
    const inc = increment(days, feedback.tenant_id, dayOf(feedback.created_at));
    add(inc, feedback.signal === 'positive' ? 'feedback_positive' : 'feedback_negative', 1);
    if (fresh.has(`fs:${feedback.search_id}`)) add(inc, 'feedback_searches', 1);
    await this.backend.addToDays([inc]);
  }

  /** A memory stored or deleted (by id, so a replayed batch counts it once). */
  async recordMemory(
    kind: 'added' | 'deleted',
    tenantId: string,
    memoryId: string,
    at: string,
  ): Promise<void> {
    const fresh = await this.backend.claim([`${kind === 'added' ? 'a' : 'd'}:${memoryId}`]);
    if (fresh.size === 0) return;
    await this.backend.addToDays([
      {
        tenant_id: tenantId,
        day: dayOf(at),
        counters: { [kind === 'added' ? 'memories_added' : 'memories_deleted']: 1 },
        latency_buckets: {},
      },
    ]);
  }

  /** Memories removed by forgetting a user (counted as reported: the hook names no ids). */
  async recordForgotten(tenantId: string, deleted: number, at: string): Promise<void> {
    if (deleted === 0) return;
    await this.backend.addToDays([
      { tenant_id: tenantId, day: dayOf(at), counters: { memories_deleted: deleted }, latency_buckets: {} },
    ]);
  }
}

/** Items grouped by project and day (`day` says an item's day). */
export function byProjectDay<T extends { tenant_id: string }>(items: T[], day: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = `${item.tenant_id}|${day(item)}`;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return [...groups.values()];
}

function slowestPerDay(queries: QueryLog[]): QueryLog[] {
  return byProjectDay(queries, (q) => dayOf(q.created_at)).flatMap((day) =>
    day.sort((a, b) => b.latency_ms - a.latency_ms).slice(0, SLOW_SEARCHES_PER_DAY),
  );
}

function increment(days: Map<string, DayIncrement>, tenantId: string, day: string): DayIncrement {
  const key = `${tenantId}|${day}`;
  let inc = days.get(key);
  if (!inc) {
    inc = { tenant_id: tenantId, day, counters: {}, latency_buckets: {} };
    days.set(key, inc);
  }
  return inc;
}

function add(inc: DayIncrement, counter: keyof DayCounters, n: number): void {
  inc.counters[counter] = (inc.counters[counter] ?? 0) + n;
}

/** Sums per-project rows of the same day. */
export function mergeDays(rows: DayRollup[]): DayRollup[] {
  const byDay = new Map<string, DayRollup>();
  for (const row of rows) {
    const into = byDay.get(row.day);
    if (!into) {
      byDay.set(row.day, { ...row, latency_histogram: [...row.latency_histogram] });
      continue;
    }
    for (const c of COUNTERS) into[c] += row[c];
    row.latency_histogram.forEach((n, i) => {
      into.latency_histogram[i] = (into.latency_histogram[i] ?? 0) + n;
    });
  }
  return [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day));
}

export const emptyHistogram = () => new Array<number>(LATENCY_BOUNDS_MS.length).fill(0);
