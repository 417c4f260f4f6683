import { staticEmbedderPlugin } from '@engram/embed-static';
import { useLiteEmbedderPlugin } from '@engram/embed-use';
import { BENCH_TENANT, locomoEngine, option } from './locomo-engine';
import { rankingOf, score } from './metrics';

/**
 * Measures search variants on LoCoMo in process, against one ingested data file, so each
 * change to fusion can be compared on the same memories. Not part of `pnpm bench`'s report:
 * it is how the defaults in config/opensource.yaml were chosen.
 *   node bench/dist/tune.js [--data PATH] [--db /tmp/locomo.db] [--embedder use-lite|static]
 */
async function main() {
  const embedder =
    option('--embedder', 'use-lite') === 'static' ? staticEmbedderPlugin() : useLiteEmbedderPlugin();
  const { engram, questions } = await locomoEngine(embedder, '/tmp/engram-locomo.db');
  const tenant = BENCH_TENANT;
  const variants: Record<string, Record<string, number>> = JSON.parse(
    option(
      '--variants',
      JSON.stringify({ text: { vector: 0, text: 1, graph: 0 }, current: engram.config.search.weights }),
    ),
  );
  for (const [name, weights] of Object.entries(variants)) {
    Object.assign(engram.config.search.weights, weights);
    const started = performance.now();
    const rankings = [];
    for (const q of questions) {
      const res = await engram.services.search.search(tenant, {
        query: q.question,
        user_id: q.user_id,
        top_k: 20,
      });
      rankings.push(rankingOf(q, res.results));
    }
    const s = score(rankings);
    const ms = (performance.now() - started) / questions.length;
    console.log(
      `${name.padEnd(24)} r@1 ${s.recall['@1']} r@5 ${s.recall['@5']} r@10 ${s.recall['@10']} r@20 ${s.recall['@20']} ndcg ${s.ndcg10} ${JSON.stringify(s.by_category)} ${ms.toFixed(1)} ms/q`,
    );
  }
  await engram.shutdown();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
