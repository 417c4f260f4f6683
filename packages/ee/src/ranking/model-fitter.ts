import {
  compiledModule,
  labelSearches,
  type RankingModel,
  type TrainingResult,
  trainAndEvaluate,
  WorkerPool,
} from '@engram/core';
import { memoriesById, type TrainingLogs } from './training';

/**
 * Labels a project's logged searches and fits and evaluates its model: CPU-bound for seconds
 * (hundreds of labelled searches) to minutes (tens of thousands), so a server never runs it on
 * its HTTP thread.
 */
export interface ModelFitter {
  fit(logs: TrainingLogs, current: RankingModel | null): Promise<TrainingResult>;
  close(): Promise<void>;
}

/** What the worker thread builds (`WorkerPool` loads this module's compiled file there). */
export function createThreadFitter() {
  return {
    fit: (logs: TrainingLogs, current: RankingModel | null) =>
      trainAndEvaluate(labelSearches(logs.logged, memoriesById(logs)), current),
  };
}

/**
 * Fits on a worker thread of its own, started on the first training: searches and writes go on
 * while a model is fitted, and a process fits one model at a time (the next waits its turn).
 */
export class WorkerModelFitter implements ModelFitter {
  private pool: WorkerPool | null = null;

  fit(logs: TrainingLogs, current: RankingModel | null): Promise<TrainingResult> {
    this.pool ??= new WorkerPool(
      { module: compiledModule(__filename), factory: 'createThreadFitter' },
      { threads: 1 },
    );
    return this.pool.call<TrainingResult>('fit', logs, current);
  }

  async close(): Promise<void> {
    await this.pool?.close();
    this.pool = null;
  }
}
