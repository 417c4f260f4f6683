import type Database from 'better-sqlite3';
import { openSqliteFile } from '../store-files';
import {
  type AskedQuery,
  byProjectDay,
  COUNTERS,
  countIntoDay,
  type DashboardSession,
  type DayIncrement,
  type DayRollup,
  emptyHistogram,
  mergeDays,
  type QueryCount,
  type RollupBackend,
  SLOW_SEARCHES_PER_DAY,
  type SlowSearch,
  type TrackedQuery,
} from './rollups';

const placeholders = (n: number) => new Array(n).fill('?').join(', ');

/** Rollups in their own SQLite file beside the data (the embedded and single-node cloud). */
export class SqliteRollups implements RollupBackend {
  private readonly db: Database.Database;

  constructor(path: string) {
    this.db = openSqliteFile(path);
    // Rollups are derived from the logs: a power cut may lose the last commits, never the file.
    this.db.pragma('synchronous = NORMAL');
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

  private readonly statements = new Map<string, Database.Statement>();

  /** A statement prepared once and reused: rollups are written on every log flush. */
  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  async claim(ids: string[]): Promise<Set<string>> {
    const insert = this.sql('INSERT OR IGNORE INTO counted (id) VALUES (?)');
    return this.db.transaction(() => new Set(ids.filter((id) => insert.run(id).changes === 1)))();
  }

  async addToDays(increments: DayIncrement[]): Promise<void> {
    const read = this.sql('SELECT latency_histogram FROM days WHERE tenant_id = ? AND day = ?');
    const create = this.sql(
      'INSERT OR IGNORE INTO days (tenant_id, day, latency_histogram) VALUES (?, ?, ?)',
    );
    const update = this.sql(
      `UPDATE days SET ${COUNTERS.map((c) => `${c} = ${c} + @${c}`).join(', ')}, latency_histogram = @histogram
       WHERE tenant_id = @tenant_id AND day = @day`,
    );
    this.db.transaction(() => {
      for (const inc of increments) {
        create.run(inc.tenant_id, inc.day, JSON.stringify(emptyHistogram()));
        const row = read.get(inc.tenant_id, inc.day) as { latency_histogram: string };
        const histogram = JSON.parse(row.latency_histogram) as number[];
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

  /** As on MongoDB (countIntoDay), per project and day, in one transaction. */
  async countQueries(queries: AskedQuery[]): Promise<void> {
    const read = this.sql(
      'SELECT query, count, overcount, latency_ms_max, zero_results FROM queries WHERE tenant_id = ? AND day = ?',
    );
    const remove = this.sql('DELETE FROM queries WHERE tenant_id = ? AND day = ? AND query = ?');
    const write = this.sql('INSERT OR REPLACE INTO queries VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.db
      .transaction(() => {
        for (const asked of byProjectDay(queries, (q) => q.day)) {
          const { tenant_id, day } = asked[0]!;
          const before = new Map(
            (read.all(tenant_id, day) as (TrackedQuery & { query: string })[]).map(({ query, ...row }) => [
              query,
              row,
            ]),
          );
          const { rows, evicted } = countIntoDay(before, asked);
          for (const query of evicted) remove.run(tenant_id, day, query);
          for (const [query, row] of rows) {
            if (before.get(query)?.count === row.count) continue;
            write.run(tenant_id, day, query, row.count, row.overcount, row.latency_ms_max, row.zero_results);
          }
        }
      })
      .immediate(); // read, then write: take the write lock first, so two processes never both read
  }

  async offerSlow(searches: (SlowSearch & { day: string })[]): Promise<void> {
    const insert = this.sql('INSERT OR IGNORE INTO slow VALUES (?, ?, ?, ?, ?)');
    const trim = this.sql(
      `DELETE FROM slow WHERE tenant_id = ? AND day = ? AND search_id IN (
         SELECT search_id FROM slow WHERE tenant_id = ? AND day = ? ORDER BY latency_ms DESC LIMIT -1 OFFSET ?)`,
    );
    this.db.transaction(() => {
      const days = new Map<string, [string, string]>();
      for (const { day, ...search } of searches) {
        insert.run(search.tenant_id, day, search.search_id, search.latency_ms, JSON.stringify(search));
        days.set(`${search.tenant_id}|${day}`, [search.tenant_id, day]);
      }
      for (const [tenant, day] of days.values()) trim.run(tenant, day, tenant, day, SLOW_SEARCHES_PER_DAY);
    })();
  }

  async addRetrieved(tenantId: string, counts: Map<string, number>): Promise<void> {
    const upsert = this.sql(
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
