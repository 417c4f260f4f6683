import { makeMemory } from '@engram/core/testing';
import { openSqliteStores } from '@engram/store-sqlite';
import type { Question, Turn } from './locomo';
import { type QualityScores, rankingOf, score } from './metrics';
import { call, ingest } from './server-process';

interface SearchResponse {
  results: { memory: { id: string; metadata: { dia_id?: string } } }[];
}

/** Engram over HTTP: every question searched with its conversation's user filter. */
export async function engramQuality(
  url: string,
  turns: Turn[],
  questions: Question[],
): Promise<{ scores: QualityScores; ingestSeconds: number }> {
  const started = performance.now();
  await ingest(
    url,
    turns.map((t) => ({
      content: t.content,
      user_id: t.user_id,
      session_id: t.session_id,
      metadata: t.metadata,
      event_time: t.event_time,
    })),
  );
  const ingestSeconds = (performance.now() - started) / 1000;
  const rankings = [];
  for (const q of questions) {
    const res = await call<SearchResponse>(`${url}/v1/memory/search`, 'POST', {
      query: q.question,
      user_id: q.user_id,
      top_k: 20,
    });
    rankings.push(rankingOf(q, res.results));
  }
  return { scores: score(rankings), ingestSeconds };
}

/** The lexical floor: plain BM25 (SQLite FTS5, Porter stemmer) over the same turns, same filter. */
export async function bm25Quality(turns: Turn[], questions: Question[]): Promise<QualityScores> {
  const stores = openSqliteStores(':memory:');
  const byId = new Map<string, string>();
  for (const t of turns) {
    const m = makeMemory({ tenant_id: 'bench', user_id: t.user_id, content: t.content });
    byId.set(m.id, `${t.user_id}/${t.dia_id}`);
    await stores.memoryStore.insert(m);
    await stores.textIndex.upsert([m]);
  }
  const rankings = [];
  for (const q of questions) {
    const hits = await stores.textIndex.search('bench', q.question, 20, { user_id: q.user_id });
    rankings.push({
      ranked: hits.map((h) => byId.get(h.id)!),
      relevant: new Set(q.evidence.map((e) => `${q.user_id}/${e}`)),
      category: q.category,
    });
  }
  stores.db.close();
  return score(rankings);
}
