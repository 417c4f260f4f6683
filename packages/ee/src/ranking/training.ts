import { createHash } from 'node:crypto';
import type { LogStore, MemoryStore, QueryLog } from '@engram/core';
import { candidateFeatures } from './features';
import {
  chooseHead,
  evaluateRanking,
  fitRankingModel,
  type LabelledSearch,
  type RankingMetrics,
  type RankingModel,
} from './model';

export interface TrainingWindow {
  since: string;
  until: string;
}

export interface TrainingData {
  searches: LabelledSearch[];
  usefulness: Record<string, number>;
  /** Searches read in the window, and how many had feedback naming a relevant memory. */
  read: number;
}

/** Most memories whose past feedback a model carries (the most judged). */
const USEFULNESS_KEPT = 5000;

/**
 * Labelled searches from a project's logs: each search in the window with positive feedback on
 * a returned memory, its logged candidates (signals as answered) as features, and as labels the
 * memories the feedback named. `include` narrows the searches (the benchmark's folds).
 */
export async function trainingData(
  stores: { logStore: LogStore; memoryStore: MemoryStore },
  tenantId: string,
  window: TrainingWindow,
  include: (q: QueryLog) => boolean = () => true,
): Promise<TrainingData> {
  const queries: QueryLog[] = [];
  let cursor: string | undefined;
  do {
    const page = await stores.logStore.listQueries(tenantId, window, { cursor, limit: 500 });
    queries.push(...page.data.filter(include));
    cursor = page.next_cursor ?? undefined;
  } while (cursor);

  const judged: { query: QueryLog; votes: Map<string, number> }[] = [];
  const usefulness = new Map<string, number>();
  for (const query of queries) {
    const votes = new Map<string, number>();
    for (const f of await stores.logStore.listFeedback(tenantId, query.id)) {
      if (!f.memory_id) continue;
      const v = f.signal === 'positive' ? 1 : -1;
      votes.set(f.memory_id, (votes.get(f.memory_id) ?? 0) + v);
      usefulness.set(f.memory_id, (usefulness.get(f.memory_id) ?? 0) + v);
    }
    if ([...votes.values()].some((v) => v > 0)) judged.push({ query, votes });
  }

  const searches: LabelledSearch[] = [];
  for (const { query, votes } of judged) {
    const logged = (await stores.logStore.listRetrievals(tenantId, { search_id: query.id }, { limit: 100 }))
      .data;
    logged.sort((a, b) => a.rank - b.rank);
    const memories = new Map(
      (
        await stores.memoryStore.getMany(
          tenantId,
          logged.map((r) => r.memory_id),
        )
      ).map((m) => [m.id, m]),
    );
    const candidates = logged
      .filter((r) => memories.has(r.memory_id))
      .map((r) => ({ memory: memories.get(r.memory_id)!, score: r.score, signals: r.signals }));
    if (candidates.length < 2) continue;
    // Leave this search's own feedback out of usefulness: it is the label.
    const others = (id: string) => (usefulness.get(id) ?? 0) - (votes.get(id) ?? 0);
    searches.push({
      id: query.id,
      features: candidateFeatures(query.query, candidates, others),
      labels: candidates.map((c) => ((votes.get(c.memory.id) ?? 0) > 0 ? 1 : 0)),
    });
  }
  const kept = [...usefulness].sort((a, b) => Math.abs(b[1]) - Math.abs(a[1])).slice(0, USEFULNESS_KEPT);
  return { searches, usefulness: Object.fromEntries(kept), read: queries.length };
}

/** Held out: a fixed fifth of the searches, by a hash of their id (the same split every run). */
export const isHeldOut = (searchId: string) => createHash('sha256').update(searchId).digest()[0]! % 5 === 0;

export interface TrainingResult {
  model: RankingModel;
  /** On the held-out searches: no model, the model serving now, and the new one. */
  evaluation: { none: RankingMetrics; current: RankingMetrics | null; candidate: RankingMetrics };
  examples: { train: number; held_out: number };
}

export const MIN_TRAINING_SEARCHES = 20;

/** Fits on four fifths of the labelled searches and measures on the fifth held out. */
export function trainAndEvaluate(data: TrainingData, current: RankingModel | null): TrainingResult {
  const train = data.searches.filter((s) => !isHeldOut(s.id));
  const heldOut = data.searches.filter((s) => isHeldOut(s.id));
  const fitted = fitRankingModel(train);
  // The head is chosen on the held-out fifth: chosen on the searches it was fitted to, wider
  // heads looked better than they were (recall@10 fell on conversations never trained on).
  const model: RankingModel = { ...fitted, head: chooseHead(fitted, heldOut), usefulness: data.usefulness };
  return {
    model,
    evaluation: {
      none: evaluateRanking(null, heldOut),
      current: current ? evaluateRanking(current, heldOut) : null,
      candidate: evaluateRanking(model, heldOut),
    },
    examples: { train: train.length, held_out: heldOut.length },
  };
}
