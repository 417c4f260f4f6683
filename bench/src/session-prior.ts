import type { SearchResult } from '@engram/core';
import { staticEmbedderPlugin } from '@engram/embed-static';
import type { Question } from './locomo';
import { BENCH_TENANT, locomoEngine } from './locomo-engine';
import { rankingOf, round, score } from './metrics';

/**
 * Session-level evidence as a prior: a turn gains `gamma` times its session's share of the fused
 * score among the candidates, so turns of the session the search keeps landing in rise.
 * Measured per conversation with gamma chosen on the other four: node bench/dist/session-prior.js
 */
async function main() {
  const { engram, questions } = await locomoEngine(staticEmbedderPlugin(), '/tmp/engram-locomo-static.db');
  engram.config.search.relevance = null;
  const samples: { q: Question; results: SearchResult[] }[] = [];
  for (const q of questions) {
    const res = await engram.services.search.search(BENCH_TENANT, {
      query: q.question,
      user_id: q.user_id,
      top_k: 50,
    });
    samples.push({ q, results: res.results });
  }
  const reorder = (results: SearchResult[], gamma: number, depth: number) => {
    const bySession = new Map<string, number>();
    let total = 0;
    for (const r of results.slice(0, depth)) {
      const s = r.memory.session_id ?? r.memory.id;
      bySession.set(s, (bySession.get(s) ?? 0) + r.score);
      total += r.score;
    }
    return results
      .map((r) => ({
        r,
        v: r.score + (gamma * (bySession.get(r.memory.session_id ?? r.memory.id) ?? 0)) / (total || 1),
      }))
      .sort((a, b) => b.v - a.v)
      .map(({ r }) => r);
  };
  const measure = (set: typeof samples, gamma: number, depth: number) =>
    score(set.map(({ q, results }) => rankingOf(q, reorder(results, gamma, depth).slice(0, 20))));
  const grid: [number, number][] = [];
  for (const gamma of [0, 0.02, 0.05, 0.1, 0.2]) for (const depth of [10, 20, 50]) grid.push([gamma, depth]);
  const convs = [...new Set(questions.map((q) => q.user_id))];
  const sums = { base: [0, 0, 0, 0], prior: [0, 0, 0, 0] };
  const byCat: Record<string, number[]> = {};
  for (const held of convs) {
    const train = samples.filter((s) => s.q.user_id !== held);
    const test = samples.filter((s) => s.q.user_id === held);
    const gain = ([g, d]: [number, number]) => {
      const t = measure(train, g, d);
      return t.recall['@10']! + t.recall['@1']!;
    };
    const best = grid.reduce((b, x) => (gain(x) > gain(b) ? x : b), grid[0]!);
    const base = measure(test, 0, 10);
    const prior = measure(test, best[0], best[1]);
    const r = (s: typeof base) => [s.recall['@1']!, s.recall['@5']!, s.recall['@10']!, s.ndcg10];
    for (const [i, v] of r(base).entries()) sums.base[i]! += v / convs.length;
    for (const [i, v] of r(prior).entries()) sums.prior[i]! += v / convs.length;
    for (const [c, v] of Object.entries(prior.by_category)) {
      byCat[c] = [...(byCat[c] ?? []), v.recall10 - base.by_category[c]!.recall10];
    }
    console.log(
      JSON.stringify({
        held,
        best,
        base: r(base).map((v) => round(v)),
        prior: r(prior).map((v) => round(v)),
      }),
    );
  }
  console.log(
    `mean r@1/r@5/r@10/nDCG: base ${sums.base.map((v) => round(v)).join(' / ')}; session prior ${sums.prior.map((v) => round(v)).join(' / ')}`,
  );
  console.log(
    'recall@10 change by category:',
    JSON.stringify(
      Object.fromEntries(
        Object.entries(byCat).map(([c, v]) => [c, round(v.reduce((a, b) => a + b, 0) / v.length)]),
      ),
    ),
  );
  await engram.shutdown();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
