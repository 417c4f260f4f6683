import { startTestRedis } from '@engram/queue-bullmq/testing';
import { describeApi } from './api-suite';

let redis: Awaited<ReturnType<typeof startTestRedis>> | null = null;

// The same end-to-end suite with background work on Redis/BullMQ instead of in process.
describeApi('background work on Redis (BullMQ)', {
  async env() {
    redis = await startTestRedis();
    return { REDIS_URL: redis.url };
  },
  stop: async () => redis?.stop(),
});
