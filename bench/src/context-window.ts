import { staticEmbedderPlugin } from '@engram/embed-static';
import { locomoEngine, meanOver, printCrossValidated, scoresByConversation } from './locomo-engine';
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
  printCrossValidated(windows, perWindow, (s) => s.recall['@1']! + s.recall['@10']!);
  await engram.shutdown();
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
