import { BOOSTING_DEFAULTS, type BoostedTrees, boostedScore, fitBoostedTrees, isTree } from './boosted-trees';
import fitted from './default-ranking-model.json';
import { type Candidate, candidateFeatures, LTR_FEATURES } from './ranking-features';

/**
 * A learning-to-rank model over LTR_FEATURES: boosted trees scoring how likely a candidate is
 * relevant, with the scores calibrated to 0..1. The cloud trains one per project from its logs
 * (ee); any deployment can fit one from the exported logs with these same functions and serve
 * it from a file (ENGRAM_RERANKER_MODEL).
 */
export interface RankingModel {
  features: readonly string[];
  trees: BoostedTrees;
  /** Platt scaling of the trees' score: p = sigmoid(a * s + b). */
  platt: { a: number; b: number };
  /** How many of the first results it reorders (the rest keep the fused order). */
  head: number;
  /** Past feedback per memory id, as of training (the usefulness feature at search time). */
  usefulness: Record<string, number>;
}

/** One logged search as training sees it: each candidate's features and whether it was relevant. */
export interface LabelledSearch {
  id: string;
  features: number[][];
  labels: number[];
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export const modelScore = (model: Pick<RankingModel, 'trees'>, x: number[]) => boostedScore(model.trees, x);

/** A score of the trees as a probability (Platt). */
const calibrated = (model: Pick<RankingModel, 'platt'>, score: number) =>
  sigmoid(model.platt.a * score + model.platt.b);

export const probability = (model: RankingModel, x: number[]) => calibrated(model, modelScore(model, x));

/**
 * Boosted trees with the logistic loss over every candidate of every search (relevant or not),
 * then a one-variable logistic fit (Platt) so the scores are probabilities on the data they
 * were fitted to. Measured on LoCoMo across conversations (trained on four, ranked on the
 * fifth), this pointwise fit ranked at least as well as pairwise trees (LambdaMART: recall@10
 * 0.775-0.78 against 0.785) and, on the linear model's features alone, as well as that model;
 * the gain over it came with the features it could not combine (who wrote a memory and whom
 * the question names). Deterministic.
 */
export function fitRankingModel(searches: LabelledSearch[]): Omit<RankingModel, 'head' | 'usefulness'> {
  const rows = searches.flatMap((s) => s.features);
  const labels = searches.flatMap((s) => s.labels);
  const model = { features: LTR_FEATURES, trees: fitBoostedTrees(rows, labels, BOOSTING_DEFAULTS) };
  const scored = rows.map((x, i) => ({ s: modelScore(model, x), y: labels[i]! > 0 ? 1 : 0 }));
  return { ...model, platt: fitPlatt(scored) };
}

function fitPlatt(points: { s: number; y: number }[], iterations = 500, rate = 0.5) {
  let a = 1;
  let b = 0;
  if (points.length === 0) return { a, b };
  for (let it = 0; it < iterations; it++) {
    let ga = 0;
    let gb = 0;
    for (const { s, y } of points) {
      const e = sigmoid(a * s + b) - y;
      ga += e * s;
      gb += e;
    }
    a -= (rate * ga) / points.length;
    b -= (rate * gb) / points.length;
  }
  return { a, b };
}

/** The candidates' order under a model: its first `head` sorted by the model, the rest as they were. */
export function reorder(model: RankingModel | null, features: number[][]): number[] {
  const order = features.map((_, i) => i);
  if (!model) return order;
  const { order: head } = byModel(model, features.slice(0, model.head));
  return [...head, ...order.slice(head.length)];
}

/**
 * Candidates' indexes by the model's score, highest first, with each one's score. Scored once
 * each: a sort's comparisons would walk every tree O(n log n) times.
 */
function byModel(model: Pick<RankingModel, 'trees'>, features: number[][]) {
  const scores = features.map((x) => modelScore(model, x));
  return { scores, order: scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]!) };
}

