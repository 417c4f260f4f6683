import type { SearchResult } from '@engram/core';
import {
  fitRelevanceModel,
  orderByRelevance,
  type RelevanceModel,
  relevanceFeatures,
  scoreRelevance,
} from '@engram/core';
import { staticEmbedderPlugin } from '@engram/embed-static';
import type { Question } from './locomo';
import { BENCH_TENANT, locomoEngine } from './locomo-engine';
import { rankingOf, round, score } from './metrics';

/**
 * Fits the model that turns a result's signals into a calibrated relevance (core's
 * `search.relevance`), cross-validated across conversations: fit on four, measured on the
 * fifth, so no conversation is both fitted and measured on. Prints per fold the recall of the
 * default ranking and of the ranking by the model's relevance, and how well the relevance is
 * calibrated (expected calibration error over 10 bins, Brier score); then the coefficients fit
 * on all five, which go into config/opensource.yaml when they are better.
 *   node bench/dist/calibrate.js [--data PATH] [--db /tmp/engram-locomo-static.db]
 */

interface Sample {
  question: Question;
  results: SearchResult[];
}

const DEPTH = 50;

function expectedCalibrationError(pairs: { p: number; y: number }[], bins = 10) {
  let error = 0;
  for (let b = 0; b < bins; b++) {
    const inBin = pairs.filter(
      ({ p }) => p >= b / bins && (p < (b + 1) / bins || (b === bins - 1 && p === 1)),
    );
    if (!inBin.length) continue;
    const meanP = inBin.reduce((s, x) => s + x.p, 0) / inBin.length;
    const meanY = inBin.reduce((s, x) => s + x.y, 0) / inBin.length;
    error += (inBin.length / pairs.length) * Math.abs(meanP - meanY);
  }
  return error;
}

const relevantIds = (q: Question) => new Set(q.evidence);
const isRelevant = (q: Question, r: SearchResult) =>
  relevantIds(q).has(String((r.memory.metadata as { dia_id?: string }).dia_id));

function examples(samples: Sample[]) {
  return samples.flatMap(({ question, results }) =>
    results.map((r, rank) => ({ x: relevanceFeatures(r, rank), y: isRelevant(question, r) ? 1 : 0 })),
  );
}

/** The fused ranking with its first `head` results sorted by relevance (0: as fused). */
function rerankedScores(samples: Sample[], model: RelevanceModel | null, head = 0) {
  const rankings = samples.map(({ question, results }) => {
    const sorted = model
      ? results
          .slice(0, head)
          .map((r, rank) => ({ r, p: scoreRelevance(model, relevanceFeatures(r, rank)) }))
          .sort((a, b) => b.p - a.p)
          .map(({ r }) => r)
      : [];
    const ordered = [...sorted, ...results.slice(sorted.length)];
    return rankingOf(question, ordered.slice(0, 20));
  });
  return score(rankings);
}

async function main() {
  const { engram, questions } = await locomoEngine(staticEmbedderPlugin(), '/tmp/engram-locomo-static.db');
  // Raw fused ranking: the model is what is measured here, so the configured one stays out.
  engram.config.search.relevance = null;
  const tenant = BENCH_TENANT;
  const samples: Sample[] = [];
  for (const q of questions) {
    const res = await engram.services.search.search(tenant, {
      query: q.question,
      user_id: q.user_id,
      top_k: DEPTH,
    });
    samples.push({ question: q, results: res.results });
  }
  const conversations = [...new Set(questions.map((q) => q.user_id))];
  const folds: Record<string, unknown>[] = [];
  const pooled: { p: number; y: number }[] = [];
  const answered: { p: number; y: number }[] = [];
  const sums = { base: [0, 0, 0, 0], model: [0, 0, 0, 0] };
  for (const held of conversations) {
    const train = samples.filter((s) => s.question.user_id !== held);
    const test = samples.filter((s) => s.question.user_id === held);
    const model = fitRelevanceModel(examples(train));
    const pairs = examples(test).map(({ x, y }) => ({ p: scoreRelevance(model, x), y }));
    pooled.push(...pairs);
    // As search answers: the head ordered by relevance, scores never rising, top 10.
    for (const { question, results } of test) {
      for (const r of orderByRelevance(model, results).slice(0, 10)) {
        answered.push({ p: r.score, y: isRelevant(question, r) ? 1 : 0 });
      }
    }
    // How many of the first results to sort by relevance, chosen on the four training
    // conversations only (up to 10, the top 10 hold the same memories as fused).
    const heads = [0, 2, 3, 5, 10, 50];
    const gain = (h: number) => {
      const t = rerankedScores(train, model, h);
      return t.recall['@1']! + t.recall['@10']! + t.ndcg10;
    };
    const head = heads.reduce((best, h) => (gain(h) > gain(best) ? h : best), heads[0]!);
    const base = rerankedScores(test, null);
    const learned = rerankedScores(test, model, head);
    const r = (s: typeof base) => [s.recall['@1']!, s.recall['@5']!, s.recall['@10']!, s.ndcg10];
    for (const [i, v] of r(base).entries()) sums.base[i]! += v / conversations.length;
    for (const [i, v] of r(learned).entries()) sums.model[i]! += v / conversations.length;
    folds.push({
      held,
      base: r(base).map((v) => round(v)),
      model: r(learned).map((v) => round(v)),
      head,
      ece: round(expectedCalibrationError(pairs)),
    });
  }
  for (const f of folds) console.log(JSON.stringify(f));
  console.log(
    `cross-validated mean over ${conversations.length} conversations (r@1, r@5, r@10, nDCG@10):`,
    `default ${sums.base.map((v) => round(v)).join(' / ')}; head ordered by relevance ${sums.model.map((v) => round(v)).join(' / ')}`,
  );
  const brier = pooled.reduce((s, { p, y }) => s + (p - y) ** 2, 0) / pooled.length;
  console.log(
    `held-out calibration: ECE ${round(expectedCalibrationError(pooled))}, Brier ${round(brier, 4)}`,
  );
  const meanP = answered.reduce((t, a) => t + a.p, 0) / answered.length;
  const meanY = answered.reduce((t, a) => t + a.y, 0) / answered.length;
  console.log(
    `as answered (top 10): ECE ${round(expectedCalibrationError(answered))}, mean score ${round(meanP)} vs share relevant ${round(meanY)}`,
  );
  for (const threshold of [0.05, 0.1, 0.2, 0.3, 0.5]) {
    const kept = answered.filter((a) => a.p >= threshold);
    const precision = kept.reduce((t, a) => t + a.y, 0) / (kept.length || 1);
    console.log(
      `  min_score ${threshold}: keeps ${kept.length} of ${answered.length}, of which ${round(precision)} relevant`,
    );
  }
  console.log('fit on all conversations:', JSON.stringify(fitRelevanceModel(examples(samples))));
  await engram.shutdown();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
