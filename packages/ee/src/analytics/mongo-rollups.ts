import type mongoose from 'mongoose';
import type { Connection, mongo } from 'mongoose';
import { connectMongo } from '../store-files';
import {
  type AskedQuery,
  byProjectDay,
  COUNTERS,
  countIntoDay,
  type DashboardSession,
  type DayIncrement,
  type DayRollup,
  emptyHistogram,
  LATENCY_BOUNDS_MS,
  mergeDays,
  type QueryCount,
  type RollupBackend,
  SLOW_SEARCHES_PER_DAY,
  type SlowSearch,
  type TrackedQuery,
} from './rollups';

type Doc = mongoose.mongo.Document & { _id: string };
type AnyBulkWriteOperation<T extends mongo.Document> = mongo.AnyBulkWriteOperation<T>;

/**
 * Bulk writes go in chunks of this many: FerretDB 1.24 (SQLite backend) stalled, measured here,
 * on one bulk of a few hundred updates to existing documents, and MongoDB loses little by it.
 */
const BULK_CHUNK = 50;

/**
 * Rollups on MongoDB (or FerretDB), beside the documents, in `analytics_*` collections. Every
 * write is an upsert with `$inc`, so processes writing the same day add up; every read is an
 * indexed range over (tenant, day).
 */
export class MongoRollups implements RollupBackend {
  private constructor(private readonly connection: Connection) {}

  static async open(url: string, dbName?: string): Promise<MongoRollups> {
    const rollups = new MongoRollups(await connectMongo(url, dbName));
    await Promise.all([
      rollups.col('days').createIndex({ tenant_id: 1, day: 1 }),
      rollups.col('queries').createIndex({ tenant_id: 1, day: 1 }),
      rollups.col('slow').createIndex({ tenant_id: 1, day: 1, latency_ms: -1 }),
      rollups.col('retrieved').createIndex({ tenant_id: 1, count: -1 }),
    ]);
    return rollups;
  }

  /** Runs the operations in order, BULK_CHUNK at a time; the upserted ids of all of them. */
  private async bulk(name: string, ops: AnyBulkWriteOperation<Doc>[]): Promise<string[]> {
    const upserted: string[] = [];
    for (let i = 0; i < ops.length; i += BULK_CHUNK) {
      const result = await this.col(name).bulkWrite(ops.slice(i, i + BULK_CHUNK), { ordered: true });
      upserted.push(...Object.values(result.upsertedIds).map(String));
    }
    return upserted;
  }

  private col(name: string) {
    return this.connection.db!.collection<Doc>(`analytics_${name}`);
  }

  /** Inserts (not upserts: FerretDB finds an upsert's _id by a scan); a duplicate was claimed before. */
  async claim(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    try {
      await this.col('counted').insertMany(
        ids.map((id) => ({ _id: id })),
        { ordered: false },
      );
      return new Set(ids);
    } catch (err) {
      const errors = (
        err as { writeErrors?: { index: number; code: number }[] | { index: number; code: number } }
      ).writeErrors;
      const list = errors === undefined ? null : Array.isArray(errors) ? errors : [errors];
      if (!list || list.some((e) => e.code !== 11000)) throw err;
      const taken = new Set(list.map((e) => e.index));
      return new Set(ids.filter((_, i) => !taken.has(i)));
    }
  }

  async addToDays(increments: DayIncrement[]): Promise<void> {
    if (increments.length === 0) return;
    await this.bulk(
      'days',
      increments.map((inc) => {
        const $inc: Record<string, number> = {};
        for (const c of COUNTERS) if (inc.counters[c]) $inc[c] = inc.counters[c];
        for (const [bucket, n] of Object.entries(inc.latency_buckets)) $inc[`h${bucket}`] = n;
        return {
          updateOne: {
            filter: { _id: `${inc.tenant_id}|${inc.day}` },
            update: { $setOnInsert: { tenant_id: inc.tenant_id, day: inc.day }, $inc },
            upsert: true,
          },
        };
      }),
    );
  }

  /**
   * Per project and day: one read of the tracked queries (at most TRACKED_QUERIES_PER_DAY), the
   * counting in memory, one bulk write back. Counts of rows that stay are `$inc`remented, so
   * processes counting the same day add up; only places changing hands can race (and
   * space-saving's counts are upper bounds anyway).
   */
  async countQueries(queries: AskedQuery[]): Promise<void> {
    const col = this.col('queries');
    for (const asked of byProjectDay(queries, (q) => q.day)) {
      const { tenant_id, day } = asked[0]!;
      const docs = await col.find({ tenant_id, day }).toArray();
      const before = new Map(docs.map((d) => [d.query as string, d as unknown as TrackedQuery]));
      const { rows, evicted } = countIntoDay(before, asked);
      const id = (query: string) => `${tenant_id}|${day}|${query}`;
      const ops: AnyBulkWriteOperation<Doc>[] = [...evicted].map((query) => ({
        deleteOne: { filter: { _id: id(query) } },
      }));
      for (const [query, row] of rows) {
        const was = before.get(query);
        if (was && was.count === row.count) continue;
        ops.push(
          was && was.overcount === row.overcount
            ? {
                updateOne: {
                  filter: { _id: id(query) },
                  update: {
                    $inc: { count: row.count - was.count, zero_results: row.zero_results - was.zero_results },
                    $max: { latency_ms_max: row.latency_ms_max },
                  },
                },
              }
            : {
                // $set rather than a replacement: FerretDB 1.24 stalls on bulks replacing
                // existing documents (measured here), and a $set says the same.
                updateOne: {
                  filter: { _id: id(query) },
                  update: { $set: { tenant_id, day, query, ...row } },
                  upsert: true,
                },
              },
        );
      }
      await this.bulk('queries', ops);
    }
  }

