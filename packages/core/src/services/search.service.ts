import type { EngramConfig } from '../config/config';
import type { MemoryFilter } from '../domain/filter';
import { matchesFilter } from '../domain/filter';
import { newId, nowIso } from '../domain/ids';
import {
  checkRankingModel,
  DEFAULT_RANKING_MODEL,
  type RankingModel,
  rerankScores,
} from '../domain/ranking-model';
import { DEFAULT_RELEVANCE_MODEL, orderByRelevance, RELEVANCE_FEATURES } from '../domain/relevance';
import { type SearchRequest, searchRequestSchema } from '../domain/schemas';
import type { SearchResponse, SearchResult } from '../domain/search';
import type { Entity, MemoryRetrievalLog, QueryLog, SignalScores } from '../domain/types';
import { validate } from '../domain/validate';
import { EngramError, invalid } from '../errors';
import type { HookBus } from '../hooks';
import type { Embedder, EntityExtractor, ExtractedEntity, Reranker } from '../ports/ai';
import { type Entitlements, entitlementError, type Principal, type UsageMeter } from '../ports/edition';
import type { GraphStore, MemoryStore, ScoredId, TextIndex, VectorIndex } from '../ports/storage';
import type { LogService } from './log.service';
import { PhaseTimer } from './phase-timer';

/** A retriever or the session context: what `search.weights` weighs (`fused` is their sum). */
export type Signal = Exclude<keyof SignalScores, 'fused'>;

/** How many of the best hits lend weight to their session neighbours, and how far. */
const CONTEXT_SEEDS = 10;
// Two turns either side: chosen by cross-validation across the LoCoMo dev conversations
// (bench/src/context-window.ts picks 2 of 1-3 on four folds of five, 3 on one): with the session prior, recall@10
// 0.722 -> 0.736, recall@5 0.604 -> 0.626, recall@1 0.269 -> 0.289 (calibrate.js, fused order).
const CONTEXT_WINDOW = 2;
/** How many of the best lexical hits seed the graph expansion. */
const GRAPH_SEEDS = 3;
/**
 * The session prior: among the best SESSION_PRIOR_DEPTH results, each session's share of their
 * fused score, times SESSION_PRIOR_WEIGHT, is added to every result of that session, so the turns
 * of the conversation a search keeps landing in rise together. Chosen by cross-validation across
 * the LoCoMo dev conversations (bench/src/session-prior.ts picked 0.1 and 20 on every fold):
 * recall@10 0.689 -> 0.722, recall@5 0.589 -> 0.604.
 */
const SESSION_PRIOR_WEIGHT = 0.1;
const SESSION_PRIOR_DEPTH = 20;

/**
 * A search across the tenant looks the query's names up in the graphs of the users its best
 * lexical hits belong to (and in the tenant's own, user-less graph), not in every user's:
 * entities are kept per user, so "Caroline" is a different person in each user's memories, and
 * following all of them read every mention of the name in the tenant (50,000 edges at 100,000
 * memories, 100 users) for a signal ranked by how rare an entity is.
 */
function inSeedGraphs(named: Entity[], entitiesOfSeeds: Map<string, Entity[]>): Entity[] {
  const users = new Set<string | null>([null]);
  for (const entities of entitiesOfSeeds.values()) for (const e of entities) users.add(e.user_id);
  return named.filter((e) => users.has(e.user_id));
}

export function withSessionPrior(results: SearchResult[]): SearchResult[] {
  const share = new Map<string, number>();
  let total = 0;
  for (const r of results.slice(0, SESSION_PRIOR_DEPTH)) {
    if (r.memory.session_id === null) continue;
    share.set(r.memory.session_id, (share.get(r.memory.session_id) ?? 0) + r.score);
    total += r.score;
  }
  if (total === 0) return results;
  return results
    .map((r) => {
      const prior = r.memory.session_id === null ? 0 : (share.get(r.memory.session_id) ?? 0) / total;
      const fused = r.score + SESSION_PRIOR_WEIGHT * prior;
      return { ...r, score: fused, signals: { ...r.signals, fused } };
    })
    .sort((a, b) => b.score - a.score);
}

const ids = (entities: { id: string }[]) => [...new Set(entities.map((e) => e.id))];

