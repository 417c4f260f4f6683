import {
  type LogStore,
  labelSearches,
  type MemoryStore,
  type QueryLog,
  type TrainingData,
} from '@engram/core';

export interface TrainingWindow {
  since: string;
  until: string;
}

/**
 * A project's labelled searches in a window, read from its log and memory stores (core's
 * labelSearches does the labelling). `include` narrows the searches (the benchmark's folds).
 * Retrievals and memories are read only for searches that got feedback.
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
  const logged = await Promise.all(
    queries.map(async (query) => ({
      query,
      feedback: await stores.logStore.listFeedback(tenantId, query.id),
    })),
  );
  const searches = await Promise.all(
    logged.map(async (s) => ({
      ...s,
      retrievals: s.feedback.length
        ? (await stores.logStore.listRetrievals(tenantId, { search_id: s.query.id }, { limit: 100 })).data
        : [],
    })),
  );
  const ids = [...new Set(searches.flatMap((s) => s.retrievals.map((r) => r.memory_id)))];
  const memories = new Map((await stores.memoryStore.getMany(tenantId, ids)).map((m) => [m.id, m]));
  return labelSearches(searches, memories);
}
