import {
  EngramError,
  isRankingModel,
  type LogStore,
  type MemoryStore,
  MIN_TRAINING_SEARCHES,
  nowIso,
  type QueryLog,
  type RerankCandidate,
  type Reranker,
  rerankScores,
  trainAndEvaluate,
} from '@engram/core';
import type { ModelStore, ModelVersion } from './model-store';
import { type TrainingWindow, trainingData } from './training';

/**
 * The active version when this release can serve it: a model fitted on another release's
 * features (or format) is not served, and search keeps the fused ranking until the project
 * trains again.
 */
const servable = (version: ModelVersion | undefined): ModelVersion | null =>
  version && isRankingModel(version.model) ? version : null;

/** A candidate must beat both no model and the serving one by this much nDCG@10 to be promoted. */
export const DEFAULT_PROMOTION_MARGIN = 0.005;

/**
 * A project's trained rerankers: train from its logs, promote a version that measured better on
 * held-out searches, roll back to the one before. Exactly one version (or none) is active.
 */
export class ModelRegistry {
  private readonly cache = new Map<string, { version: ModelVersion | null; until: number }>();

  constructor(
    private readonly store: ModelStore,
    private readonly stores: () => { logStore: LogStore; memoryStore: MemoryStore },
    private readonly cacheMs = 10_000,
  ) {}

  async active(projectId: string): Promise<ModelVersion | null> {
    const cached = this.cache.get(projectId);
    if (cached && cached.until > Date.now()) return cached.version;
    const version = servable((await this.store.list(projectId)).find((v) => v.status === 'active'));
    this.cache.set(projectId, { version, until: Date.now() + this.cacheMs });
    return version;
  }

  list(projectId: string): Promise<ModelVersion[]> {
    return this.store.list(projectId);
  }

  /** Trains a candidate on the window's labelled searches (refused below MIN_TRAINING_SEARCHES). */
  async train(
    projectId: string,
    window: TrainingWindow,
    include?: (q: QueryLog) => boolean,
  ): Promise<ModelVersion> {
    const data = await trainingData(this.stores(), projectId, window, include);
    if (data.searches.length < MIN_TRAINING_SEARCHES) {
      throw new EngramError(
        'conflict',
        `training needs at least ${MIN_TRAINING_SEARCHES} searches with positive feedback on a returned memory; ` +
          `the window has ${data.searches.length} (of ${data.read} searches)`,
      );
    }
    const versions = await this.store.list(projectId);
    const current = servable(versions.find((v) => v.status === 'active'));
    const result = trainAndEvaluate(data, current?.model ?? null);
    const version: ModelVersion = {
      project_id: projectId,
      version: (versions[0]?.version ?? 0) + 1,
      status: 'candidate',
      created_at: nowIso(),
      promoted_at: null,
      window,
      searches_read: data.read,
      examples: result.examples,
      evaluation: result.evaluation,
      model: result.model,
    };
    await this.store.save(version);
    return version;
  }

  /** Makes a candidate the active version when it measured better by `margin` (unless forced). */
  async promote(
    projectId: string,
    versionNumber: number,
    { margin = DEFAULT_PROMOTION_MARGIN, force = false } = {},
  ) {
    const versions = await this.store.list(projectId);
    const version = versions.find((v) => v.version === versionNumber);
    if (!version) throw new EngramError('not_found', `model version ${versionNumber} was not found`);
    if (version.status === 'active') return version;
    const { none, current, candidate } = version.evaluation;
    const bar = Math.max(none.ndcg_at_10, current?.ndcg_at_10 ?? 0) + margin;
    if (!force && candidate.ndcg_at_10 < bar) {
      throw new EngramError(
        'conflict',
        `version ${versionNumber} measured nDCG@10 ${candidate.ndcg_at_10} on held-out searches; ` +
          `promotion needs ${Math.round(bar * 1000) / 1000} (no model ${none.ndcg_at_10}` +
          `${current ? `, the active version ${current.ndcg_at_10}` : ''}, margin ${margin})`,
      );
    }
    const at = nowIso();
    for (const v of versions.filter((v) => v.status === 'active'))
      await this.store.save({ ...v, status: 'retired' });
    const promoted: ModelVersion = { ...version, status: 'active', promoted_at: at };
    await this.store.save(promoted);
    this.cache.delete(projectId);
    return promoted;
  }

  /** Retires the active version and reinstates the one promoted before it (none: the fused ranking). */
  async rollback(projectId: string): Promise<ModelVersion | null> {
    const versions = await this.store.list(projectId);
    const active = versions.find((v) => v.status === 'active');
    if (!active)
      throw new EngramError('conflict', 'no model is active: search already uses the fused ranking');
    await this.store.save({ ...active, status: 'rolled_back' });
    const previous = versions
      .filter((v) => v.status === 'retired' && v.promoted_at !== null)
      .sort((a, b) => b.promoted_at!.localeCompare(a.promoted_at!))[0];
    this.cache.delete(projectId);
    if (!previous) return null;
    const reinstated: ModelVersion = { ...previous, status: 'active', promoted_at: nowIso() };
    await this.store.save(reinstated);
    return reinstated;
  }
}

/**
 * Core's Reranker port, served by each project's active model: the first results reordered by
 * it, scores its calibrated probabilities. Without an active model the order and scores stay.
 */
export class TrainedReranker implements Reranker {
  readonly name = 'trained';

  constructor(private readonly registry: Pick<ModelRegistry, 'active'>) {}

  async rerank(query: string, candidates: RerankCandidate[]): Promise<number[]> {
    const tenant = candidates[0]?.memory.tenant_id;
    const active = tenant ? await this.registry.active(tenant) : null;
    if (!active) return candidates.map((c) => c.score);
    return rerankScores(active.model, query, candidates);
  }
}
