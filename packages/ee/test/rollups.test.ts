import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Feedback, MemoryRetrievalLog, QueryLog } from '@engram/core';
import { startTestMongo, type TestMongo } from '@engram/store-mongo/testing';
import {
  LATENCY_BOUNDS_MS,
  latencyQuantile,
  MongoRollups,
  type RollupBackend,
  Rollups,
  SqliteRollups,
  TRACKED_QUERIES_PER_DAY,
} from '../src';

const search = (
  id: string,
  tenant: string,
  at: string,
  query: string,
  latency: number,
  results: number,
): QueryLog => ({
  id,
  tenant_id: tenant,
  user_id: null,
  query,
  filters: {},
  top_k: 10,
  result_count: results,
  latency_ms: latency,
  created_at: at,
});
const retrieval = (q: QueryLog, memoryId: string, rank: number): MemoryRetrievalLog => ({
  id: `${q.id}_${rank}`,
  search_id: q.id,
  tenant_id: q.tenant_id,
  memory_id: memoryId,
  rank,
  score: 0.5,
  signals: { vector: 0.5, text: null, graph: null, context: null },
  created_at: q.created_at,
});

function describeRollups(name: string, open: () => Promise<RollupBackend>) {
  describe(`analytics rollups on ${name}`, () => {
    let backend: RollupBackend;
    beforeEach(async () => {
      backend = await open();
    });
    afterEach(() => backend.close());

    it('counts each search once however often its logs are written, per project and day', async () => {
      const rollups = new Rollups(backend);
      const day1 = [
        search('s1', 'p1', '2026-11-01T10:00:00.000Z', 'Where is Ana?', 4, 2),
        search('s2', 'p1', '2026-11-01T11:00:00.000Z', 'where  is ana?', 40, 0),
        search('s3', 'p1', '2026-11-02T09:00:00.000Z', 'pets', 900, 1),
      ];
      const other = search('s4', 'p2', '2026-11-01T10:00:00.000Z', 'other project', 1, 1);
      const retrievals = [
        retrieval(day1[0]!, 'm1', 1),
        retrieval(day1[0]!, 'm2', 2),
        retrieval(day1[2]!, 'm1', 1),
      ];
      await rollups.recordSearches([...day1, other], retrievals);
      // A retried flush, and a second process writing the same logs: nothing counts twice.
      await rollups.recordSearches([...day1, other], retrievals);
      await rollups.recordSearches([day1[1]!], []);

      const days = await backend.days(['p1'], '2026-11-01', '2026-11-30');
      expect(days.map((d) => [d.day, d.searches, d.zero_results, d.results_sum])).toEqual([
        ['2026-11-01', 2, 1, 2],
        ['2026-11-02', 1, 0, 1],
      ]);
      expect(latencyQuantile(days[0]!.latency_histogram, 0.5)).toBe(5); // 4 ms falls in (3, 5]
      expect(latencyQuantile(days[0]!.latency_histogram, 1)).toBe(50);
      expect((await backend.days(['p1', 'p2'], '2026-11-01', '2026-11-01'))[0]!.searches).toBe(3);
      expect(await backend.topQueries(['p1'], '2026-11-01', '2026-11-30', 5)).toEqual([
        { query: 'where is ana?', count: 2, overcount: 0, latency_ms_max: 40, zero_results: 1 },
        { query: 'pets', count: 1, overcount: 0, latency_ms_max: 900, zero_results: 0 },
      ]);
      expect((await backend.slowest(['p1'], '2026-11-01', '2026-11-30', 2)).map((s) => s.search_id)).toEqual([
        's3',
        's2',
      ]);
      expect(await backend.mostRetrieved(['p1'], 5)).toEqual([
        { memory_id: 'm1', tenant_id: 'p1', count: 2 },
        { memory_id: 'm2', tenant_id: 'p1', count: 1 },
      ]);
      expect(await backend.retrievedDistinct(['p1'])).toBe(2);
      expect(await backend.retrievedDistinct(['p2'])).toBe(0);
    });

    it('counts feedback once, and each search with feedback once; memory growth by id', async () => {
      const rollups = new Rollups(backend);
      const fb = (id: string, searchId: string, signal: Feedback['signal']): Feedback => ({
        id,
        tenant_id: 'p1',
        search_id: searchId,
        memory_id: null,
        signal,
        comment: null,
        created_at: '2026-11-03T00:00:00.000Z',
      });
      for (const f of [fb('f1', 's1', 'positive'), fb('f2', 's1', 'negative'), fb('f1', 's1', 'positive')]) {
        await rollups.recordFeedback(f);
      }
      await rollups.recordMemory('added', 'p1', 'm1', '2026-11-03T01:00:00.000Z');
      await rollups.recordMemory('added', 'p1', 'm1', '2026-11-03T01:00:00.000Z'); // a replayed batch
      await rollups.recordMemory('added', 'p1', 'm2', '2026-11-03T01:00:00.000Z');
      await rollups.recordMemory('deleted', 'p1', 'm2', '2026-11-03T02:00:00.000Z');
      const [day] = await backend.days(['p1'], '2026-11-03', '2026-11-03');
      expect(day).toMatchObject({
        feedback_positive: 1,
        feedback_negative: 1,
        feedback_searches: 1,
        memories_added: 2,
        memories_deleted: 1,
      });
    });

    it('tracks a bounded number of queries a day, keeping the frequent ones (space-saving)', async () => {
      const rollups = new Rollups(backend);
      const at = '2026-11-04T00:00:00.000Z';
      const logs: QueryLog[] = [];
      for (let i = 0; i < 30; i++) logs.push(search(`hot${i}`, 'p1', at, 'the frequent one', 2, 1));
      for (let i = 0; i < TRACKED_QUERIES_PER_DAY + 50; i++)
        logs.push(search(`rare${i}`, 'p1', at, `rare ${i}`, 2, 1));
      await rollups.recordSearches(logs, []);
      const top = await backend.topQueries(['p1'], '2026-11-04', '2026-11-04', 3);
      expect(top[0]).toMatchObject({ query: 'the frequent one', count: 30, overcount: 0 });
      // Counts are upper bounds: a query that took a place carries what it may have borrowed.
      for (const q of top.slice(1)) expect(q.count - q.overcount).toBeGreaterThanOrEqual(1);
      expect((await backend.days(['p1'], '2026-11-04', '2026-11-04'))[0]!.searches).toBe(logs.length);
    });

    it('keeps dashboard sessions by token hash until they are deleted', async () => {
      const session = {
        tenant_id: 'p1',
        subject: 'key_1',
        role: 'admin',
        expires_at: '2999-01-01T00:00:00.000Z',
      };
      await backend.putSession('h1', session);
      expect(await backend.getSession('h1')).toEqual(session);
      await backend.deleteSession('h1');
      expect(await backend.getSession('h1')).toBeNull();
    });
  });
}

it('reads a percentile as its bucket’s upper bound', () => {
  const histogram = new Array(LATENCY_BOUNDS_MS.length).fill(0);
  histogram[0] = 90; // ≤ 1 ms
  histogram[9] = 10; // ≤ 50 ms
  expect(latencyQuantile(histogram, 0.5)).toBe(1);
  expect(latencyQuantile(histogram, 0.95)).toBe(50);
  expect(latencyQuantile(new Array(LATENCY_BOUNDS_MS.length).fill(0), 0.5)).toBeNull();
});

describeRollups(
  'SQLite',
  async () => new SqliteRollups(path.join(mkdtempSync(path.join(tmpdir(), 'engram-rollups-')), 'a.db')),
);

let mongo: TestMongo;
beforeAll(async () => {
  mongo = await startTestMongo();
}, 120_000);
afterAll(() => mongo?.stop());
let n = 0;
describeRollups('MongoDB (FerretDB)', () =>
  MongoRollups.open(mongo.url, `engram_rollups_${process.pid}_${n++}`),
);
