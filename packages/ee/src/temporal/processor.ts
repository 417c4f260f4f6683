import { type BatchProcessor, EngramError } from '@engram/core';
import type { Client } from '@temporalio/client';
import type { BatchWorkflowInput } from './workflow';

export interface TemporalBatchOptions {
  /** Batches with more items than this run as workflows; smaller ones take the background queue. */
  threshold: number;
  maxBatchSize: number;
  taskQueue: string;
  chunkSize: number;
  parallelChunks: number;
  /** How long a call to Temporal may take before the request is refused (default 5 s). */
  callTimeoutMs?: number;
}

export const WORKFLOW_TYPE = 'engramBatch';
const CANCEL_SIGNAL = 'cancelBatch';

/**
 * ee's BatchProcessor: a batch larger than the threshold becomes a Temporal workflow (durable,
 * retried chunk by chunk, resumed by any worker after a crash); smaller ones go to the queue
 * processor it wraps, as in the open-source edition. The Temporal client is made on first use,
 * so a server whose Temporal is down still starts and serves everything but large batches.
 */
export class TemporalBatchProcessor implements BatchProcessor {
  readonly maxBatchSize: number;

  constructor(
    private readonly client: () => Promise<Client>,
    private readonly queue: () => BatchProcessor,
    private readonly options: TemporalBatchOptions,
  ) {
    this.maxBatchSize = options.maxBatchSize;
  }

  workflowId(batch: { id: string; total: number }): string | null {
    return batch.total > this.options.threshold ? `engram-batch-${batch.id}` : null;
  }

  async dispatch(batch: { id: string; tenant_id: string; total: number }): Promise<void> {
    const workflowId = this.workflowId(batch);
    if (!workflowId) return this.queue().dispatch(batch);
    const input: BatchWorkflowInput = {
      tenantId: batch.tenant_id,
      batchId: batch.id,
      chunkSize: this.options.chunkSize,
      parallelChunks: this.options.parallelChunks,
    };
    await this.call('start the batch', async (client) => {
      try {
        await client.workflow.start(WORKFLOW_TYPE, {
          taskQueue: this.options.taskQueue,
          workflowId,
          args: [input],
        });
      } catch (err) {
        // Started already (a retried submission reached Temporal the first time): one run.
        if ((err as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw err;
      }
    });
  }

  async cancel(batch: { workflow_id: string }): Promise<void> {
    await this.call('cancel the batch', (client) =>
      client.workflow.getHandle(batch.workflow_id).signal(CANCEL_SIGNAL),
    );
  }

  /** A call to Temporal within the deadline; unreachable or too slow is 503, never a hang. */
  private async call<T>(what: string, fn: (client: Client) => Promise<T>): Promise<T> {
    try {
      const client = await this.client();
      const deadline = Date.now() + (this.options.callTimeoutMs ?? 5_000);
      return await client.connection.withDeadline(deadline, () => fn(client));
    } catch (err) {
      if (err instanceof EngramError) throw err;
      throw new EngramError(
        'dependency_unavailable',
        `could not ${what}: the workflow engine (Temporal) did not answer; nothing was accepted, try again`,
        { dependency: 'temporal', reason: (err as Error).message },
      );
    }
  }
}
