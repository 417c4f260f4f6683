import { staticEmbedderPlugin } from '@engram/embed-static';
import { BENCH_TENANT, locomoEngine } from './locomo-engine';
import { rankingOf, round, score } from './metrics';

/**
 * How many turns before and after a top hit share its score (the context signal's window),
 * chosen per held-out conversation on the other four: node bench/dist/context-window.js
 */
async function main() {
  const { engram, questions } = await locomoEngine(staticEmbedderPlugin(), '/tmp/engram-locomo-static.db');
  const store = engram.ports.memoryStore;
  const original = store.sessionNeighbors.bind(store);
  const windows = [1, 2, 3];
  const perWindow: Map<string, ReturnType<typeof score>>[] = [];
  for (const window of windows) {
    store.sessionNeighbors = (t, id) => original(t, id, window);
    const rankings: { conv: string; r: ReturnType<typeof rankingOf> }[] = [];
    for (const q of questions) {
      const res = await engram.services.search.search(BENCH_TENANT, {
        query: q.question,
        user_id: q.user_id,
        top_k: 20,
      });
      rankings.push({ conv: q.user_id, r: rankingOf(q, res.results) });
    }
    const convs = [...new Set(rankings.map((r) => r.conv))];
    const per = convs.map((c) => score(rankings.filter((r) => r.conv === c).map((r) => r.r)));
    perWindow.push(new Map(convs.map((c, i) => [c, per[i]!])));
    const mean = (f: (x: (typeof per)[number]) => number) =>
      round(per.reduce((t, x) => t + f(x), 0) / per.length);
    console.log(
      window,
      per.map((p) => round(p.recall['@10']!)).join(' '),
      'mean',
      mean((x) => x.recall['@1']!),
      mean((x) => x.recall['@5']!),
      mean((x) => x.recall['@10']!),
      mean((x) => x.ndcg10),
    );
  }
  // Cross-validated: each conversation measured with the window the other four chose.
  const convs = [...perWindow[0]!.keys()];
  const gain = (w: number, c: string) =>
    perWindow[w]!.get(c)!.recall['@1']! + perWindow[w]!.get(c)!.recall['@10']!;
  const held = convs.map((c) => {
    const chosen = windows
      .map((_, w) => w)
      .reduce((best, w) => {
        const total = (x: number) => convs.filter((o) => o !== c).reduce((t, o) => t + gain(x, o), 0);
        return total(w) > total(best) ? w : best;
      }, 0);
    return { c, window: windows[chosen], s: perWindow[chosen]!.get(c)! };
  });
  const avg = (f: (s: ReturnType<typeof score>) => number) =>
    round(held.reduce((t, h) => t + f(h.s), 0) / held.length);
  console.log(
    'chosen',
    held.map((h) => `${h.c}:${h.window}`).join(' '),
    'cross-validated r@1/r@5/r@10/nDCG',
    avg((s) => s.recall['@1']!),
    avg((s) => s.recall['@5']!),
    avg((s) => s.recall['@10']!),
    avg((s) => s.ndcg10),
  );
  await engram.shutdown();
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