function candidate(byId: Map<string, Candidate>, id: string): Candidate {
  let c = byId.get(id);
  if (!c) {
    c = { id, fused: 0, signals: { vector: null, text: null, graph: null, context: null } };
    byId.set(id, c);
  }
  return c;
}

const sortCandidates = (list: Candidate[]) =>
  list.sort((a, b) => b.fused - a.fused || (a.id < b.id ? 1 : -1));

interface SearchPorts {
  memoryStore: MemoryStore;
  vectorIndex: VectorIndex;
  textIndex: TextIndex;
  graphStore: GraphStore;
  embedder: Embedder;
  entityExtractor: EntityExtractor;
  reranker: Reranker | null;
  usageMeter: UsageMeter;
  entitlements: Entitlements;
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
  /** The ranking model reordering the first results (null: off). */
  private readonly ranking: RankingModel | null;

  constructor(
    private readonly ports: SearchPorts,
    private readonly logs: LogService,
    private readonly hooks: HookBus,
    private readonly config: EngramConfig,
  ) {
    try {
      const configured = config.search.ranking;
      this.ranking =
        configured === undefined
          ? DEFAULT_RANKING_MODEL
          : configured === null
            ? null
            : checkRankingModel(configured);
    } catch (err) {
      throw new EngramError('config_invalid', `search.ranking is ${(err as Error).message}`);
    }
    const model = config.search.relevance;
    if (model && model.features.join() !== RELEVANCE_FEATURES.join()) {
      throw new EngramError(
        'config_invalid',
        `search.relevance was fitted on features ${model.features.join(', ')}; this version computes ${RELEVANCE_FEATURES.join(', ')}: refit it with bench/src/calibrate.ts`,
      );
    }
  }

