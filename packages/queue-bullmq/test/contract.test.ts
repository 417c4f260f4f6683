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

describe('stopping with Redis gone', () => {
  it('drops the connections after the grace period instead of waiting for Redis for ever', async () => {
    const own = await startTestRedis();
    const queue = new BullMqJobQueue({ url: own.url, name: `engram-stop-${process.pid}`, stopGraceMs: 500 });
    queue.register('noop', async () => undefined);
    await queue.start();
    await queue.enqueue('noop', {}, { tenantId: 't1' });
    await queue.idle();
    await own.kill();
    const started = performance.now();
    await queue.stop();
    expect(performance.now() - started).toBeLessThan(5_000);
    await own.stop();
  }, 30_000);
});
