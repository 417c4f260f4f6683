import type { ScoredId } from '@engram/core';
import { terms } from '@engram/core';
import { staticEmbedderPlugin } from '@engram/embed-static';
import { locomoEngine, meanOver, scoresByConversation } from './locomo-engine';
import type { QualityScores } from './metrics';

/**
 * Pseudo-relevance feedback for the lexical retriever, measured per conversation: the words
 * most shared by the best lexical hits are added to the query and the retriever asked again.
 * An experiment (README, what was tried): node bench/dist/prf.js [--db FILE].
 */
async function main() {
  const { engram, questions } = await locomoEngine(staticEmbedderPlugin(), '/tmp/engram-locomo-static.db');
  engram.config.search.relevance = null;
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
    const { all, byConversation } = await scoresByConversation(engram, questions);
    const mean = (f: (x: QualityScores) => number) => meanOver(byConversation.values(), f);
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