  /** `timer` receives the time of each phase (embed, vector, text, graph, context, fetch, rank, log). */
  async search(principal: Principal, raw: unknown, timer = new PhaseTimer()): Promise<SearchResponse> {
    const started = performance.now();
    const request: SearchRequest = validate(searchRequestSchema, raw);
    const tenantId = principal.tenant_id;
    const maxTopK = this.config.search.max_top_k;
    if (request.top_k !== undefined && request.limit !== undefined && request.top_k !== request.limit) {
      throw new EngramError('validation_failed', 'top_k and limit name the same thing; give one of them', {
        errors: [
          { field: 'top_k', message: 'conflicts with limit' },
          { field: 'limit', message: 'conflicts with top_k' },
        ],
      });
    }
    const asked = request.top_k ?? request.limit;
    if (asked !== undefined && asked > maxTopK) {
      throw invalid(request.top_k !== undefined ? 'top_k' : 'limit', `at most ${maxTopK}`);
    }
    const topK = asked ?? this.config.search.default_top_k;
    for (const field of ['user_id', 'namespace'] as const) {
      const [top, inFilters] = [request[field], request.filters?.[field]];
      // Two different scopes in one request would match nothing: say so instead of answering empty.
      if (top !== undefined && inFilters !== undefined && top !== inFilters) {
        throw new EngramError(
          'validation_failed',
          `${field} is "${top}" but filters.${field} is "${inFilters}"; give one of them`,
          {
            errors: [
              { field, message: `conflicts with filters.${field}` },
              { field: `filters.${field}`, message: `conflicts with ${field}` },
            ],
          },
        );
      }
    }
    const { valid_at: askedValidAt, ...filter }: MemoryFilter = {
      ...request.filters,
      ...(request.user_id !== undefined && { user_id: request.user_id }),
      ...(request.namespace !== undefined && { namespace: request.namespace }),
    };
    // Current memories only, unless asked to look back. Validity is checked on the fetched
    // memories, not given to the indexes: their fast paths (one user's exact scan, the
    // approximate index) stay as they are, and no index has to carry the validity fields.
    const validAt = askedValidAt ?? (request.include_expired ? undefined : (request.as_of ?? nowIso()));
    const visible: MemoryFilter = validAt ? { ...filter, valid_at: validAt } : filter;
    const quota = await this.ports.entitlements.check(tenantId, 'searches', 1);
    if (!quota.allowed) throw entitlementError(quota, 'search quota exceeded');
    await this.hooks.run('beforeSearch', request, principal);

    const depth = Math.max(50, topK * 4);
    // The query's entities come from the extraction thread: asked for first, they are ready by
    // the time the graph needs them, instead of the search waiting for them after text and vector.
    const queryEntities = this.extractQueryEntities(request.query);
    // Text first: with stores that answer synchronously (SQLite) each phase's time is then its
    // own; with networked stores the two lookups overlap and each phase is its wall time.
    const [textHits, vectorHits] = await Promise.all([
      timer.time('text', () => this.ports.textIndex.search(tenantId, request.query, depth, filter)),
      timer
        .time('embed', () => this.ports.embedder.embed([request.query]))
        .then(([v]) =>
          timer.time('vector', () => this.ports.vectorIndex.search(tenantId, v!, depth, filter)),
        ),
    ]);
    // The graph only adds to the ranking: while its store is unreachable, search answers from
    // the other signals and says so, rather than failing.
    const degraded: string[] = [];
    const graphHits = await timer
      .time('graph', () => this.graphHits(tenantId, queryEntities, filter, textHits, depth))
      .catch(() => {
        degraded.push('graph');
        return [];
      });

    const fused = this.fuse({ vector: vectorHits, text: textHits, graph: graphHits });
    const candidates = await timer.time('context', () => this.addContext(tenantId, fused));
    // The store is the source of truth: anything deleted or out of filter since indexing drops out here.
    const fetched = await timer.time('fetch', () =>
      this.ports.memoryStore.getMany(
        tenantId,
        candidates.slice(0, depth).map((c) => c.id),
      ),
    );
    const memories = new Map(fetched.filter((m) => matchesFilter(m, visible)).map((m) => [m.id, m]));
    let results = await timer.time('rank', () =>
      this.rank(
        request.query,
        candidates
          .filter((c) => memories.has(c.id))
          .map((c) => ({
            memory: memories.get(c.id)!,
            score: c.fused,
            signals: { ...c.signals, fused: c.fused },
          })),
      ),
    );
    results = results.slice(0, topK);
    if (request.min_score !== undefined) results = results.filter((r) => r.score >= request.min_score!);

    const response: SearchResponse = {
      search_id: newId('srch'),
      results,
      ...(degraded.length ? { degraded } : {}),
    };
    if (request.include_graph) await timer.time('expand', () => this.attachGraph(tenantId, response));
    await timer.time('log', async () => {
      this.log(principal, request, filter, topK, response, performance.now() - started);
      await this.ports.usageMeter.record([
        { id: response.search_id, tenantId, metric: 'searches', quantity: 1 },
      ]);
      await this.hooks.run('afterSearch', response, principal);
    });
    return response;
  }

  /** The session prior, calibrated scores, the ranking model's order, then any reranker. */
  private async rank(query: string, fused: SearchResult[]): Promise<SearchResult[]> {
    return this.rerank(query, this.order(query, this.calibrate(withSessionPrior(fused))));
  }

  /** The query's entities, for graphHits (none when the graph does not count). */
  private extractQueryEntities(query: string): Promise<ExtractedEntity[]> {
    if (this.config.search.weights.graph === 0) return Promise.resolve([]);
    const entities = this.ports.entityExtractor.extract(query);
    entities.catch(() => undefined); // a failure is handled where it is awaited (graphHits)
    return entities;
  }

