import type { Embedder } from '@engram/core';
import { StaticEmbedder } from '@engram/embed-static';
import { UseLiteEmbedder } from '@engram/embed-use';
import type { Question, Turn } from './locomo';
import { rankingOf, score } from './metrics';

/**
 * The offline embedders alone, without fusion: how fast each embeds the LoCoMo turns, and the
 * dense recall@10 of per-user cosine search with its vectors (what the vector signal brings).
 */
export async function embedderBench(turns: Turn[], questions: Question[]) {
  const rows: Record<string, unknown> = {};
  const candidates: [string, () => Embedder, string][] = [
    ['static', () => new StaticEmbedder(), '1 thread'],
    ['use_lite', () => new UseLiteEmbedder(), 'worker threads on every core (at most 4)'],
  ];
  for (const [name, make, threads] of candidates) {
    const embedder = make();
    await embedder.embed(['warm up']); // model load is not throughput
    const started = performance.now();
    const turnVectors = await embedder.embed(turns.map((t) => t.content));
    const seconds = (performance.now() - started) / 1000;
    const questionVectors = await embedder.embed(questions.map((q) => q.question));
    await embedder.close?.();
    rows[name] = {
      model: embedder.modelId,
      texts_per_second: Math.round(turns.length / seconds),
      threads,
      dense_recall_at_10: denseRecall(turns, turnVectors, questions, questionVectors),
    };
  }
  return rows;
}

function denseRecall(
  turns: Turn[],
  turnVectors: Float32Array[],
  questions: Question[],
  queryVectors: Float32Array[],
) {
  const rankings = questions.map((q, qi) => {
    const query = queryVectors[qi]!;
    const scored: [string, number][] = [];
    for (const [i, t] of turns.entries()) {
      if (t.user_id !== q.user_id) continue;
      const v = turnVectors[i]!;
      let dot = 0;
      for (let d = 0; d < v.length; d++) dot += v[d]! * query[d]!;
      scored.push([t.dia_id, dot]);
    }
    scored.sort((a, b) => b[1] - a[1]);
    return rankingOf(
      q,
      scored.slice(0, 20).map(([dia_id]) => ({ memory: { metadata: { dia_id } } })),
    );
  });
  return score(rankings).recall['@10']!;
}
