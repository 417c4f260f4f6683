import {
  authorOf,
  candidateFeatures,
  checkRankingModel,
  evaluateRanking,
  fitBoostedTrees,
  fitRankingModel,
  isHeldOut,
  isRankingModel,
  type LabelledSearch,
  LTR_FEATURES,
  labelSearches,
  namesIn,
  probability,
  type RankingModel,
  reorder,
  rerankScores,
  trainAndEvaluate,
} from '../src';
import { namedPeriod } from '../src/domain/named-time';
import { coverageModel, earlierFormatModel, makeMemory, rankingCandidate } from '../src/testing';

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
    // Stemmed, "adopted" meets "adopt": ana, adopt of ana, adopt, cat.
    expect(dated![at('query_stems_covered')]).toBeCloseTo(2 / 3);
    expect(first![at('session_hits')]).toBe(2);
    expect(other![at('session_hits')]).toBe(1);
  });

  it('knows who wrote a memory and whom a question names', () => {
    const memory = (content: string, metadata: Record<string, string> = {}) =>
      makeMemory({ content, metadata });
    expect(authorOf(memory('Caroline: I went to a support group', {}))).toBe('caroline');
    expect(authorOf(memory('Mary Ann Evans: hello'))).toBe('mary ann evans');
    expect(authorOf(memory('hello', { speaker: 'Melanie' }))).toBe('melanie');
    expect(authorOf(memory('hello', { role: 'user', name: 'Jon' }))).toBe('jon');
    expect(authorOf(memory('Note: call the plumber'))).toBe('note'); // a prefix is taken at its word
    expect(authorOf(memory('the plan: call the plumber'))).toBeNull();
    expect(namesIn("What did Caroline's sister tell Melanie?")).toEqual(['caroline', 'melanie']);
    expect(namesIn('When did the cat arrive?')).toEqual([]);

    const [own, others, unnamed] = candidateFeatures('What did Caroline research?', [
      { ...candidate('m1', 'Caroline: adoption agencies', 0.09) },
      { ...candidate('m2', 'Melanie: adoption agencies', 0.05) },
      candidate('m3', 'adoption agencies', 0.01),
    ]);
    const at = (name: (typeof LTR_FEATURES)[number]) => LTR_FEATURES.indexOf(name);
    expect([own![at('author_named')], own![at('other_named')]]).toEqual([1, 0]);
    expect([others![at('author_named')], others![at('other_named')]]).toEqual([0, 1]);
    expect([unnamed![at('author_named')], unnamed![at('other_named')]]).toEqual([0, 1]);
  });

  it('describes the candidates just before and after each one in its session', () => {
    // Ids sort in the order memories were written: m1, m2, m4 are turns of s1 in that order.
    const rows = candidateFeatures('what did Ana paint', [
      candidate('m4', 'a sunset over the lake', 0.09),
      candidate('m1', 'Ana: what did you paint?', 0.05),
      candidate('m3', 'Ana paints', 0.03, 's2'),
      candidate('m2', 'I painted a sunset', 0.01),
    ]);
    const at = (name: (typeof LTR_FEATURES)[number]) => LTR_FEATURES.indexOf(name);
    const [m4, m1, m3, m2] = rows;
    // m2 follows m1, which covers the query (ana, paint); m4 follows m2.
    expect(m2![at('before_stems_covered')]).toBe(m1![at('query_stems_covered')]);
    expect(m2![at('after_stems_covered')]).toBe(m4![at('query_stems_covered')]);
    expect(m4![at('before_text_relative')]).toBe(m2![at('text_relative')]);
    expect(m1![at('before_stems_covered')]).toBe(-1); // first of its session among the candidates
    expect(m4![at('after_stems_covered')]).toBe(-1);
    expect([m3![at('before_stems_covered')], m3![at('after_stems_covered')]]).toEqual([-1, -1]);
    // m1 asks; m2, the reply after it, does not, and neither does m3 (nothing before it in s2).
    expect(rows.map((r) => r[at('is_question')])).toEqual([0, 1, 0, 0]);
    expect(rows.map((r) => r[at('before_is_question')])).toEqual([0, -1, -1, 1]);
    const asks = (content: string) =>
      candidateFeatures('anything', [candidate('m1', content, 0.1)])[0]![at('is_question')];
    expect([asks('Did it rain?'), asks('"Why?" she said'), asks('How so?!')]).toEqual([1, 1, 1]);
    expect(asks('the form is at https://example.com/?q=1')).toBe(0);
  });

  it('knows the day, month or year a question names, and which memories happened then', () => {
    const day = (iso: string) => Date.parse(iso);
    expect(namedPeriod('What did Nate make on 9 November, 2022?')).toEqual([
      day('2022-11-09T00:00:00Z'),
      day('2022-11-10T00:00:00Z'),
    ]);
    expect(namedPeriod('What painting did Mel show on October 13th, 2023?')?.[0]).toBe(
      day('2023-10-13T00:00:00Z'),
    );
    expect(namedPeriod('What setback did Melanie face in October 2023?')).toEqual([
      day('2023-10-01T00:00:00Z'),
      day('2023-11-01T00:00:00Z'),
    ]);
    expect(namedPeriod('How many times has Melanie gone to the beach in 2023?')).toEqual([
      day('2023-01-01T00:00:00Z'),
      day('2024-01-01T00:00:00Z'),
    ]);
    expect(namedPeriod('What did Ana buy last week?')).toBeNull();
    expect(namedPeriod('Who has 2023 tickets?')).toBeNull(); // a number, not a time named

    const at = (name: (typeof LTR_FEATURES)[number]) => LTR_FEATURES.indexOf(name);
    const happened = (id: string, event_time: string | null) => {
      const c = candidate(id, 'Nate: made coconut ice cream', 0.05);
      return { ...c, memory: { ...c.memory, event_time } };
    };
    const rows = candidateFeatures('What did Nate make on 9 November, 2022?', [
      happened('m1', '2022-11-09T13:56:00.000Z'),
      happened('m2', '2022-11-12T09:00:00.000Z'),
      happened('m3', null),
    ]);
    expect(rows.map((r) => r[at('event_in_named_time')])).toEqual([1, 0, -1]);
    expect(rows[0]![at('event_days_from_named_time')]).toBe(0);
    expect(rows[1]![at('event_days_from_named_time')]).toBeCloseTo(Math.log1p(2 + 9 / 24));
    const undated = candidateFeatures('What did Nate make?', [happened('m1', '2022-11-09T13:56:00.000Z')]);
    expect(undated[0]![at('event_in_named_time')]).toBe(-1);
  });

  it('measures BM25 and cosine against the best candidate of the same search', () => {
    const withSignals = (id: string, text: number | null, vector: number, fused: number) => ({
      ...candidate(id, id, fused),
      signals: { vector, text, graph: null, context: null, fused },
    });
    const rows = candidateFeatures('anything', [
      withSignals('a', 4, 0.6, 0.09),
      withSignals('b', 1, 0.8, 0.05),
      withSignals('c', null, 0.2, 0.01),
    ]);
    const at = (name: (typeof LTR_FEATURES)[number]) => LTR_FEATURES.indexOf(name);
    expect(rows.map((r) => r[at('text_relative')])).toEqual([1, 0.25, 0]);
    expect(rows.map((r) => r[at('vector_gap')]!.toFixed(2))).toEqual(['-0.20', '0.00', '-0.60']);
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

describe('the boosted-trees model', () => {
  it('learns which feature orders relevant results first, with calibrated scores', () => {
    const j = LTR_FEATURES.indexOf('query_terms_covered');
    const fitted = fitRankingModel(synthetic(j, 200));
    const model: RankingModel = { ...fitted, head: 10, usefulness: {} };
    // The first tree splits where the relevant one stands apart: on that feature.
    expect(fitted.trees.trees[0]).toMatchObject({ feature: j });
    const heldOut = synthetic(j, 50).map((s, i) => ({ ...s, id: `h${i}` }));
    expect(evaluateRanking(null, heldOut).recall_at_1).toBeLessThan(0.3);
    expect(evaluateRanking(model, heldOut).recall_at_1).toBeGreaterThan(0.9);
    // Calibrated: the mean probability is near the share relevant (one in ten).
    const ps = heldOut.flatMap((s) => s.features.map((x) => probability(model, x)));
    expect(ps.reduce((a, b) => a + b, 0) / ps.length).toBeCloseTo(0.1, 1);
    // A stored model round-trips through the check a model file or a request goes through.
    expect(checkRankingModel(JSON.parse(JSON.stringify(model)))).toEqual(model);
    // Beyond the head nothing moves.
    expect(reorder({ ...model, head: 3 }, heldOut[0]!.features).slice(3)).toEqual([3, 4, 5, 6, 7, 8, 9]);
  });

  it('measures a fit that never saw the held-out fifth, and returns one fitted on every search', () => {
    const j = LTR_FEATURES.indexOf('query_terms_covered');
    const searches = synthetic(j, 100);
    const result = trainAndEvaluate({ searches, usefulness: {}, read: 100 }, null);
    const train = searches.filter((s) => !isHeldOut(s.id));
    const heldOut = searches.filter((s) => isHeldOut(s.id));
    expect(heldOut.length).toBeGreaterThan(0);
    expect(result.examples).toEqual({ train: train.length, held_out: heldOut.length });
    expect(result.model.trees).toEqual(fitRankingModel(searches).trees);
    expect(result.model.trees).not.toEqual(fitRankingModel(train).trees);
    const checked = { ...fitRankingModel(train), head: result.model.head, usefulness: {} };
    expect(result.evaluation.candidate).toEqual(evaluateRanking(checked, heldOut));
  });
});

describe('boosted trees', () => {
  it('never splits on a feature that hardly varies in training', () => {
    // Feature 1 separates the labels perfectly but spreads over a millionth: no split on it.
    const rows = Array.from({ length: 200 }, (_, i) => [i % 7, (i % 2) * 1e-6]);
    const labels = rows.map((_, i) => i % 2);
    const model = fitBoostedTrees(rows, labels, {
      trees: 5,
      depth: 2,
      rate: 0.1,
      minLeaf: 5,
      lambda: 1,
      bins: 16,
      minSpread: 1e-3,
    });
    const features = JSON.stringify(model.trees).match(/"feature":\d/g) ?? [];
    expect(features.every((f) => f === '"feature":0')).toBe(true);
  });

  it('refuses a model of another format or other features', () => {
    const model = coverageModel(10);
    expect(isRankingModel(model)).toBe(true);
    const linear = earlierFormatModel();
    expect(isRankingModel(linear)).toBe(false);
    expect(isRankingModel({ ...model, features: LTR_FEATURES.slice(1) })).toBe(false);
    expect(isRankingModel({ ...model, features: [...LTR_FEATURES, 'a_feature_from_later'] })).toBe(false);
    const outOfRange = {
      feature: LTR_FEATURES.length,
      threshold: 0,
      left: { value: 0 },
      right: { value: 1 },
    };
    expect(isRankingModel({ ...model, trees: { ...model.trees, trees: [outOfRange] } })).toBe(false);
    expect(() => checkRankingModel(linear)).toThrow(/boosted trees/);
  });

  it('keeps serving a model fitted before features were added at the end, unchanged', () => {
    const model = coverageModel(10);
    const earlier = LTR_FEATURES.slice(0, -4);
    const older = { ...model, features: earlier };
    expect(isRankingModel(older)).toBe(true);
    // Its trees may split on its own features only.
    const beyond = { feature: earlier.length, threshold: 0, left: { value: 0 }, right: { value: 1 } };
    expect(isRankingModel({ ...older, trees: { ...model.trees, trees: [beyond] } })).toBe(false);
    const candidates = [
      rankingCandidate('m1', 'nothing in common', 0.09),
      rankingCandidate('m2', 'the cat likes fish', 0.05),
    ];
    expect(rerankScores(checkRankingModel(older), 'cat fish', candidates)).toEqual(
      rerankScores(model, 'cat fish', candidates),
    );
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
