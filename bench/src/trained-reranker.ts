import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EngramPlugin } from '@engram/core';
import { OPEN_SOURCE_DEFAULTS } from '@engram/core/testing';
import { ModelRegistry, SqliteModelStore, TrainedReranker, type TrainedVersion } from '@engram/ee';
import { staticEmbedderPlugin } from '@engram/embed-static';
import { BENCH_TENANT, locomoEngine, meanOver, scoresByConversation } from './locomo-engine';
import type { QualityScores } from './metrics';

/**
 * The trained reranker on LoCoMo, cross-validated across conversations, through the same path
 * the cloud uses: every dev question is searched (top 50) and its evidence sent as positive
 * feedback, as an app would; then for each conversation a model is trained from the logs of the
 * other four only (ModelRegistry.train: features, fit, held-out check), made active, and that
 * conversation's questions are searched with and without it. No conversation is both trained
 * and measured on.
 *   node bench/dist/trained-reranker.js [--data PATH] [--db /tmp/engram-locomo-static.db] [--write-default]
 * `--write-default` writes the model fitted on every conversation as core's default
 * (packages/core/src/domain/default-ranking-model.json).
 */
export async function trainedRerankerQuality(db = '/tmp/engram-locomo-static.db') {
  let active: TrainedVersion | null = null;
  const reranker: EngramPlugin = {
    name: 'bench-trained-reranker',
    setup(ctx) {
      ctx.provide('reranker', new TrainedReranker({ active: async () => active }));
    },
  };
  // Both arms without core's default ranking model: it was fitted on these conversations, and
  // what is measured here is a model trained on the others only.
  const { engram, questions } = await locomoEngine(staticEmbedderPlugin(), db, [reranker], {
    search: { ...OPEN_SOURCE_DEFAULTS.search, ranking: null },
  });
  const tenant = BENCH_TENANT.tenant_id;
  const labelled = new Map<string, string>(); // search id -> conversation
  for (const q of questions) {
    const res = await engram.services.search.search(BENCH_TENANT, {
      query: q.question,
      user_id: q.user_id,
      top_k: 50,
    });
    labelled.set(res.search_id, q.user_id);
    const evidence = new Set(q.evidence);
    for (const r of res.results) {
      if (!evidence.has(String((r.memory.metadata as { dia_id?: string }).dia_id))) continue;
      await engram.services.logs.feedback(tenant, {
        search_id: res.search_id,
        memory_id: r.memory.id,
        signal: 'positive',
      });
    }
  }
  await engram.services.logs.flush();

  const registry = new ModelRegistry(new SqliteModelStore(':memory:'), () => engram.ports);
  const window = { since: '2000-01-01T00:00:00.000Z', until: '2999-01-01T00:00:00.000Z' };
  const conversations = [...new Set(questions.map((q) => q.user_id))];
  const base: QualityScores[] = [];
  const trained: QualityScores[] = [];
  const folds = [];
  for (const held of conversations) {
    const version = await registry.train(tenant, window, (log) => {
      const conversation = labelled.get(log.id);
      return conversation !== undefined && conversation !== held;
    });
    const own = questions.filter((q) => q.user_id === held);
    active = null;
    const without = (await scoresByConversation(engram, own)).all;
    active = version;
    const withModel = (await scoresByConversation(engram, own)).all;
    active = null;
    base.push(without);
    trained.push(withModel);
    folds.push({
      held,
      head: version.model.head,
      train_searches: version.examples.train,
      default: [without.recall['@1'], without.recall['@5'], without.recall['@10'], without.ndcg10],
      trained: [withModel.recall['@1'], withModel.recall['@5'], withModel.recall['@10'], withModel.ndcg10],
    });
  }
  // The model on every conversation (core's DEFAULT_RANKING_MODEL), without the per-memory
  // feedback, which names this benchmark's memories only.
  // How long the training of every labelled search takes, and the longest the event loop (the
  // HTTP thread, in a server) stalled meanwhile: a 5 ms tick notes how late it fires.
  let longestStall = 0;
  let lastTick = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    longestStall = Math.max(longestStall, now - lastTick - 5);
    lastTick = now;
  }, 5);
  const started = performance.now();
  const all = await registry.train(tenant, window, (log) => labelled.has(log.id));
  await new Promise((resolve) => setTimeout(resolve, 20)); // a stall is seen when the next tick fires
  clearInterval(ticker);
  const training = {
    searches: all.examples.train + all.examples.held_out,
    seconds: Math.round(performance.now() - started - 20) / 1000,
    longest_stall_ms: Math.round(longestStall * 100) / 100,
  };
  const fitted = { ...all.model, usefulness: {} };
  await registry.close();
  await engram.shutdown();
  const summary = (list: QualityScores[]) => ({
    recall_at_1: meanOver(list, (s) => s.recall['@1']!),
    recall_at_5: meanOver(list, (s) => s.recall['@5']!),
    recall_at_10: meanOver(list, (s) => s.recall['@10']!),
    recall_at_20: meanOver(list, (s) => s.recall['@20']!),
    ndcg_at_10: meanOver(list, (s) => s.ndcg10),
    // Per category, over the conversations that have questions of it (mean, as the rest).
    ...Object.fromEntries(
      ['1', '2', '3', '4'].map((cat) => [
        `cat${cat}_recall_at_10`,
        meanOver(
          list.filter((s) => s.by_category[cat]),
          (s) => s.by_category[cat]!.recall10,
        ),
      ]),
    ),
  });
  return { folds, training, default: summary(base), trained: summary(trained), fitted_on_all: fitted };
}

if (require.main === module) {
  trainedRerankerQuality(
    process.argv.includes('--db') ? process.argv[process.argv.indexOf('--db') + 1] : undefined,
  )
    .then((r) => {
      const { fitted_on_all, ...measured } = r;
      console.log(JSON.stringify(measured, null, 2));
      if (process.argv.includes('--write-default')) {
        const file = path.resolve(__dirname, '../../packages/core/src/domain/default-ranking-model.json');
        writeFileSync(file, `${JSON.stringify(fitted_on_all)}\n`);
        console.log(`wrote ${file}`);
      }
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
