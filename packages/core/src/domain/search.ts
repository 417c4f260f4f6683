import type { Entity, Memory, Relation, SignalScores } from './types';

export interface SearchResult {
  memory: Memory;
  /** Fused score (weighted reciprocal rank fusion, or the reranker's score when one is set). */
  score: number;
  /** Each signal's own score: cosine similarity, BM25, shared-entity count; null when absent. */
  signals: SignalScores;
}

export interface SearchResponse {
  search_id: string;
  results: SearchResult[];
  entities?: Entity[];
  relations?: Relation[];
  /** Signals left out because their store did not answer (e.g. `graph` while Neo4j restarts). */
  degraded?: string[];
}
