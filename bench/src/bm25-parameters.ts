import { staticEmbedderPlugin } from '@engram/embed-static';
import type { SqliteTextIndex } from '@engram/store-sqlite';
import { locomoEngine, meanOver, option, scoresByConversation } from './locomo-engine';
import { type QualityScores, round } from './metrics';

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
  const convs = [...perSetting[0]!.keys()];
  const gain = (i: number, c: string) => perSetting[i]!.get(c)!.recall['@10']!;
  const held = convs.map((c) => {
    const total = (i: number) => convs.filter((o) => o !== c).reduce((t, o) => t + gain(i, o), 0);
    const chosen = grid
      .map((_: unknown, i: number) => i)
      .reduce((best: number, i: number) => (total(i) > total(best) ? i : best), 0);
    return { c, setting: grid[chosen], s: perSetting[chosen]!.get(c)! };
  });
  const avg = (f: (s: QualityScores) => number) => round(held.reduce((t, h) => t + f(h.s), 0) / held.length);
  console.log(
    'chosen',
    held.map((h) => `${h.c}:${JSON.stringify(h.setting)}`).join(' '),
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
