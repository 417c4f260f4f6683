import { staticEmbedderPlugin } from '@engram/embed-static';
import type { SqliteTextIndex } from '@engram/store-sqlite';
import { locomoEngine, meanOver, option, printCrossValidated, scoresByConversation } from './locomo-engine';
import type { QualityScores } from './metrics';

/**
 * BM25's k1 and b for a user's text search (FTS5's 1.2 / 0.75 by default), measured through the
 * whole hybrid search and chosen per held-out conversation on the other four:
 *   node bench/dist/bm25-parameters.js [--db /tmp/engram-locomo-bm25.db]
 */
async function main() {
  const { engram, questions } = await locomoEngine(staticEmbedderPlugin(), '/tmp/engram-locomo-bm25.db');
  const textIndex = engram.ports.textIndex as SqliteTextIndex;
  const grid = JSON.parse(option('--grid', 'null')) ?? [
    ...[0.6, 0.9, 1.2, 1.6, 2.0].flatMap((k1) => [0.3, 0.5, 0.75, 0.9].map((b) => ({ k1, b }))),
  ];
  const perSetting: Map<string, QualityScores>[] = [];
  for (const parameters of grid) {
    textIndex.parameters = parameters;
    const { byConversation } = await scoresByConversation(engram, questions);
    perSetting.push(byConversation);
    const per = [...byConversation.values()];
    const mean = (f: (x: QualityScores) => number) => meanOver(per, f);
    console.log(
      JSON.stringify(parameters),
      'r@1/5/10/nDCG',
      mean((x) => x.recall['@1']!),
      mean((x) => x.recall['@5']!),
      mean((x) => x.recall['@10']!),
      mean((x) => x.ndcg10),
    );
  }
  // Cross-validated: each conversation measured with the setting the other four chose.
  printCrossValidated(grid, perSetting, (s) => s.recall['@10']!);
  await engram.shutdown();
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
