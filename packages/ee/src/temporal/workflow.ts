/**
 * The batch workflow. This file is bundled into Temporal's deterministic sandbox on its own:
 * it imports only @temporalio/workflow and types. Every side effect is an activity.
 */
import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type { BatchActivities, BatchPlan } from './activities';

export interface BatchWorkflowInput {
  tenantId: string;
  batchId: string;
  /** Items per activity: small enough that a retried chunk redoes little. */
  chunkSize: number;
  /** Chunks in flight at once, across every worker. */
  parallelChunks: number;
}

/** DELETE /v1/batch/{id}: no new chunk starts; the chunks in flight finish; the rest are cancelled. */
export const cancelBatchSignal = defineSignal('cancelBatch');

// A chunk takes well under a second; a worker killed mid-chunk loses its activity, which Temporal
// starts again on another worker once the start-to-close timeout passes. No schedule-to-start
// timeout: with every worker down, chunks wait in the task queue until one comes back. Retries
// never end for infrastructure failures (guaranteed processing); an item's own error is not a
// failure of the activity, it is reported in the chunk's outcome.
const { addChunk } = proxyActivities<BatchActivities>({
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});
const { begin, recordProgress, complete } = proxyActivities<BatchActivities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    nonRetryableErrorTypes: ['BatchNotFound'],
  },
});

export async function engramBatch(input: BatchWorkflowInput): Promise<{ status: string }> {
  const { tenantId, batchId } = input;
  let cancelRequested = false;
  let planned = false;
  setHandler(cancelBatchSignal, () => {
    cancelRequested = true;
    if (planned) void report(); // shows cancel_requested at once
  });

  const plan: BatchPlan = await begin(tenantId, batchId, input.chunkSize);
  const progress = {
    ...plan.progress,
    errors: [] as BatchPlan['progress']['errors'],
    ids: [] as { index: number; id: string }[],
  };
  planned = true;
  const waiting = [...plan.chunks];

  // Progress is written by one activity at a time, with absolute counts and the errors found
  // since the last write, so GET /v1/batch/{id} follows the run without racing writers.
  let writing = false;
  let stale = false;
  async function report(): Promise<void> {
    if (writing) {
      stale = true;
      return;
    }
    writing = true;
    do {
      stale = false;
      const [errors, ids] = [progress.errors.splice(0), progress.ids.splice(0)];
      await recordProgress(tenantId, batchId, { ...progress, errors, ids }, cancelRequested);
    } while (stale);
    writing = false;
  }

  const running = new Set<Promise<void>>();
  while (waiting.length > 0 && !cancelRequested) {
    if (running.size >= input.parallelChunks) {
      await Promise.race(running);
      continue;
    }
    const [start, end] = waiting.shift()!;
    const chunk: Promise<void> = addChunk(tenantId, batchId, start, end).then((outcome) => {
      running.delete(chunk);
      progress.succeeded += outcome.succeeded;
      progress.failed += outcome.errors.length;
      progress.processed += end - start;
      progress.errors.push(...outcome.errors);
      progress.ids.push(...outcome.ids);
      void report();
    });
    running.add(chunk);
  }
  await Promise.all(running);
  await condition(() => !writing);
  const cancelled = cancelRequested ? waiting : [];
  const [errors, ids] = [progress.errors.splice(0), progress.ids.splice(0)];
  return complete(tenantId, batchId, { ...progress, errors, ids }, cancelled);
}
