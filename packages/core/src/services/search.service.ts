import type { EngramConfig } from '../config/config';
import type { MemoryFilter } from '../domain/filter';
import { matchesFilter } from '../domain/filter';
import { newId, nowIso } from '../domain/ids';
import { type SearchRequest, searchRequestSchema } from '../domain/schemas';
import type { SearchResponse, SearchResult } from '../domain/search';
import type { MemoryRetrievalLog, QueryLog, SignalScores } from '../domain/types';
import { validate } from '../domain/validate';
import type { HookBus } from '../hooks';
import type { Embedder, EntityExtractor, Reranker } from '../ports/ai';
import type { Principal, UsageMeter } from '../ports/edition';
import type { GraphStore, MemoryStore, ScoredId, TextIndex, VectorIndex } from '../ports/storage';
import type { LogService } from './log.service';

export type Signal = keyof SignalScores;

/** The k of reciprocal rank fusion: larger flattens the advantage of the very top ranks. */
const RRF_K = 60;

interface SearchPorts {
  memoryStore: MemoryStore;
  vectorIndex: VectorIndex;
  textIndex: TextIndex;
  graphStore: GraphStore;
  embedder: Embedder;
  entityExtractor: EntityExtractor;
  reranker: Reranker | null;
  usageMeter: UsageMeter;
}

interface Candidate {
  id: string;
  fused: number;
  signals: SignalScores;
}

/**
 * Hybrid search. How much each signal's ranking counts comes from `search.weights` in the
 * edition config: lexical matching is the strongest single signal on conversational memory,
 * vectors add paraphrases, the graph adds memories sharing entities with the query or the
 * best hits. The defaults were measured on LoCoMo with `pnpm bench`, not assumed equal.
 */
export class SearchService {
  constructor(
    private readonly ports: SearchPorts,
    private readonly logs: LogService,
    private readonly hooks: HookBus,
    private readonly config: EngramConfig,
  ) {}

  async search(principal: Principal, raw: unknown): Promise<SearchResponse> {
    const started = performance.now();
    const request: SearchRequest = validate(searchRequestSchema, raw);
    const tenantId = principal.tenant_id;
    const topK = Math.min(request.top_k ?? this.config.search.default_top_k, this.config.search.max_top_k);
    const filter: MemoryFilter = {
      ...request.filters,
      ...(request.user_id !== undefined && { user_id: request.user_id }),
      ...(request.namespace !== undefined && { namespace: request.namespace }),
    };
    await this.hooks.run('beforeSearch', request, principal);

    const depth = Math.max(50, topK * 4);
    const [vectorHits, textHits] = await Promise.all([
      this.ports.embedder
        .embed([request.query])
        .then(([v]) => this.ports.vectorIndex.search(tenantId, v!, depth, filter)),
      this.ports.textIndex.search(tenantId, request.query, depth, filter),
    ]);
    const graphHits = await this.graphHits(tenantId, request.query, filter, [vectorHits, textHits], depth);

    const candidates = this.fuse({ vector: vectorHits, text: textHits, graph: graphHits });
    // The store is the source of truth: anything deleted or out of filter since indexing drops out here.
    const memories = new Map(
      (
        await this.ports.memoryStore.getMany(
          tenantId,
          candidates.slice(0, depth).map((c) => c.id),
        )
      )
        .filter((m) => matchesFilter(m, filter))
        .map((m) => [m.id, m]),
    );
    let results: SearchResult[] = candidates
      .filter((c) => memories.has(c.id))
      .map((c) => ({ memory: memories.get(c.id)!, score: c.fused, signals: c.signals }));
    results = (await this.rerank(request.query, results)).slice(0, topK);

    const response: SearchResponse = { search_id: newId('srch'), results };
    if (request.include_graph) await this.attachGraph(tenantId, response);
    this.log(principal, request, filter, topK, response, performance.now() - started);
    await this.ports.usageMeter.record(tenantId, 'searches', 1);
    await this.hooks.run('afterSearch', response, principal);
    return response;
  }

  /** Memories that share entities with the query or with the best lexical and vector hits. */
  private async graphHits(
    tenantId: string,
    query: string,
    filter: MemoryFilter,
    rankings: ScoredId[][],
    depth: number,
  ): Promise<ScoredId[]> {
    if (this.config.search.weights.graph === 0) return [];
    const named = await this.ports.entityExtractor.extract(query);
    const fromQuery = await this.ports.graphStore.findEntities(
      tenantId,
      filter.user_id ?? null,
      named.map((e) => e.name),
    );
    const seeds = [...new Set(rankings.flatMap((r) => r.slice(0, 3).map((h) => h.id)))];
    const fromHits = [...(await this.ports.graphStore.entitiesOf(tenantId, seeds)).values()].flat();
    const entityIds = [...new Set([...fromQuery, ...fromHits].map((e) => e.id))];
    if (entityIds.length === 0) return [];
    return this.ports.graphStore.memoriesMentioning(tenantId, entityIds, depth);
  }

  private fuse(rankings: Record<Signal, ScoredId[]>): Candidate[] {
    const byId = new Map<string, Candidate>();
    for (const signal of Object.keys(rankings) as Signal[]) {
      const weight = this.config.search.weights[signal];
      rankings[signal].forEach((hit, rank) => {
        let c = byId.get(hit.id);
        if (!c) {
          c = { id: hit.id, fused: 0, signals: { vector: null, text: null, graph: null } };
          byId.set(hit.id, c);
        }
        c.signals[signal] = hit.score;
        c.fused += weight / (RRF_K + rank + 1);
      });
    }
    return [...byId.values()].sort((a, b) => b.fused - a.fused || (a.id < b.id ? 1 : -1));
  }

  private async rerank(query: string, results: SearchResult[]): Promise<SearchResult[]> {
    const reranker = this.ports.reranker;
    if (!reranker || results.length === 0) return results;
    const scores = await reranker.rerank(query, results);
    return results.map((r, i) => ({ ...r, score: scores[i] ?? r.score })).sort((a, b) => b.score - a.score);
  }

  private async attachGraph(tenantId: string, response: SearchResponse): Promise<void> {
    const ids = response.results.map((r) => r.memory.id);
    const mentioned = [...(await this.ports.graphStore.entitiesOf(tenantId, ids)).values()].flat();
    response.entities = [...new Map(mentioned.map((e) => [e.id, e])).values()];
    const neighborhoods = await Promise.all(
      ids.map((id) => this.ports.graphStore.neighbors(tenantId, id, 1, 50)),
    );
    const relations = neighborhoods.flatMap((n) => n.relations);
    response.relations = [...new Map(relations.map((r) => [r.id, r])).values()];
  }

  private log(
    principal: Principal,
    request: SearchRequest,
    filter: MemoryFilter,
    topK: number,
    response: SearchResponse,
    latencyMs: number,
  ): void {
    const at = nowIso();
    const query: QueryLog = {
      id: response.search_id,
      tenant_id: principal.tenant_id,
      user_id: filter.user_id ?? null,
      query: request.query,
      filters: JSON.parse(JSON.stringify(filter)),
      top_k: topK,
      result_count: response.results.length,
      latency_ms: Math.round(latencyMs * 100) / 100,
      created_at: at,
    };
    const retrievals: MemoryRetrievalLog[] = response.results.map((r, i) => ({
      id: `${response.search_id}_${i + 1}`,
      search_id: response.search_id,
      tenant_id: principal.tenant_id,
      memory_id: r.memory.id,
      rank: i + 1,
      score: r.score,
      signals: r.signals,
      created_at: at,
    }));
    this.logs.record(query, retrievals);
  }
}
