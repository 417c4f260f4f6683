import type { LoggedSearch, LogStore, Memory, MemoryStore, QueryLog } from '@engram/core';

export interface TrainingWindow {
  since: string;
  until: string;
}

/** Searches (or memories) read per turn of the event loop. */
const PER_TURN = 100;

/**
 * `read` over `items` a slice at a time, yielding to the event loop between slices: on SQLite
 * each read is a small synchronous query, and thousands in one go would hold every other
 * request of the process back (702 searches' reads stalled it ~0.5 s before this).
 */
async function inTurns<T, R>(items: T[], read: (slice: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += PER_TURN) {
    out.push(...(await read(items.slice(i, i + PER_TURN))));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return out;
}

/**
 * What a training learns from: the window's searches with their feedback and retrievals, and
 * the memories those name. Plain data, handed to the fitting thread, which labels it (core's
 * labelSearches: the features of every candidate, too much work for the HTTP thread).
 */
export interface TrainingLogs {
  logged: LoggedSearch[];
  memories: Memory[];
}

/** The logs' memories by id, as core's labelling takes them. */
export const memoriesById = (logs: TrainingLogs) => new Map(logs.memories.map((m) => [m.id, m]));

/**
 * A project's searches in a window, read from its log and memory stores. `include` narrows the
 * searches (the benchmark's folds). Retrievals and memories are read only for searches that got
 * feedback.
 */
export async function trainingLogs(
  stores: { logStore: LogStore; memoryStore: MemoryStore },
  tenantId: string,
  window: TrainingWindow,
  include: (q: QueryLog) => boolean = () => true,
): Promise<TrainingLogs> {
  const queries: QueryLog[] = [];
  let cursor: string | undefined;
  do {
    const page = await stores.logStore.listQueries(tenantId, window, { cursor, limit: 500 });
    queries.push(...page.data.filter(include));
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  const searches = await inTurns(queries, (slice) =>
    Promise.all(
      slice.map(async (query) => {
        const feedback = await stores.logStore.listFeedback(tenantId, query.id);
        const retrievals = feedback.length
          ? (await stores.logStore.listRetrievals(tenantId, { search_id: query.id }, { limit: 100 })).data
          : [];
        return { query, feedback, retrievals };
      }),
    ),
  );
  const ids = [...new Set(searches.flatMap((s) => s.retrievals.map((r) => r.memory_id)))];
  const memories = await inTurns(ids, (slice) => stores.memoryStore.getMany(tenantId, slice));
  return { logged: searches, memories };
}
