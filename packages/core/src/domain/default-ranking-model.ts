import fitted from './default-ranking-model.json';
import type { RankingModel } from './ranking-model';

/**
 * Core's default ranking model, fitted on the LoCoMo dev conversations with the default (static)
 * embedder through the same pipeline as a deployment's own (`node bench/dist/trained-reranker.js
 * --write-default`: the dev questions searched, their evidence sent as feedback,
 * ModelRegistry.train), with no per-memory feedback. What it does to held-out conversations is
 * measured by the same script (trained on four, searched on the fifth): see the README's search
 * section. `search.ranking: null` turns it off; a deployment's own model replaces it there.
 */
export const DEFAULT_RANKING_MODEL: RankingModel | null = fitted as unknown as RankingModel;