  async offerSlow(searches: (SlowSearch & { day: string })[]): Promise<void> {
    if (searches.length === 0) return;
    const slow = this.col('slow');
    await this.bulk(
      'slow',
      searches.map((s) => ({
        updateOne: { filter: { _id: s.search_id }, update: { $setOnInsert: s }, upsert: true },
      })),
    );
    const days = new Map(searches.map((s) => [`${s.tenant_id}|${s.day}`, s]));
    for (const { tenant_id, day } of days.values()) {
      const beyond = await slow
        .find({ tenant_id, day })
        .sort({ latency_ms: -1 })
        .skip(SLOW_SEARCHES_PER_DAY)
        .project<{ _id: string }>({ _id: 1 })
        .toArray();
      if (beyond.length) await slow.deleteMany({ _id: { $in: beyond.map((d) => d._id) } });
    }
  }

  async addRetrieved(tenantId: string, counts: Map<string, number>): Promise<void> {
    if (counts.size === 0) return;
    await this.bulk(
      'retrieved',
      [...counts].map(([memoryId, n]) => ({
        updateOne: {
          filter: { _id: `${tenantId}|${memoryId}` },
          update: { $setOnInsert: { tenant_id: tenantId, memory_id: memoryId }, $inc: { count: n } },
          upsert: true,
        },
      })),
    );
  }

  async days(tenantIds: string[], from: string, to: string): Promise<DayRollup[]> {
    const rows = await this.col('days')
      .find({ tenant_id: { $in: tenantIds }, day: { $gte: from, $lte: to } })
      .toArray();
    return mergeDays(
      rows.map((r) => {
        const histogram = emptyHistogram();
        for (let i = 0; i < LATENCY_BOUNDS_MS.length; i++) histogram[i] = (r[`h${i}`] as number) ?? 0;
        return {
          day: r.day as string,
          ...Object.fromEntries(COUNTERS.map((c) => [c, (r[c] as number) ?? 0])),
          latency_histogram: histogram,
        } as DayRollup;
      }),
    );
  }

  async topQueries(tenantIds: string[], from: string, to: string, limit: number): Promise<QueryCount[]> {
    // At most TRACKED_QUERIES_PER_DAY rows per project and day: summed here rather than in an
    // aggregation pipeline, which FerretDB runs with fewer of its stages pushed down.
    const rows = await this.col('queries')
      .find({ tenant_id: { $in: tenantIds }, day: { $gte: from, $lte: to } })
      .toArray();
    const byQuery = new Map<string, QueryCount>();
    for (const r of rows) {
      const q = byQuery.get(r.query as string) ?? {
        query: r.query as string,
        count: 0,
        overcount: 0,
        latency_ms_max: 0,
        zero_results: 0,
      };
      q.count += r.count as number;
      q.overcount += r.overcount as number;
      q.zero_results += r.zero_results as number;
      q.latency_ms_max = Math.max(q.latency_ms_max, r.latency_ms_max as number);
      byQuery.set(q.query, q);
    }
    return [...byQuery.values()]
      .sort((a, b) => b.count - a.count || a.query.localeCompare(b.query))
      .slice(0, limit);
  }

  async slowest(tenantIds: string[], from: string, to: string, limit: number): Promise<SlowSearch[]> {
    const rows = await this.col('slow')
      .find({ tenant_id: { $in: tenantIds }, day: { $gte: from, $lte: to } })
      .sort({ latency_ms: -1 })
      .limit(limit)
      .toArray();
    return rows.map(({ _id, day: _, ...s }) => s as unknown as SlowSearch);
  }

  async mostRetrieved(tenantIds: string[], limit: number) {
    const rows = await this.col('retrieved')
      .find({ tenant_id: { $in: tenantIds } })
      .sort({ count: -1, memory_id: 1 })
      .limit(limit)
      .toArray();
    return rows.map((r) => ({
      memory_id: r.memory_id as string,
      tenant_id: r.tenant_id as string,
      count: r.count as number,
    }));
  }

  retrievedDistinct(tenantIds: string[]): Promise<number> {
    return this.col('retrieved').countDocuments({ tenant_id: { $in: tenantIds } });
  }

  async putSession(hash: string, session: DashboardSession): Promise<void> {
    const sessions = this.col('sessions');
    await sessions.deleteMany({ expires_at: { $lt: new Date().toISOString() } });
    await sessions.insertOne({ _id: hash, ...session });
  }

  async getSession(hash: string): Promise<DashboardSession | null> {
    const doc = await this.col('sessions').findOne({ _id: hash });
    if (!doc) return null;
    const { _id, ...session } = doc;
    return session as unknown as DashboardSession;
  }

  async deleteSession(hash: string): Promise<void> {
    await this.col('sessions').deleteOne({ _id: hash });
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