  /**
   * Memories that share entities with the query or with the best lexical hits. Vector hits do
   * not seed the expansion: near neighbours by meaning are often unrelated by name, and their
   * entities were measured to add noise on LoCoMo.
   */
  private async graphHits(
    tenantId: string,
    queryEntities: Promise<ExtractedEntity[]>,
    filter: MemoryFilter,
    textHits: ScoredId[],
    depth: number,
  ): Promise<ScoredId[]> {
    if (this.config.search.weights.graph === 0) return [];
    const graph = this.ports.graphStore;
    const seeds = textHits.slice(0, GRAPH_SEEDS).map((h) => h.id);
    // Look-ups that do not depend on each other go out together: on a networked graph store
    // each is a round trip, so a search waits for two of them in a row rather than six.
    const [fromQuery, entitiesOfSeeds] = await Promise.all([
      queryEntities.then((named) =>
        graph.findEntities(
          tenantId,
          filter.user_id ?? null,
          named.map((e) => e.name),
        ),
      ),
      graph.entitiesOf(tenantId, seeds),
    ]);
    const named = filter.user_id === undefined ? inSeedGraphs(fromQuery, entitiesOfSeeds) : fromQuery;
    const expansions: { entities: string[]; except?: string }[] = [
      ...(named.length ? [{ entities: ids(named) }] : []),
      // A seed shares every entity with itself: only what it leads to elsewhere counts.
      ...[...entitiesOfSeeds].map(([seed, entities]) => ({ entities: ids(entities), except: seed })),
    ];
    const found = expansions.length
      ? await graph.memoriesMentioningEach(
          tenantId,
          expansions.map(({ entities }) => entities),
          depth,
        )
      : [];
    const scores = new Map<string, number>();
    found.forEach((hits, i) => {
      for (const h of hits)
        if (h.id !== expansions[i]!.except) scores.set(h.id, (scores.get(h.id) ?? 0) + h.score);
    });
    return [...scores.entries()].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score);
  }

  private fuse(rankings: Record<Exclude<Signal, 'context'>, ScoredId[]>): Candidate[] {
    const byId = new Map<string, Candidate>();
    for (const signal of Object.keys(rankings) as Exclude<Signal, 'context'>[]) {
      const weight = this.config.search.weights[signal];
      rankings[signal].forEach((hit, rank) => {
        const c = candidate(byId, hit.id);
        c.signals[signal] = hit.score;
        c.fused += weight / (this.config.search.rrf_k + rank + 1);
      });
    }
    return sortCandidates([...byId.values()]);
  }

  /**
   * In a conversation the turn that answers a question often sits next to the turn that
   * matches it ("What did you research?" / "Adoption agencies."), so the session neighbours
   * of the best hits earn a share of their score, less the further away they are.
   */
  private async addContext(tenantId: string, fused: Candidate[]): Promise<Candidate[]> {
    const weight = this.config.search.weights.context;
    if (weight === 0) return fused;
    const byId = new Map(fused.map((c) => [c.id, c]));
    const top = fused.slice(0, CONTEXT_SEEDS);
    const neighbours = await Promise.all(
      top.map((c) => this.ports.memoryStore.sessionNeighbors(tenantId, c.id, CONTEXT_WINDOW)),
    );
    // Shares are taken from the scores before any is given, and a share is a fraction of its
    // seed's score, so a neighbour never outranks the hit that brought it in on that alone.
    const seedScores = top.map((c) => c.fused);
    neighbours.forEach((around, rank) => {
      around.forEach((id, i) => {
        const distance = Math.floor(i / 2) + 1; // nearest first, alternating before and after
        const c = candidate(byId, id);
        c.signals.context = (c.signals.context ?? 0) + 1;
        c.fused += (weight * seedScores[rank]!) / distance;
      });
    });
    return sortCandidates([...byId.values()]);
  }

  /**
   * Scores as relevance (0..1, comparable across queries), the first few ordered by it; see
   * domain/relevance. Over every candidate, so a smaller top_k answers the same first results.
   */
  private calibrate(results: SearchResult[]): SearchResult[] {
    const model =
      this.config.search.relevance === undefined ? DEFAULT_RELEVANCE_MODEL : this.config.search.relevance;
    return model ? orderByRelevance(model, results) : results;
  }

  /**
   * The first results reordered by the ranking model (query shape, coverage of the query's
   * words, session; domain/ranking-features), its calibrated probabilities as scores.
   */
  private order(query: string, results: SearchResult[]): SearchResult[] {
    if (!this.ranking || results.length === 0) return results;
    return withScores(results, rerankScores(this.ranking, query, results));
  }

  private async rerank(query: string, results: SearchResult[]): Promise<SearchResult[]> {
    const reranker = this.ports.reranker;
    if (!reranker || results.length === 0) return results;
    return withScores(results, await reranker.rerank(query, results));
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

/** Results with new scores (one per result, in order), highest first. */
function withScores(results: SearchResult[], scores: number[]): SearchResult[] {
  return results.map((r, i) => ({ ...r, score: scores[i] ?? r.score })).sort((a, b) => b.score - a.score);
}
