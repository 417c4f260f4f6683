export const KS = [1, 5, 10, 20] as const;

/** Share of the evidence found in the first k results. */
export function recallAt(ranked: string[], relevant: Set<string>, k: number): number {
  const top = new Set(ranked.slice(0, k));
  let hit = 0;
  for (const r of relevant) if (top.has(r)) hit++;
  return relevant.size ? hit / relevant.size : 0;
}

export function ndcgAt(ranked: string[], relevant: Set<string>, k: number): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((id, i) => {
    if (relevant.has(id)) dcg += 1 / Math.log2(i + 2);
  });
  let ideal = 0;
  for (let i = 0; i < Math.min(relevant.size, k); i++) ideal += 1 / Math.log2(i + 2);
  return ideal ? dcg / ideal : 0;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)]!;
}

export const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

export interface QualityScores {
  questions: number;
  recall: Record<string, number>;
  ndcg10: number;
  by_category: Record<string, { questions: number; recall10: number }>;
}

/** Averages per-question rankings into recall@k, nDCG@10 and per-category recall@10. */
export function score(
  rankings: { ranked: string[]; relevant: Set<string>; category: number }[],
): QualityScores {
  const recall: Record<string, number> = {};
  for (const k of KS)
    recall[`@${k}`] = round(
      rankings.reduce((s, r) => s + recallAt(r.ranked, r.relevant, k), 0) / rankings.length,
    );
  const byCategory: QualityScores['by_category'] = {};
  for (const cat of [1, 2, 3, 4]) {
    const rs = rankings.filter((r) => r.category === cat);
    if (!rs.length) continue;
    byCategory[String(cat)] = {
      questions: rs.length,
      recall10: round(rs.reduce((s, r) => s + recallAt(r.ranked, r.relevant, 10), 0) / rs.length),
    };
  }
  return {
    questions: rankings.length,
    recall,
    ndcg10: round(rankings.reduce((s, r) => s + ndcgAt(r.ranked, r.relevant, 10), 0) / rankings.length),
    by_category: byCategory,
  };
}

/** One question's ranking, keyed `user/dia_id` so turns of different conversations never collide. */
export function rankingOf(
  question: { user_id: string; evidence: string[]; category: number },
  results: { memory: { metadata: { dia_id?: unknown } } }[],
) {
  return {
    ranked: results.map((r) => `${question.user_id}/${String(r.memory.metadata.dia_id)}`),
    relevant: new Set(question.evidence.map((e) => `${question.user_id}/${e}`)),
    category: question.category,
  };
}
