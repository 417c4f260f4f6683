import { describeEngineContract, describeJobQueueContract } from '@engram/core/testing';
import { useLiteEmbedderPlugin } from '@engram/embed-use';
import { sqliteStorePlugin } from '@engram/store-sqlite';
import { BullMqJobQueue, bullMqPlugin } from '../src';
import { startTestRedis } from '../src/test-redis';

let redis: Awaited<ReturnType<typeof startTestRedis>>;
let n = 0;

beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(() => redis.stop());

describeJobQueueContract('bullmq on redis', {
  // A queue name per test keeps them from seeing each other's jobs on one Redis.
  open: async () => new BullMqJobQueue({ url: redis.url, name: `engram-test-${process.pid}-${n++}` }),
  close: (queue) => queue.stop(),
});

describeEngineContract('sqlite + use-lite + bullmq', {
  plugins: () => [
    sqliteStorePlugin({ path: ':memory:' }),
    useLiteEmbedderPlugin({ threads: 1 }),
    bullMqPlugin({ url: redis.url, name: `engram-engine-${process.pid}` }),
  ],
});
