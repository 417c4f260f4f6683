import {
  compiledModule,
  type RankingModel,
  type TrainingData,
  type TrainingResult,
  trainAndEvaluate,
  WorkerPool,
} from '@engram/core';

/**
 * Fits and evaluates a project's model. The fit is CPU-bound for seconds (hundreds of labelled
 * searches) to minutes (tens of thousands), so a server never runs it on its HTTP thread.
 */
export interface ModelFitter {
  fit(data: TrainingData, current: RankingModel | null): Promise<TrainingResult>;
  close(): Promise<void>;
}

/** What the worker thread builds (`WorkerPool` loads this module's compiled file there). */
export function createThreadFitter() {
  return { fit: (data: TrainingData, current: RankingModel | null) => trainAndEvaluate(data, current) };
}

/**
 * Fits on a worker thread of its own, started on the first training: searches and writes go on
 * while a model is fitted, and a process fits one model at a time (the next waits its turn).
 */
export class WorkerModelFitter implements ModelFitter {
  private pool: WorkerPool | null = null;

  fit(data: TrainingData, current: RankingModel | null): Promise<TrainingResult> {
    this.pool ??= new WorkerPool(
      { module: compiledModule(__filename), factory: 'createThreadFitter' },
      { threads: 1 },
    );
    return this.pool.call<TrainingResult>('fit', data, current);
  }

  async close(): Promise<void> {
    await this.pool?.close();
    this.pool = null;
  }
}
