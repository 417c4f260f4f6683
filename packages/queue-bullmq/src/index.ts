import type { EngramPlugin } from '@engram/core';
import { BullMqJobQueue, type BullMqOptions } from './bullmq-job-queue';

export { BullMqJobQueue, type BullMqOptions } from './bullmq-job-queue';

/** Replaces the in-process queue with Redis/BullMQ (REDIS_URL in the servers). */
export function bullMqPlugin(options: BullMqOptions): EngramPlugin {
  return {
    name: 'queue-bullmq',
    setup(ctx) {
      ctx.provide('jobQueue', new BullMqJobQueue(options));
    },
  };
}
