import { type BatchProcessor, type Engram, type EngramPlugin, QueueBatchProcessor } from '@engram/core';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { z } from 'zod';
import { TemporalBatchProcessor } from './processor';

export const temporalBatchesSection = {
  temporal_batches: z
    .object({
      threshold: z.number().int().min(0).describe('Batches with more items than this run on Temporal'),
      chunk_size: z.number().int().min(1).max(500).describe('Items per activity'),
      parallel_chunks: z.number().int().min(1).max(256).describe('Chunks of one batch in flight at once'),
      worker_activities: z.number().int().min(1).max(256).describe('Chunks one worker process runs at once'),
    })
    .strict()
    .default({ threshold: 100, chunk_size: 25, parallel_chunks: 8, worker_activities: 4 }),
};
export type TemporalBatchesConfig = z.infer<(typeof temporalBatchesSection)['temporal_batches']>;

export interface TemporalBatchPluginOptions {
  address: string;
  namespace: string;
  taskQueue: string;
  maxBatchSize: number;
  config: TemporalBatchesConfig;
}

/** A server role a plugin offers besides the HTTP API (`engram-cloud worker`). */
export type RoleRunner = (
  engram: Engram,
  logger: Logger,
) => Promise<{ stop(): Promise<void>; done: Promise<void> }>;

/**
 * Fills the batchProcessor port with the Temporal processor (large batches as workflows, small
 * ones on the queue) and offers the `worker` role that runs the workflows' activities. Temporal's
 * packages are loaded only when this plugin is composed, and the worker's only in that role.
 */
export function temporalBatchPlugin(
  options: TemporalBatchPluginOptions,
): EngramPlugin & { roles: Record<string, RoleRunner> } {
  let client: Promise<Client> | null = null;
  let queue: BatchProcessor | null = null;
  const connect = async (): Promise<Client> => {
    const { Client, Connection } = await import('@temporalio/client');
    return new Client({
      connection: Connection.lazy({ address: options.address }),
      namespace: options.namespace,
    });
  };
  return {
    name: 'ee-temporal-batches',
    setup(ctx) {
      const processor = new TemporalBatchProcessor(
        () => (client ??= connect()),
        () => queue!,
        {
          threshold: options.config.threshold,
          maxBatchSize: options.maxBatchSize,
          taskQueue: options.taskQueue,
          chunkSize: options.config.chunk_size,
          parallelChunks: options.config.parallel_chunks,
        },
      );
      ctx.provide('batchProcessor', processor);
      ctx.onReady((_services, ports) => {
        queue = new QueueBatchProcessor(ports.jobQueue, options.maxBatchSize);
      });
    },
    async shutdown() {
      if (client) await (await client).connection.close().catch(() => undefined);
    },
    roles: {
      worker: async (engram, logger) => {
        const { startBatchWorker } = await import('./worker.js');
        return startBatchWorker(
          engram,
          {
            address: options.address,
            namespace: options.namespace,
            taskQueue: options.taskQueue,
            concurrentActivities: options.config.worker_activities,
          },
          logger,
        );
      },
    },
  };
}