export interface RankingMetrics {
  searches: number;
  recall_at_1: number;
  recall_at_5: number;
  recall_at_10: number;
  ndcg_at_10: number;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Recall@k and nDCG@10 of searches under a model (null: the order they were answered in). */
export function evaluateRanking(model: RankingModel | null, searches: LabelledSearch[]): RankingMetrics {
  const sums = { r1: 0, r5: 0, r10: 0, ndcg: 0 };
  const judged = searches.filter((s) => s.labels.some((y) => y > 0));
  for (const s of judged) {
    const ranked = reorder(model, s.features).map((i) => s.labels[i]! > 0);
    const relevant = ranked.filter(Boolean).length;
    const recall = (k: number) => ranked.slice(0, k).filter(Boolean).length / relevant;
    sums.r1 += recall(1);
    sums.r5 += recall(5);
    sums.r10 += recall(10);
    let dcg = 0;
    ranked.slice(0, 10).forEach((hit, i) => {
      if (hit) dcg += 1 / Math.log2(i + 2);
    });
    let ideal = 0;
    for (let i = 0; i < Math.min(relevant, 10); i++) ideal += 1 / Math.log2(i + 2);
    sums.ndcg += dcg / ideal;
  }
  const n = judged.length || 1;
  return {
    searches: judged.length,
    recall_at_1: round(sums.r1 / n),
    recall_at_5: round(sums.r5 / n),
    recall_at_10: round(sums.r10 / n),
    ndcg_at_10: round(sums.ndcg / n),
  };
}

/**
 * Head sizes a model may reorder: the first page, two pages, or every candidate a search
 * fuses by default (50). Chosen per training by cross-validation (below). On the LoCoMo dev
 * conversations the trees reordering all 50 lifted recall@10 (cross-validated 0.736 to 0.78):
 * they bring answers up from the second and later pages, which a linear model could not (with
 * it, heads beyond 10 lowered recall@10 and the choice was kept to the first page).
 */
export const HEADS = [10, 20, 50];

/**
 * How many of the first results to reorder: by 5-fold cross-validation over the training
 * searches (fit on four fifths, measure nDCG@10 + recall@10 on the fifth), the smallest on
 * ties. Chosen on the searches the model was fitted to, wider heads looked better than they
 * were; chosen on one small held-out set, the choice changed from run to run.
 */
export function chooseHead(searches: LabelledSearch[], folds = 5): number {
  const gains = new Map(HEADS.map((h) => [h, 0]));
  for (let k = 0; k < folds; k++) {
    const model = fitRankingModel(searches.filter((_, i) => i % folds !== k));
    const validation = searches.filter((_, i) => i % folds === k);
    for (const head of HEADS) {
      const m = evaluateRanking({ ...model, head, usefulness: {} }, validation);
      gains.set(head, gains.get(head)! + m.ndcg_at_10 + m.recall_at_10);
    }
  }
  return HEADS.reduce((best, h) => (gains.get(h)! > gains.get(best)! + 1e-9 ? h : best), HEADS[0]!);
}

/**
 * The scores a reranker answers under a model: the first `head` candidates ordered by it with
 * its calibrated probabilities, strictly falling along the new order (so sorting by score gives
 * exactly that order); a candidate beyond the head keeps its score unless that would lift it
 * above the one before.
 */
export function rerankScores(
  model: RankingModel,
  query: string,
  candidates: (Omit<Candidate, 'signals'> & { signals?: Candidate['signals'] })[],
): number[] {
  // Features of the head only: the rest keep their order, and the head is the fused top (search
  // reorders no further down before this), so its fused ranks are the same as among all.
  const head = candidates.slice(0, model.head);
  const features = candidateFeatures(
    query,
    head.map((c) => ({
      ...c,
      signals: c.signals ?? { vector: null, text: null, graph: null, context: null },
    })),
    (id) => model.usefulness[id] ?? 0,
  );
  const rest = candidates.slice(head.length).map((_, i) => head.length + i);
  const ranked = byModel(model, features);
  const scores = new Array<number>(candidates.length);
  let above = Number.POSITIVE_INFINITY;
  [...ranked.order, ...rest].forEach((i, position) => {
    const own = position < head.length ? calibrated(model, ranked.scores[i]!) : candidates[i]!.score;
    above = Math.max(0, Math.min(own, above - 1e-6));
    scores[i] = above;
  });
  return scores;
}

/** Whether a stored model can be served by this version (its format and features are these). */
export function isRankingModel(model: unknown): model is RankingModel {
  try {
    checkRankingModel(model);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a model's features are this version's first ones: features are only ever added at
 * the end, so a model fitted before an addition (a project's stored versions, a file) keeps
 * serving; its trees split on its own features only and ignore the rest.
 */
const fittedOnEarlierFeatures = (features: unknown): features is string[] =>
  Array.isArray(features) &&
  features.length > 0 &&
  features.length <= LTR_FEATURES.length &&
  features.every((f, i) => f === LTR_FEATURES[i]);

/** A model as read from a file or a request: fitted on these features, or on the first of them. */
export function checkRankingModel(model: unknown): RankingModel {
  const m = model as RankingModel;
  const finite = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
  if (
    !m ||
    !fittedOnEarlierFeatures(m.features) ||
    !finite(m.trees?.base) ||
    !finite(m.trees?.rate) ||
    !Array.isArray(m.trees?.trees) ||
    !m.trees.trees.every((t) => isTree(t, m.features.length)) ||
    !finite(m.platt?.a) ||
    !finite(m.platt?.b) ||
    !Number.isInteger(m.head) ||
    m.head < 1
  ) {
    throw new Error(`not a ranking model (boosted trees) over the features ${LTR_FEATURES.join(', ')}`);
  }
  return { ...m, usefulness: m.usefulness ?? {} };
}

/**
 * Core's default ranking model, fitted on the LoCoMo dev conversations with the default (static)
 * embedder through the same pipeline as a deployment's own (`node bench/dist/trained-reranker.js
 * --write-default`: the dev questions searched, their evidence sent as feedback,
 * ModelRegistry.train), with no per-memory feedback. What it does to held-out conversations is
 * measured by the same script (trained on four, searched on the fifth): see the README's search
 * section. `search.ranking: null` turns it off; a deployment's own model replaces it there.
 */
export const DEFAULT_RANKING_MODEL: RankingModel | null = fitted as unknown as RankingModel;
