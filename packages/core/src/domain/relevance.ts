import type { SignalScores } from './types';

/**
 * A result's relevance: the estimated probability that it answers the query, from its signals,
 * by a logistic model fitted on labelled searches (LoCoMo dev questions and their evidence,
 * bench/src/calibrate.ts, cross-validated across conversations). Unlike the fused rank score,
 * whose values depend on how many retrievers agreed in that one query, it means the same
 * across queries: 0.3 is "about three in ten such results are relevant", so `min_score` is a
 * threshold a caller can keep.
 */
export interface RelevanceModel {
  /** What the features are, in order (relevanceFeatures); a model of other features is refused. */
  features: readonly string[];
  /** Standardisation of each feature, then its weight. */
  mean: number[];
  scale: number[];
  weights: number[];
  bias: number;
}

export const RELEVANCE_FEATURES = [
  'vector_cosine',
  'text_bm25_log',
  'text_present',
  'graph_log',
  'context_count',
  'fused_rrf',
  'rank_reciprocal',
] as const;

/** The features of a result at `rank` (0-based) of the fused ranking. */
export function relevanceFeatures(result: { score: number; signals: SignalScores }, rank: number): number[] {
  const { vector, text, graph, context } = result.signals;
  return [
    vector ?? 0,
    Math.log1p(Math.max(text ?? 0, 0)),
    text === null ? 0 : 1,
    Math.log1p(Math.max(graph ?? 0, 0)),
    context ?? 0,
    result.score,
    1 / (rank + 1),
  ];
}

/**
 * Fitted on the LoCoMo dev conversations with the default (static) embedder: node
 * bench/dist/calibrate.js. Cross-validated across conversations, held-out ECE 0.002 over every
 * candidate, 0.023 over the top 10 as answered. Another embedder has another cosine
 * distribution: refit with it (config `search.relevance`) for scores that stay calibrated.
 */
export const DEFAULT_RELEVANCE_MODEL: RelevanceModel = {
  features: RELEVANCE_FEATURES,
  mean: [0.6364, 1.31126, 0.76345, 0.06458, 0.55558, 0.07621, 0.08998],
  scale: [0.43549, 0.83921, 0.42497, 0.13527, 0.66591, 0.04207, 0.15622],
  weights: [0.31562, 0.44094, -0.29503, 0.02219, -0.18455, 0.59519, 0.24887],
  bias: -4.52948,
};

/**
 * How many of the first results are put in order of relevance, chosen by cross-validation across
 * the LoCoMo dev conversations (bench/src/calibrate.ts). With the context window of 1 it picked 5
 * on every fold and raised recall@1 0.269 -> 0.308; with the window of 2 now used, the fused order
 * is already better at the top (recall@1 0.289) and ordering the head (5 on four folds, 10 on
 * one) changes little held out: recall@1 0.290, nDCG@10 0.515 -> 0.517, recall@5 0.626 -> 0.622.
 * Sorting every result by relevance recalled less (recall@10 0.663 against 0.689, window 1).
 */
export const RELEVANCE_HEAD = 5;

/**
 * Results in the order search answers them, with their relevance as `score`: the first `head`
 * of the fused ranking sorted by relevance, the rest in fused order; a score is never higher
 * than the one above it (beyond the head the model is not allowed to reorder, so a lower
 * neighbour caps it).
 */
export function orderByRelevance<T extends { score: number; signals: SignalScores }>(
  model: RelevanceModel,
  ranked: T[],
  head = RELEVANCE_HEAD,
): T[] {
  const scored = ranked.map((r, rank) => ({ r, p: scoreRelevance(model, relevanceFeatures(r, rank)) }));
  const top = scored.slice(0, head).sort((a, b) => b.p - a.p);
  let above = 1;
  return [...top, ...scored.slice(top.length)].map(({ r, p }) => {
    above = Math.min(above, p);
    return { ...r, score: Math.round(above * 1e6) / 1e6 };
  });
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function scoreRelevance(model: RelevanceModel, features: number[]): number {
  let z = model.bias;
  for (let i = 0; i < features.length; i++) {
    z += model.weights[i]! * ((features[i]! - model.mean[i]!) / model.scale[i]!);
  }
  return sigmoid(z);
}

/**
 * Logistic regression by full-batch gradient descent on standardised features, with a little
 * L2 so rare feature values do not get extreme weights. Small and deterministic: a few thousand
 * examples fit in well under a second.
 */
export function fitRelevanceModel(
  examples: { x: number[]; y: number }[],
  { iterations = 2000, rate = 0.5, l2 = 1e-3 } = {},
): RelevanceModel {
  const n = examples.length;
  const d = RELEVANCE_FEATURES.length;
  const mean = Array.from({ length: d }, (_, j) => examples.reduce((s, e) => s + e.x[j]!, 0) / n);
  const scale = Array.from({ length: d }, (_, j) => {
    const variance = examples.reduce((s, e) => s + (e.x[j]! - mean[j]!) ** 2, 0) / n;
    return Math.sqrt(variance) || 1;
  });
  const xs = examples.map((e) => e.x.map((v, j) => (v - mean[j]!) / scale[j]!));
  const weights = new Array<number>(d).fill(0);
  let bias = 0;
  for (let it = 0; it < iterations; it++) {
    const grad = new Array<number>(d).fill(0);
    let gradBias = 0;
    for (let i = 0; i < n; i++) {
      let z = bias;
      for (let j = 0; j < d; j++) z += weights[j]! * xs[i]![j]!;
      const error = sigmoid(z) - examples[i]!.y;
      for (let j = 0; j < d; j++) grad[j]! += error * xs[i]![j]!;
      gradBias += error;
    }
    for (let j = 0; j < d; j++) weights[j]! -= rate * (grad[j]! / n + l2 * weights[j]!);
    bias -= rate * (gradBias / n);
  }
  const round = (v: number) => Math.round(v * 1e5) / 1e5;
  return {
    features: RELEVANCE_FEATURES,
    mean: mean.map(round),
    scale: scale.map(round),
    weights: weights.map(round),
    bias: round(bias),
  };
}
