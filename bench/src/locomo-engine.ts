import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Engram, EngramPlugin, Principal } from '@engram/core';
import { startTestEngram } from '@engram/core/testing';
import { sqliteStorePlugin } from '@engram/store-sqlite';
import { loadLocomo, type Question } from './locomo';
import { type QualityScores, rankingOf, round, score } from './metrics';

export const BENCH_TENANT: Principal = { tenant_id: 'bench', subject: 'experiments', scopes: ['admin'] };

/** `--name value` from the command line, or the fallback. */
export function option(name: string, fallback: string): string {
  const argv = process.argv.slice(2);
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1]! : fallback;
}

/**
 * An in-process engine over the LoCoMo dev turns in one SQLite file, ingested on first use and
 * reused after: the experiments (tune, calibrate, prf) compare search variants on the same
 * memories, without HTTP in between.
 */
export async function locomoEngine(
  embedder: EngramPlugin,
  defaultDb: string,
  extraPlugins: EngramPlugin[] = [],
  config: Record<string, unknown> = {},
): Promise<{ engram: Engram; questions: Question[] }> {
  const data = option('--data', path.resolve(__dirname, '../../../shared/bench/locomo-dev.json'));
  const db = option('--db', defaultDb);
  const fresh = !existsSync(db);
  const engram = await startTestEngram([sqliteStorePlugin({ path: db }), embedder, ...extraPlugins], config);
  const { turns, questions } = loadLocomo(data);
  if (fresh) {
    for (let i = 0; i < turns.length; i += 64) {
      const chunk = turns.slice(i, i + 64).map((t) => ({
        input: {
          content: t.content,
          user_id: t.user_id,
          session_id: t.session_id,
          metadata: t.metadata,
          event_time: t.event_time,
        },
      }));
      await engram.services.memories.addMany(BENCH_TENANT.tenant_id, chunk);
    }
  }
  return { engram, questions };
}

/** Searches every question as search answers it and scores each conversation on its own. */
export async function scoresByConversation(
  engram: Engram,
  questions: Question[],
  topK = 20,
): Promise<{ all: QualityScores; byConversation: Map<string, QualityScores> }> {
  const rankings: { conversation: string; ranking: ReturnType<typeof rankingOf> }[] = [];
  for (const q of questions) {
    const res = await engram.services.search.search(BENCH_TENANT, {
      query: q.question,
      user_id: q.user_id,
      top_k: topK,
    });
    rankings.push({ conversation: q.user_id, ranking: rankingOf(q, res.results) });
  }
  const conversations = [...new Set(rankings.map((r) => r.conversation))];
  return {
    all: score(rankings.map((r) => r.ranking)),
    byConversation: new Map(
      conversations.map((c) => [
        c,
        score(rankings.filter((r) => r.conversation === c).map((r) => r.ranking)),
      ]),
    ),
  };
}

/** The mean over conversations of one figure. */
export const meanOver = (scores: Iterable<QualityScores>, figure: (s: QualityScores) => number): number => {
  const list = [...scores];
  return round(list.reduce((t, s) => t + figure(s), 0) / list.length);
};

/**
 * Cross-validation over conversations: each conversation is measured with the setting that
 * scored best (by `gain`, summed) on the other four. `perSetting[i]` holds each conversation's
 * scores under `settings[i]`. Prints the settings chosen and the held-out means.
 */
export function printCrossValidated<T>(
  settings: T[],
  perSetting: Map<string, QualityScores>[],
  gain: (s: QualityScores) => number,
): void {
  const convs = [...perSetting[0]!.keys()];
  const held = convs.map((c) => {
    const total = (i: number) =>
      convs.filter((o) => o !== c).reduce((t, o) => t + gain(perSetting[i]!.get(o)!), 0);
    const chosen = settings.map((_, i) => i).reduce((best, i) => (total(i) > total(best) ? i : best), 0);
    return { c, setting: settings[chosen], s: perSetting[chosen]!.get(c)! };
  });
  const mean = (f: (s: QualityScores) => number) =>
    meanOver(
      held.map((h) => h.s),
      f,
    );
  console.log(
    'chosen',
    held.map((h) => `${h.c}:${JSON.stringify(h.setting)}`).join(' '),
    'cross-validated r@1/r@5/r@10/nDCG',
    mean((s) => s.recall['@1']!),
    mean((s) => s.recall['@5']!),
    mean((s) => s.recall['@10']!),
    mean((s) => s.ndcg10),
  );
}
