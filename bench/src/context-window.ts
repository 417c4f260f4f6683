import { staticEmbedderPlugin } from '@engram/embed-static';
import { locomoEngine, meanOver, scoresByConversation } from './locomo-engine';
import { type QualityScores, round } from './metrics';

/**
 * How many turns before and after a top hit share its score (the context signal's window),
 * chosen per held-out conversation on the other four: node bench/dist/context-window.js
 */
async function main() {
  const { engram, questions } = await locomoEngine(staticEmbedderPlugin(), '/tmp/engram-locomo-static.db');
  const store = engram.ports.memoryStore;
  const original = store.sessionNeighbors.bind(store);
  const windows = [1, 2, 3];
  const perWindow: Map<string, QualityScores>[] = [];
  for (const window of windows) {
    store.sessionNeighbors = (t, id) => original(t, id, window);
    const { byConversation } = await scoresByConversation(engram, questions);
    const per = [...byConversation.values()];
    perWindow.push(byConversation);
    const mean = (f: (x: QualityScores) => number) => meanOver(per, f);
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
  const avg = (f: (s: QualityScores) => number) => round(held.reduce((t, h) => t + f(h.s), 0) / held.length);
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
