import {
  countLabelled,
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
} from '@engram/core';
import { type ModelFitter, WorkerModelFitter } from './model-fitter';
import { isTrained, type ModelStore, type ModelVersion, type TrainedVersion } from './model-store';
import { memoriesById, type TrainingWindow, trainingLogs } from './training';

/**
 * The active version when this release can serve it: a model fitted on another release's
 * features (or format) is not served, and search keeps the fused ranking until the project
 * trains again.
 */
const servable = (version: ModelVersion | undefined): TrainedVersion | null =>
  version && isTrained(version) && isRankingModel(version.model) ? version : null;

/** A candidate must beat both no model and the serving one by this much nDCG@10 to be promoted. */
export const DEFAULT_PROMOTION_MARGIN = 0.005;

/**
 * A version still `training` this long after it started is taken as interrupted (the process
 * fitting it stopped), shown as failed, and no longer holds the next training back.
 */
export const TRAINING_DEADLINE_MS = 3_600_000;

export interface ModelRegistryOptions {
  /** How long a project's active version is remembered between searches. */
  cacheMs?: number;
  fitter?: ModelFitter;
}

/**
 * A project's trained rerankers: train from its logs (the fit off the HTTP thread), promote a
 * version that measured better on held-out searches, roll back to the one before. Exactly one
 * version (or none) is active, and a project trains one version at a time.
 */
export class ModelRegistry {
  private readonly cache = new Map<string, { version: TrainedVersion | null; until: number }>();
  /**
   * Projects training in this process: null while the training starts (between the check and
   * the version's first save), then the version being fitted.
   */
  private readonly training = new Map<string, ModelVersion | null>();
  private readonly cacheMs: number;
  private readonly fitter: ModelFitter;

  constructor(
    private readonly store: ModelStore,
    private readonly stores: () => { logStore: LogStore; memoryStore: MemoryStore },
    options: ModelRegistryOptions = {},
  ) {
    this.cacheMs = options.cacheMs ?? 10_000;
    this.fitter = options.fitter ?? new WorkerModelFitter();
  }

  async active(projectId: string): Promise<TrainedVersion | null> {
    const cached = this.cache.get(projectId);
    if (cached && cached.until > Date.now()) return cached.version;
    const version = servable((await this.store.list(projectId)).find((v) => v.status === 'active'));
    this.cache.set(projectId, { version, until: Date.now() + this.cacheMs });
    return version;
  }

  /** Newest first; a training whose process stopped shows as failed. */
  async list(projectId: string): Promise<ModelVersion[]> {
    return (await this.store.list(projectId)).map((v) => this.interrupted(v));
  }

  /**
   * Starts training a version on the window's labelled searches: answers once the version is
   * recorded as `training`; `done` settles when the fit has finished, with the version saved as
   * a candidate (or rejects, the version saved as failed). Refused (conflict) below
   * MIN_TRAINING_SEARCHES and while the project has a version training.
   */
  async start(
    projectId: string,
    window: TrainingWindow,
    include?: (q: QueryLog) => boolean,
  ): Promise<{ version: ModelVersion; done: Promise<TrainedVersion> }> {
    if (this.training.has(projectId)) throw this.busy(projectId);
    this.training.set(projectId, null);
    try {
      const versions = await this.list(projectId);
      const running = versions.find((v) => v.status === 'training');
      if (running) throw this.busy(projectId, running);
      const logs = await trainingLogs(this.stores(), projectId, window, include);
      const usable = countLabelled(logs.logged, memoriesById(logs));
      if (usable < MIN_TRAINING_SEARCHES) {
        throw new EngramError(
          'conflict',
          `training needs at least ${MIN_TRAINING_SEARCHES} searches with positive feedback on a returned memory; ` +
            `the window has ${usable} (of ${logs.logged.length} searches)`,
        );
      }
      const current = servable(versions.find((v) => v.status === 'active'));
      const version: ModelVersion = {
        project_id: projectId,
        version: (versions[0]?.version ?? 0) + 1,
        status: 'training',
        created_at: nowIso(),
        promoted_at: null,
        window,
        searches_read: logs.logged.length,
        examples: null,
        evaluation: null,
        model: null,
      };
      await this.store.save(version);
      this.training.set(projectId, version);
      const done = this.fitter.fit(logs, current?.model ?? null).then(
        async (result): Promise<TrainedVersion> => {
          const trained: TrainedVersion = { ...version, status: 'candidate', ...result };
          await this.store.save(trained);
          return trained;
        },
        async (err: Error) => {
          await this.store.save({ ...version, status: 'failed', error: `training failed: ${err.message}` });
          throw err;
        },
      );
      const settled = () => {
        this.training.delete(projectId);
      };
      done.then(settled, settled);
      return { version, done };
    } catch (err) {
      this.training.delete(projectId);
      throw err;
    }
  }

  /** Trains a candidate and waits for it (the scheduled role and the benchmark). */
  async train(projectId: string, window: TrainingWindow, include?: (q: QueryLog) => boolean) {
    return (await this.start(projectId, window, include)).done;
  }

  /** Makes a candidate the active version when it measured better by `margin` (unless forced). */
  async promote(
    projectId: string,
    versionNumber: number,
    { margin = DEFAULT_PROMOTION_MARGIN, force = false } = {},
  ) {
    const versions = await this.list(projectId);
    const version = versions.find((v) => v.version === versionNumber);
    if (!version) throw new EngramError('not_found', `model version ${versionNumber} was not found`);
    if (version.status === 'active') return version;
    if (!isTrained(version))
      throw new EngramError(
        'conflict',
        `version ${versionNumber} is ${version.status}: only a trained version can be promoted`,
      );
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
    const promoted: TrainedVersion = { ...version, status: 'active', promoted_at: at };
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

  /** Stops fitting: versions still training here are saved as failed (a restart does not resume them). */
  async close(): Promise<void> {
    for (const version of this.training.values())
      if (version)
        await this.store.save({ ...version, status: 'failed', error: 'the server stopped while it trained' });
    this.training.clear();
    await this.fitter.close();
  }

  private busy(projectId: string, running = this.training.get(projectId)) {
    return new EngramError(
      'conflict',
      running
        ? `version ${running.version} of this project is training; its status is at GET /v1/models/${running.version}`
        : 'a training of this project is starting',
    );
  }

  private interrupted(v: ModelVersion): ModelVersion {
    const stale =
      v.status === 'training' &&
      this.training.get(v.project_id)?.version !== v.version &&
      Date.now() - Date.parse(v.created_at) > TRAINING_DEADLINE_MS;
    return stale
      ? { ...v, status: 'failed', error: 'interrupted: the process training it stopped before it finished' }
      : v;
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
