import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  COUNTERS,
  type DashboardSession,
  type DayIncrement,
  type DayRollup,
  emptyHistogram,
  mergeDays,
  type QueryCount,
  type RollupBackend,
  SLOW_SEARCHES_PER_DAY,
  type SlowSearch,
  TRACKED_QUERIES_PER_DAY,
} from './rollups';

const placeholders = (n: number) => new Array(n).fill('?').join(', ');

/** Rollups in their own SQLite file beside the data (the embedded and single-node cloud). */
export class SqliteRollups implements RollupBackend {
  private readonly db: Database.Database;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS counted (id TEXT PRIMARY KEY) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS days (
        tenant_id TEXT NOT NULL, day TEXT NOT NULL,
        ${COUNTERS.map((c) => `${c} REAL NOT NULL DEFAULT 0`).join(', ')},
        latency_histogram TEXT NOT NULL,
        PRIMARY KEY (tenant_id, day)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS queries (
        tenant_id TEXT NOT NULL, day TEXT NOT NULL, query TEXT NOT NULL, count INTEGER NOT NULL,
        overcount INTEGER NOT NULL, latency_ms_max REAL NOT NULL, zero_results INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, day, query));
      CREATE INDEX IF NOT EXISTS queries_by_count ON queries (tenant_id, day, count);
      CREATE TABLE IF NOT EXISTS slow (
        tenant_id TEXT NOT NULL, day TEXT NOT NULL, search_id TEXT NOT NULL, latency_ms REAL NOT NULL,
        data TEXT NOT NULL, PRIMARY KEY (tenant_id, day, search_id));
      CREATE INDEX IF NOT EXISTS slow_by_latency ON slow (tenant_id, day, latency_ms);
      CREATE TABLE IF NOT EXISTS retrieved (
        tenant_id TEXT NOT NULL, memory_id TEXT NOT NULL, count INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, memory_id));
      CREATE INDEX IF NOT EXISTS retrieved_by_count ON retrieved (tenant_id, count);
      CREATE TABLE IF NOT EXISTS sessions (hash TEXT PRIMARY KEY, data TEXT NOT NULL, expires_at TEXT NOT NULL);
    `);
  }

  async claim(ids: string[]): Promise<Set<string>> {
    const insert = this.db.prepare('INSERT OR IGNORE INTO counted (id) VALUES (?)');
    return this.db.transaction(() => new Set(ids.filter((id) => insert.run(id).changes === 1)))();
  }

  async addToDays(increments: DayIncrement[]): Promise<void> {
    const read = this.db.prepare<[string, string], { latency_histogram: string }>(
      'SELECT latency_histogram FROM days WHERE tenant_id = ? AND day = ?',
    );
    const create = this.db.prepare(
      'INSERT OR IGNORE INTO days (tenant_id, day, latency_histogram) VALUES (?, ?, ?)',
    );
    const update = this.db.prepare(
      `UPDATE days SET ${COUNTERS.map((c) => `${c} = ${c} + @${c}`).join(', ')}, latency_histogram = @histogram
       WHERE tenant_id = @tenant_id AND day = @day`,
    );
    this.db.transaction(() => {
      for (const inc of increments) {
        create.run(inc.tenant_id, inc.day, JSON.stringify(emptyHistogram()));
        const histogram = JSON.parse(read.get(inc.tenant_id, inc.day)!.latency_histogram) as number[];
        for (const [bucket, n] of Object.entries(inc.latency_buckets)) histogram[Number(bucket)]! += n;
        update.run({
          tenant_id: inc.tenant_id,
          day: inc.day,
          histogram: JSON.stringify(histogram),
          ...Object.fromEntries(COUNTERS.map((c) => [c, inc.counters[c] ?? 0])),
        });
      }
    })();
  }

  async countQuery(tenantId: string, day: string, query: string, latencyMs: number, zero: boolean) {
    const z = zero ? 1 : 0;
    this.db.transaction(() => {
      const bumped = this.db
        .prepare(
          `UPDATE queries SET count = count + 1, latency_ms_max = max(latency_ms_max, ?), zero_results = zero_results + ?
           WHERE tenant_id = ? AND day = ? AND query = ?`,
        )
        .run(latencyMs, z, tenantId, day, query);
      if (bumped.changes) return;
      const { n } = this.db
        .prepare<[string, string], { n: number }>(
          'SELECT count(*) AS n FROM queries WHERE tenant_id = ? AND day = ?',
        )
        .get(tenantId, day)!;
      if (n < TRACKED_QUERIES_PER_DAY) {
        this.db
          .prepare('INSERT INTO queries VALUES (?, ?, ?, 1, 0, ?, ?)')
          .run(tenantId, day, query, latencyMs, z);
        return;
      }
      // Space-saving: the least counted query gives its place to the new one, which inherits
      // its count (an upper bound) and records how much of it may be borrowed.
      const least = this.db
        .prepare<[string, string], { query: string; count: number }>(
          'SELECT query, count FROM queries WHERE tenant_id = ? AND day = ? ORDER BY count LIMIT 1',
        )
        .get(tenantId, day)!;
      this.db
        .prepare(
          `UPDATE queries SET query = ?, count = ?, overcount = ?, latency_ms_max = ?, zero_results = ?
           WHERE tenant_id = ? AND day = ? AND query = ?`,
        )
        .run(query, least.count + 1, least.count, latencyMs, z, tenantId, day, least.query);
    })();
  }

  async offerSlow(day: string, search: SlowSearch): Promise<void> {
    this.db.transaction(() => {
      this.db
        .prepare('INSERT OR IGNORE INTO slow VALUES (?, ?, ?, ?, ?)')
        .run(search.tenant_id, day, search.search_id, search.latency_ms, JSON.stringify(search));
      this.db
        .prepare(
          `DELETE FROM slow WHERE tenant_id = ? AND day = ? AND search_id IN (
             SELECT search_id FROM slow WHERE tenant_id = ? AND day = ? ORDER BY latency_ms DESC LIMIT -1 OFFSET ?)`,
        )
        .run(search.tenant_id, day, search.tenant_id, day, SLOW_SEARCHES_PER_DAY);
    })();
  }

  async addRetrieved(tenantId: string, counts: Map<string, number>): Promise<void> {
    const upsert = this.db.prepare(
      `INSERT INTO retrieved VALUES (?, ?, ?)
       ON CONFLICT (tenant_id, memory_id) DO UPDATE SET count = count + excluded.count`,
    );
    this.db.transaction(() => {
      for (const [memoryId, n] of counts) upsert.run(tenantId, memoryId, n);
    })();
  }

  async days(tenantIds: string[], from: string, to: string): Promise<DayRollup[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM days WHERE tenant_id IN (${placeholders(tenantIds.length)}) AND day BETWEEN ? AND ?`,
      )
      .all(...tenantIds, from, to) as (DayRollup & { tenant_id: string; latency_histogram: string })[];
    return mergeDays(
      rows.map(({ tenant_id: _, ...r }) => ({ ...r, latency_histogram: JSON.parse(r.latency_histogram) })),
    );
  }

  async topQueries(tenantIds: string[], from: string, to: string, limit: number): Promise<QueryCount[]> {
    return this.db
      .prepare(
        `SELECT query, sum(count) AS count, sum(overcount) AS overcount, max(latency_ms_max) AS latency_ms_max,
                sum(zero_results) AS zero_results
         FROM queries WHERE tenant_id IN (${placeholders(tenantIds.length)}) AND day BETWEEN ? AND ?
         GROUP BY query ORDER BY count DESC, query LIMIT ?`,
      )
      .all(...tenantIds, from, to, limit) as QueryCount[];
  }

  async slowest(tenantIds: string[], from: string, to: string, limit: number): Promise<SlowSearch[]> {
    const rows = this.db
      .prepare(
        `SELECT data FROM slow WHERE tenant_id IN (${placeholders(tenantIds.length)}) AND day BETWEEN ? AND ?
         ORDER BY latency_ms DESC LIMIT ?`,
      )
      .all(...tenantIds, from, to, limit) as { data: string }[];
    return rows.map((r) => JSON.parse(r.data) as SlowSearch);
  }

  async mostRetrieved(tenantIds: string[], limit: number) {
    return this.db
      .prepare(
        `SELECT memory_id, tenant_id, count FROM retrieved WHERE tenant_id IN (${placeholders(tenantIds.length)})
         ORDER BY count DESC, memory_id LIMIT ?`,
      )
      .all(...tenantIds, limit) as { memory_id: string; tenant_id: string; count: number }[];
  }

  async retrievedDistinct(tenantIds: string[]): Promise<number> {
    const row = this.db
      .prepare(`SELECT count(*) AS n FROM retrieved WHERE tenant_id IN (${placeholders(tenantIds.length)})`)
      .get(...tenantIds) as { n: number };
    return row.n;
  }

  async putSession(hash: string, session: DashboardSession): Promise<void> {
    this.db.prepare('DELETE FROM sessions WHERE expires_at < ?').run(new Date().toISOString());
    this.db
      .prepare('INSERT INTO sessions VALUES (?, ?, ?)')
      .run(hash, JSON.stringify(session), session.expires_at);
  }

  async getSession(hash: string): Promise<DashboardSession | null> {
    const row = this.db.prepare('SELECT data FROM sessions WHERE hash = ?').get(hash) as
      | { data: string }
      | undefined;
    return row ? (JSON.parse(row.data) as DashboardSession) : null;
  }

  async deleteSession(hash: string): Promise<void> {
    this.db.prepare('DELETE FROM sessions WHERE hash = ?').run(hash);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
