import type { Engram } from '@engram/core';
import type { Logger } from 'pino';
import { batchActivities } from './activities';

export interface BatchWorkerOptions {
  address: string;
  namespace: string;
  taskQueue: string;
  /** Chunks this worker runs at once. */
  concurrentActivities: number;
}

/**
 * A Temporal worker for batch workflows, running the activities over this process's Engram.
 * Workers are their own processes (`engram-cloud worker`), scaled apart from the API servers;
 * the workflow code is bundled at start from ./workflow.
 */
export async function startBatchWorker(
  engram: Engram,
  options: BatchWorkerOptions,
  logger: Logger,
): Promise<{ stop(): Promise<void>; done: Promise<void> }> {
  const { DefaultLogger, NativeConnection, Runtime, Worker } = await import('@temporalio/worker');
  try {
    // The SDK's own chatter stays out of the server's log below warnings.
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Installed already (a second worker in one process): keep it.
  }
  const connection = await NativeConnection.connect({ address: options.address });
  const worker = await Worker.create({
    connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowsPath: require.resolve('./workflow'),
    activities: batchActivities(engram.services.batches),
    maxConcurrentActivityTaskExecutions: options.concurrentActivities,
  });
  logger.info({ task_queue: options.taskQueue, address: options.address }, 'batch worker is running');
  const done = worker.run().finally(() => connection.close());
  return {
    done,
    async stop() {
      worker.shutdown();
      await done;
    },
  };
}
