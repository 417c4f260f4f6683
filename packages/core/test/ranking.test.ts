import {
  candidateFeatures,
  evaluateRanking,
  fitRankingModel,
  type LabelledSearch,
  LTR_FEATURES,
  labelSearches,
  probability,
  type RankingModel,
  reorder,
  rerankScores,
} from '../src';
import { coverageModel, makeMemory, rankingCandidate } from '../src/testing';

const candidate = rankingCandidate;

describe('ranking features', () => {
  it('describes query shape, coverage and session from the search alone', () => {
    const [first, dated, other] = candidateFeatures('When did Ana adopt the cat?', [
      candidate('m1', 'Ana likes cats', 0.09),
      candidate('m2', 'Ana adopted Miso in March 2023', 0.05),
      candidate('m3', 'unrelated words', 0.01, 's2'),
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

describe('labelling logged searches', () => {
  it('labels the memories feedback named, and leaves a search’s own feedback out of usefulness', () => {
    const signals = (fused: number) => ({ vector: 0.4, text: 1, graph: null, context: null, fused });
    const memories = new Map(
      ['m1', 'm2', 'm3'].map((id) => [id, makeMemory({ id, content: `memory ${id}` })]),
    );
    const data = labelSearches(
      [
        {
          query: { id: 's1', query: 'first' },
          retrievals: [
            { memory_id: 'm2', rank: 2, score: 0.2, signals: signals(0.05) },
            { memory_id: 'm1', rank: 1, score: 0.3, signals: signals(0.09) },
            { memory_id: 'gone', rank: 3, score: 0.1, signals: signals(0.01) },
          ],
          feedback: [{ memory_id: 'm2', signal: 'positive' }],
        },
        {
          query: { id: 's2', query: 'second' },
          retrievals: [
            { memory_id: 'm2', rank: 1, score: 0.3, signals: signals(0.09) },
            { memory_id: 'm3', rank: 2, score: 0.2, signals: signals(0.05) },
          ],
          feedback: [{ memory_id: 'm2', signal: 'positive' }],
        },
        { query: { id: 's3', query: 'no feedback' }, retrievals: [], feedback: [] },
      ],
      memories,
    );
    expect(data.read).toBe(3);
    expect(data.searches.map((s) => [s.id, s.labels])).toEqual([
      ['s1', [0, 1]], // in rank order; the deleted memory dropped out
      ['s2', [1, 0]],
    ]);
    expect(data.usefulness).toEqual({ m2: 2 });
    const useful = LTR_FEATURES.indexOf('usefulness');
    // Each search sees m2's usefulness from the other search only: log1p(1).
    expect(data.searches[0]!.features[1]![useful]).toBeCloseTo(Math.log1p(1));
  });

  it('answers scores that sort into the model’s order, each 0..1', () => {
    const scores = rerankScores(coverageModel(2), 'grey cat', [
      candidate('m1', 'a dog', 0.09),
      candidate('m2', 'the grey cat', 0.05),
      candidate('m3', 'a grey cat too', 0.01),
    ]);
    // m2 overtakes m1 within the head; m3 beyond it stays third.
    expect(scores[1]).toBeGreaterThan(scores[0]!);
    expect(scores[0]).toBeGreaterThan(scores[2]!);
    expect(scores.every((s) => s >= 0 && s <= 1)).toBe(true);
  });
});
