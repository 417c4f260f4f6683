import pino from 'pino';
import {
  DurableJobQueue,
  InMemoryBatchStore,
  InMemoryGraphStore,
  InMemoryIdempotencyStore,
  InMemoryJobStore,
  InMemoryLogStore,
  InMemoryMemoryStore,
  InMemoryTextIndex,
  InMemoryVectorIndex,
  InMemoryWebhookStore,
} from '../src';
import { describeJobQueueContract, describeStorageContract } from '../src/testing';

// Core's reference stores pass the same contracts as every backend, all ports of them.
describeStorageContract('in-memory reference stores', {
  open: async () => ({
    memoryStore: new InMemoryMemoryStore(),
    vectorIndex: new InMemoryVectorIndex(),
    textIndex: new InMemoryTextIndex(),
    graphStore: new InMemoryGraphStore(),
    logStore: new InMemoryLogStore(),
    batchStore: new InMemoryBatchStore(),
    webhookStore: new InMemoryWebhookStore(),
    jobStore: new InMemoryJobStore(),
    idempotencyStore: new InMemoryIdempotencyStore(),
  }),
  close: async () => undefined,
});

describeJobQueueContract('durable queue over the in-memory job store', {
  open: async () =>
    new DurableJobQueue(new InMemoryJobStore(), pino({ level: 'silent' }), {
      pollMs: 20,
      leaseMs: 5000,
      concurrency: 4,
    }),
  close: (queue) => queue.stop(),
});
