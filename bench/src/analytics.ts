import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  InMemoryMemoryStore,
  InMemoryWebhookStore,
  type MemoryRetrievalLog,
  type QueryLog,
} from '@engram/core';
import {
  MongoRollups,
  overview,
  type RollupBackend,
  Rollups,
  SqliteRollups,
  TRACKED_QUERIES_PER_DAY,
} from '@engram/ee';
import { startTestMongo } from '@engram/store-mongo/testing';
import Database from 'better-sqlite3';
import { percentile, round } from './metrics';

const PROJECT = 'prj_bench_analytics';
const DAYS = 30;
const MEMORIES = 100_000;
const DISTINCT_QUERIES = 50_000;

/** A small deterministic generator, so every run logs the same searches. */
function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
}

/** Zipf-like pick in [0, n): a few items often, most rarely (queries and memories both look so). */
const zipf = (r: () => number, n: number) => Math.min(n - 1, Math.floor(n ** r() - 1));

/** `count` searches spread evenly over the last DAYS days, with their 10 retrievals each. */
function* searches(count: number, distinctQueries: number, batch = 500) {
  const r = random(42);
  const today = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00.000Z`);
  for (let start = 0; start < count; start += batch) {
    const queries: QueryLog[] = [];
    const retrievals: MemoryRetrievalLog[] = [];
    for (let i = start; i < Math.min(count, start + batch); i++) {
      const at = new Date(
        today - DAYS * 86_400_000 + Math.floor((i / count) * DAYS * 86_400_000) + 43_200_000,
      );
      const zero = r() < 0.05;
      const q: QueryLog = {
        id: `srch_${i}`,
        tenant_id: PROJECT,
        user_id: `u${i % 1000}`,
        query: `question ${zipf(r, distinctQueries)}`,
        filters: {},
        top_k: 10,
        result_count: zero ? 0 : 10,
        latency_ms: round(3 + -Math.log(1 - r()) * 8, 2),
        created_at: at.toISOString(),
      };
      queries.push(q);
      if (zero) continue;
      for (let rank = 1; rank <= 10; rank++) {
        retrievals.push({
          id: `${q.id}_${rank}`,
          search_id: q.id,
          tenant_id: PROJECT,
          memory_id: `mem_${zipf(r, MEMORIES)}`,
          rank,
          score: 0.5,
          signals: { vector: 0.5, text: 1, graph: null, context: null, fused: 0.1 },
          created_at: q.created_at,
        });
      }
    }
    yield { queries, retrievals };
  }
}

async function record(rollups: Rollups, count: number, distinctQueries: number, withRetrievals = true) {
  const started = performance.now();
  for (const { queries, retrievals } of searches(count, distinctQueries)) {
    await rollups.recordSearches(queries, withRetrievals ? retrievals : []);
  }
  return round(count / ((performance.now() - started) / 1000), 0);
}

/** The overview the dashboard loads, timed as the API calls it (p50 / p95 of `runs`). */
async function timeOverview(backend: RollupBackend, days: number, runs = 30) {
  const to = new Date().toISOString().slice(0, 10);
  const from = new Date(Date.parse(to) - (days - 1) * 86_400_000).toISOString().slice(0, 10);
  const sources = {
    rollups: backend,
    memoryStore: new InMemoryMemoryStore(),
    webhookStore: new InMemoryWebhookStore(),
  };
  const times: number[] = [];
  let searchesShown = 0;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const o = await overview(sources, { projects: [{ id: PROJECT, name: 'bench' }], from, to });
    times.push(performance.now() - started);
    searchesShown = o.totals.searches;
  }
  times.sort((a, b) => a - b);
  return {
    days,
    p50_ms: round(percentile(times, 50), 2),
    p95_ms: round(percentile(times, 95), 2),
    searches: searchesShown,
  };
}

/**
 * The dashboard's overview at a million logged searches: rollups kept as the logs are written
 * (their write rate), then the overview's time over 30 days and a year. On SQLite the million
 * searches are recorded; on FerretDB (MongoDB's wire protocol, SQLite backend) the overview
 * reads the same number of rollup rows for a day as at a million searches (every day holds its
 * full TRACKED_QUERIES_PER_DAY queries and slowest searches), from fewer recorded searches,
 * because recording a million there takes hours on this machine (FerretDB 1.24 on SQLite finds
 * an update's _id by a scan: about 16 ms an update at 10,000 documents, measured here; inserts
 * and reads by _id are fast), and without the per-memory counts. For scale, the same day totals
 * computed from raw query logs by an indexed GROUP BY.
 */
export async function analyticsBench(count: number) {
  const dir = mkdtempSync(path.join(tmpdir(), 'engram-analytics-'));
  try {
    const sqlite = new SqliteRollups(path.join(dir, 'analytics.db'));
    const sqliteRate = await record(new Rollups(sqlite), count, DISTINCT_QUERIES);
    const sqliteTimes = [await timeOverview(sqlite, 30), await timeOverview(sqlite, 365)];
    await sqlite.close();

    const raw = new Database(path.join(dir, 'raw.db'));
    raw.exec(
      'CREATE TABLE query_logs (tenant_id TEXT, created_at TEXT, query TEXT, result_count INT, latency_ms REAL)',
    );
    raw.exec('CREATE INDEX by_tenant ON query_logs (tenant_id, created_at)');
    const insert = raw.prepare('INSERT INTO query_logs VALUES (?, ?, ?, ?, ?)');
    for (const { queries } of searches(count, DISTINCT_QUERIES, 10_000)) {
      raw.transaction(() => {
        for (const q of queries) insert.run(q.tenant_id, q.created_at, q.query, q.result_count, q.latency_ms);
      })();
    }
    const rawStarted = performance.now();
    raw
      .prepare(
        `SELECT substr(created_at, 1, 10) AS day, count(*), sum(result_count = 0), avg(latency_ms)
         FROM query_logs WHERE tenant_id = ? AND created_at >= ? GROUP BY day`,
      )
      .all(PROJECT, '2000-01-01');
    raw
      .prepare(
        'SELECT query, count(*) AS n FROM query_logs WHERE tenant_id = ? GROUP BY query ORDER BY n DESC LIMIT 20',
      )
      .all(PROJECT);
    const rawMs = round(performance.now() - rawStarted, 0);
    raw.close();

    const mongo = await startTestMongo();
    try {
      const ferret = await MongoRollups.open(mongo.url, 'engram_bench_analytics');
      const perDay = TRACKED_QUERIES_PER_DAY + 50;
      // Without retrievals: FerretDB finds an update's _id by scanning the collection, so the
      // per-memory counts (one upsert per memory returned) take minutes per thousand searches.
      const ferretRate = await record(new Rollups(ferret), perDay * DAYS, TRACKED_QUERIES_PER_DAY * 4, false);
      const ferretTimes = [await timeOverview(ferret, 30, 10), await timeOverview(ferret, 365, 10)];
      await ferret.close();
      return {
        measured: new Date().toISOString().slice(0, 16),
        searches: count,
        days: DAYS,
        sqlite: { rollup_searches_per_second: sqliteRate, overview: sqliteTimes },
        raw_logs_group_by_ms: rawMs,
        ferretdb: {
          searches_recorded: perDay * DAYS,
          rollup_searches_per_second: ferretRate,
          overview: ferretTimes,
        },
      };
    } finally {
      await mongo.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const i = process.argv.indexOf('--size');
  analyticsBench(i >= 0 ? Number(process.argv[i + 1]) : 1_000_000)
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
