import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { coverageModel, earlierFormatModel, rankingCandidate } from '@engram/core/testing';
import { startTestMongo, type TestMongo } from '@engram/store-mongo/testing';
import {
  isTrained,
  ModelRegistry,
  type ModelStore,
  type ModelVersion,
  MongoModelStore,
  SqliteModelStore,
  TrainedReranker,
} from '../src';

const candidate = rankingCandidate;

function describeModelStore(name: string, open: () => Promise<ModelStore>) {
  it(`keeps versions newest first on ${name}, and the reranker serves the active one`, async () => {
    const store = await open();
    try {
      const base = {
        project_id: 'p1',
        created_at: '2026-11-01T00:00:00.000Z',
        promoted_at: null,
        window: { since: '2026-10-01T00:00:00.000Z', until: '2026-11-01T00:00:00.000Z' },
        searches_read: 10,
        examples: { train: 8, held_out: 2 },
        evaluation: {
          none: { searches: 2, recall_at_1: 0, recall_at_5: 0, recall_at_10: 0, ndcg_at_10: 0 },
          current: null,
          candidate: { searches: 2, recall_at_1: 1, recall_at_5: 1, recall_at_10: 1, ndcg_at_10: 1 },
        },
      };
      const model = coverageModel(10, { m9: 3 });
      const v1: ModelVersion = { ...base, version: 1, status: 'retired', model };
      const v2: ModelVersion = { ...base, version: 2, status: 'active', model };
      await store.save(v1);
      await store.save(v2);
      expect((await store.list('p1')).map((v) => v.version)).toEqual([2, 1]);
      expect(await store.list('p2')).toEqual([]);
      expect((await store.list('p1'))[0]).toEqual(v2);

      const reranker = new TrainedReranker({
        active: async (p) => {
          const active = (await store.list(p)).find((v) => v.status === 'active');
          return active && isTrained(active) ? active : null;
        },
      });
      const asSearched = [
        candidate('m1', 'something else entirely', 0.09),
        candidate('m2', 'ana adopted a cat', 0.05),
      ];
      const scores = await reranker.rerank('ana cat', asSearched);
      expect(scores[1]).toBeGreaterThan(scores[0]!);
      expect(scores.every((s) => s >= 0 && s <= 1)).toBe(true);
      // Another project, with no model: the scores it was given, unchanged.
      const other = asSearched.map((c) => ({ ...c, memory: { ...c.memory, tenant_id: 'p2' } }));
      expect(await reranker.rerank('ana cat', other)).toEqual([0.1, 0.1]);
    } finally {
      await store.close();
    }
  });
}

it('does not serve a stored model this release cannot read (an earlier format): search keeps its order', async () => {
  const store = new SqliteModelStore(':memory:');

  const none = { searches: 0, recall_at_1: 0, recall_at_5: 0, recall_at_10: 0, ndcg_at_10: 0 };
  await store.save({
    project_id: 'p1',
    version: 1,
    status: 'active',
    created_at: '2026-11-01T00:00:00.000Z',
    promoted_at: '2026-11-01T00:00:00.000Z',
    window: { since: '2026-10-01T00:00:00.000Z', until: '2026-11-01T00:00:00.000Z' },
    searches_read: 10,
    examples: { train: 8, held_out: 2 },
    evaluation: { none, current: null, candidate: none },
    model: earlierFormatModel(),
  });
  const registry = new ModelRegistry(store, () => {
    throw new Error('not needed to serve');
  });
  expect(await registry.active('p1')).toBeNull();
  const asSearched = [candidate('m1', 'a dog', 0.09), candidate('m2', 'ana cat', 0.05)];
  expect(await new TrainedReranker(registry).rerank('ana cat', asSearched)).toEqual([0.1, 0.1]);
  await store.close();
});

describeModelStore(
  'SQLite',
  async () => new SqliteModelStore(path.join(mkdtempSync(path.join(tmpdir(), 'engram-models-')), 'm.db')),
);

let mongo: TestMongo;
beforeAll(async () => {
  mongo = await startTestMongo();
}, 120_000);
afterAll(() => mongo?.stop());
describeModelStore('MongoDB (FerretDB)', () =>
  MongoModelStore.open(mongo.url, `engram_models_${process.pid}`),
);
