import { type BatchProgress, type BatchService, type ChunkOutcome, EngramError } from '@engram/core';
import { ApplicationFailure } from '@temporalio/activity';

/** What a workflow starts from: the chunks still to run and the counts so far. */
export interface BatchPlan {
  chunks: [number, number][];
  progress: BatchProgress;
}

/** A missing batch (removed, or another tenant's) will not appear by retrying. */
async function orGone<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof EngramError && err.code === 'not_found') {
      throw ApplicationFailure.nonRetryable(err.message, 'BatchNotFound');
    }
    throw err;
  }
}

/**
 * The batch workflow's activities, over the same BatchService (and so MemoryService) as every
 * other add: validation, embedding, indexing, webhooks and metering are not done twice or
 * differently here. Each is safe to run again: items are added under pre-assigned ids, progress
 * carries absolute counts.
 */
export function batchActivities(batches: BatchService) {
  return {
    begin: (tenantId: string, batchId: string, chunkSize: number): Promise<BatchPlan> =>
      orGone(async () => {
        const batch = await batches.get(tenantId, batchId);
        const chunks: [number, number][] = [];
        // Chunks with no valid item (all refused at submission) have nothing to run.
        for (let start = batch.cursor; start < batch.total; start += chunkSize) {
          const end = Math.min(start + chunkSize, batch.total);
          if (batch.memory_ids.slice(start, end).some(Boolean)) chunks.push([start, end]);
        }
        return {
          chunks,
          progress: {
            succeeded: batch.succeeded,
            failed: batch.failed,
            cancelled: batch.cancelled ?? 0,
            processed: batch.total - chunks.reduce((n, [s, e]) => n + e - s, 0),
            errors: [],
          },
        };
      }),
    addChunk: (tenantId: string, batchId: string, start: number, end: number): Promise<ChunkOutcome> =>
      orGone(() => batches.addRange(tenantId, batchId, start, end)),
    recordProgress: (
      tenantId: string,
      batchId: string,
      progress: BatchProgress,
      cancelRequested: boolean,
    ): Promise<void> => orGone(() => batches.recordProgress(tenantId, batchId, progress, cancelRequested)),
    complete: (
      tenantId: string,
      batchId: string,
      progress: BatchProgress,
      cancelled: [number, number][],
    ): Promise<{ status: string }> =>
      orGone(async () => ({
        status: (await batches.complete(tenantId, batchId, progress, cancelled)).status,
      })),
  };
}

export type BatchActivities = ReturnType<typeof batchActivities>;
