import type { ScoredId } from '@engram/core';
import { terms } from '@engram/core';
import { staticEmbedderPlugin } from '@engram/embed-static';
import { BENCH_TENANT, locomoEngine } from './locomo-engine';
import { rankingOf, round, score } from './metrics';

/**
 * Pseudo-relevance feedback for the lexical retriever, measured per conversation: the words
 * most shared by the best lexical hits are added to the query and the retriever asked again.
 * An experiment (README, what was tried): node bench/dist/prf.js [--db FILE].
 */
async function main() {
  const { engram, questions } = await locomoEngine(staticEmbedderPlugin(), '/tmp/engram-locomo-static.db');
  engram.config.search.relevance = null;
  const tenant = BENCH_TENANT;
  const text = engram.ports.textIndex;
  const original = text.search.bind(text);
  let setting = { docs: 0, words: 0 };
  text.search = async (tenantId, query, k, filter): Promise<ScoredId[]> => {
    const first = await original(tenantId, query, k, filter);
    if (!setting.docs) return first;
    const top = await engram.ports.memoryStore.getMany(
      tenantId,
      first.slice(0, setting.docs).map((h) => h.id),
    );
    const asked = new Set(terms(query));
    const shared = new Map<string, number>();
    for (const m of top) {
      // Content is "Speaker: words"; the speaker is in every turn of theirs, so it says nothing.
      for (const w of new Set(terms(m.content.replace(/^[^:]{1,40}:/, '')))) {
        if (!asked.has(w)) shared.set(w, (shared.get(w) ?? 0) + 1);
      }
    }
    const extra = [...shared.entries()]
      .filter(([, n]) => n >= 2)
      .sort((a, b) => b[1] - a[1])
      .slice(0, setting.words)
      .map(([w]) => w);
    if (!extra.length) return first;
    const second = await original(tenantId, `${query} ${extra.join(' ')}`, k, filter);
    // Both rankings count: the original's order leads, the expanded one adds what it found.
    const fused = new Map<string, number>();
    for (const [r, h] of first.entries()) fused.set(h.id, (fused.get(h.id) ?? 0) + 1 / (10 + r));
    for (const [r, h] of second.entries()) fused.set(h.id, (fused.get(h.id) ?? 0) + 0.5 / (10 + r));
    return [...fused.entries()].sort((a, b) => b[1] - a[1]).map(([id, s]) => ({ id, score: s }));
  };
  for (const s of [
    { docs: 0, words: 0 },
    { docs: 3, words: 3 },
    { docs: 5, words: 3 },
    { docs: 5, words: 6 },
    { docs: 10, words: 5 },
  ]) {
    setting = s;
    const rankings: { conv: string; r: ReturnType<typeof rankingOf> }[] = [];
    for (const q of questions) {
      const res = await engram.services.search.search(tenant, {
        query: q.question,
        user_id: q.user_id,
        top_k: 20,
      });
      rankings.push({ conv: q.user_id, r: rankingOf(q, res.results) });
    }
    const convs = [...new Set(rankings.map((r) => r.conv))];
    const per = convs.map((c) => score(rankings.filter((r) => r.conv === c).map((r) => r.r)));
    const mean = (f: (x: (typeof per)[number]) => number) =>
      round(per.reduce((t, x) => t + f(x), 0) / per.length);
    const all = score(rankings.map((r) => r.r));
    console.log(
      JSON.stringify(s),
      `per-conversation mean r@1 ${mean((x) => x.recall['@1']!)} r@5 ${mean((x) => x.recall['@5']!)} r@10 ${mean((x) => x.recall['@10']!)} ndcg ${mean((x) => x.ndcg10)}`,
      JSON.stringify(all.by_category),
    );
  }
  await engram.shutdown();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
