import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestMongo, type TestMongo } from '@engram/store-mongo/testing';
import {
  type Candidate,
  candidateFeatures,
  evaluateRanking,
  fitRankingModel,
  type LabelledSearch,
  LTR_FEATURES,
  type ModelStore,
  type ModelVersion,
  MongoModelStore,
  probability,
  type RankingModel,
  reorder,
  SqliteModelStore,
  TrainedReranker,
} from '../src';

const memory = (id: string, content: string, session = 's1') => ({
  id,
  tenant_id: 'p1',
  content,
  session_id: session,
  created_at: '2026-11-01T00:00:00.000Z',
});
const candidate = (id: string, content: string, fused: number, text: number | null = null): Candidate => ({
  memory: memory(id, content),
  score: 0.1,
  signals: { vector: 0.5, text, graph: null, context: null, fused },
});

describe('ranking features', () => {
  it('describes query shape, coverage and session from the search alone', () => {
    const [first, dated, other] = candidateFeatures('When did Ana adopt the cat?', [
      candidate('m1', 'Ana likes cats', 0.09),
      candidate('m2', 'Ana adopted Miso in March 2023', 0.05),
      { ...candidate('m3', 'unrelated words', 0.01), memory: memory('m3', 'unrelated words', 's2') },
    ]);
    const at = (name: (typeof LTR_FEATURES)[number]) => LTR_FEATURES.indexOf(name);
    expect(first).toHaveLength(LTR_FEATURES.length);
    expect(dated![at('when_and_date')]).toBe(1);
    expect(first![at('when_and_date')]).toBe(0);
    expect(dated![at('query_terms_covered')]).toBeCloseTo(1 / 3); // "ana" of ana, adopt, cat
    expect(other![at('same_session_as_first')]).toBe(0);
    expect(first![at('rank_reciprocal')]).toBe(1);
    expect(dated![at('rank_reciprocal')]).toBe(0.5);
  });
});

/** Searches where only feature `j` says which candidate is relevant, the fused order says nothing. */
function synthetic(j: number, n: number): LabelledSearch[] {
  const searches: LabelledSearch[] = [];
  let seed = 7;
  const random = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  for (let s = 0; s < n; s++) {
    const features = Array.from({ length: 10 }, () => LTR_FEATURES.map(() => random()));
    const relevant = Math.floor(random() * 10);
    features[relevant]![j] = 1 + random();
    searches.push({ id: `s${s}`, features, labels: features.map((_, i) => (i === relevant ? 1 : 0)) });
  }
  return searches;
}

describe('the pairwise model', () => {
  it('learns which feature orders relevant results first, with calibrated scores', () => {
    const j = LTR_FEATURES.indexOf('query_terms_covered');
    const fitted = fitRankingModel(synthetic(j, 200));
    const model: RankingModel = { ...fitted, head: 10, usefulness: {} };
    expect(Math.abs(fitted.weights[j]!)).toBe(Math.max(...fitted.weights.map(Math.abs)));
    const heldOut = synthetic(j, 50).map((s, i) => ({ ...s, id: `h${i}` }));
    expect(evaluateRanking(null, heldOut).recall_at_1).toBeLessThan(0.3);
    expect(evaluateRanking(model, heldOut).recall_at_1).toBeGreaterThan(0.9);
    // Calibrated: the mean probability is near the share relevant (one in ten).
    const ps = heldOut.flatMap((s) => s.features.map((x) => probability(model, x)));
    expect(ps.reduce((a, b) => a + b, 0) / ps.length).toBeCloseTo(0.1, 1);
    // Beyond the head nothing moves.
    expect(reorder({ ...model, head: 3 }, heldOut[0]!.features).slice(3)).toEqual([3, 4, 5, 6, 7, 8, 9]);
  });
});

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
      // A model that only looks at term coverage.
      const j = LTR_FEATURES.indexOf('query_terms_covered');
      const model: RankingModel = {
        features: LTR_FEATURES,
        mean: LTR_FEATURES.map(() => 0),
        scale: LTR_FEATURES.map(() => 1),
        weights: LTR_FEATURES.map((_, i) => (i === j ? 5 : 0)),
        platt: { a: 1, b: -2 },
        head: 10,
        usefulness: { m9: 3 },
      };
      const v1: ModelVersion = { ...base, version: 1, status: 'retired', model };
      const v2: ModelVersion = { ...base, version: 2, status: 'active', model };
      await store.save(v1);
      await store.save(v2);
      expect((await store.list('p1')).map((v) => v.version)).toEqual([2, 1]);
      expect(await store.list('p2')).toEqual([]);
      expect((await store.list('p1'))[0]).toEqual(v2);

      const reranker = new TrainedReranker({
        active: async (p) => (await store.list(p)).find((v) => v.status === 'active') ?? null,
      });
      const asSearched = [
        candidate('m1', 'something else entirely', 0.09),
        candidate('m2', 'ana adopted a cat', 0.05),
      ].map((c) => ({ ...c, memory: { ...memory(c.memory.id, c.memory.content), metadata: {} } as never }));
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
