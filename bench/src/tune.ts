import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Engram, Principal } from '@engram/core';
import { startTestEngram } from '@engram/core/testing';
import { staticEmbedderPlugin } from '@engram/embed-static';
import { useLiteEmbedderPlugin } from '@engram/embed-use';
import { sqliteStorePlugin } from '@engram/store-sqlite';
import { loadLocomo } from './locomo';
import { rankingOf, score } from './metrics';

/**
 * Measures search variants on LoCoMo in process, against one ingested data file, so each
 * change to fusion can be compared on the same memories. Not part of `pnpm bench`'s report:
 * it is how the defaults in config/opensource.yaml were chosen.
 *   node bench/dist/tune.js [--data PATH] [--db /tmp/locomo.db] [--embedder use-lite|static]
 */
async function main() {
  const argv = process.argv.slice(2);
  const value = (name: string, fallback: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1]! : fallback;
  };
  const data = value('--data', path.resolve(__dirname, '../../../shared/bench/locomo-dev.json'));
  const db = value('--db', '/tmp/engram-locomo.db');
  const fresh = !existsSync(db);
  const embedder =
    value('--embedder', 'use-lite') === 'static' ? staticEmbedderPlugin() : useLiteEmbedderPlugin();
  const engram: Engram = await startTestEngram([sqliteStorePlugin({ path: db }), embedder]);
  const { turns, questions } = loadLocomo(data);
  const tenant: Principal = { tenant_id: 'bench', subject: 'tune', scopes: ['admin'] };
  if (fresh) {
    for (let i = 0; i < turns.length; i += 64) {
      const chunk = turns.slice(i, i + 64).map((t) => ({
        input: { content: t.content, user_id: t.user_id, session_id: t.session_id, metadata: t.metadata },
      }));
      await engram.services.memories.addMany(tenant.tenant_id, chunk);
    }
  }
  const variants: Record<string, Record<string, number>> = JSON.parse(
    value(
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
