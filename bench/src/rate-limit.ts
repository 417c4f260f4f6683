import { PlanBook, SqliteTenancyStore, TokenBucketRateLimiter } from '@engram/ee';
import { startTestRedis } from '@engram/queue-bullmq/testing';
import { Redis } from 'ioredis';
import pino from 'pino';
import { percentile, round } from './metrics';

/**
 * What the cloud's rate limiter adds to a request: `consume` timed alone, one caller at a time
 * and 16 at once, with Redis (the shared bucket, one script call) and in process.
 */
export async function rateLimitBench(calls = 5000) {
  const store = new SqliteTenancyStore(':memory:');
  await store.createOrg({ id: 'org_b', name: 'bench', created_at: new Date().toISOString() });
  await store.createProject({
    id: 'prj_b',
    org_id: 'org_b',
    name: 'bench',
    created_at: new Date().toISOString(),
  });
  const catalog = {
    default: 'bench',
    upgrade_url: 'https://example.com',
    catalog: {
      bench: {
        requests_per_minute: 1e9,
        burst: 1e9,
        stored_memories: null,
        memories_per_month: null,
        searches_per_month: null,
        max_batch: 50,
        features: [],
        slo: { availability: 0.99, search_p95_ms: 800 },
      },
    },
  };
  const principal = { tenant_id: 'prj_b', subject: 'k', scopes: ['write' as const] };
  const redisServer = await startTestRedis();
  const redis = new Redis(redisServer.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
  await new Promise((r) => redis.once('ready', r));
  const logger = pino({ level: 'silent' });
  const measure = async (limiter: TokenBucketRateLimiter, concurrency: number) => {
    const latencies: number[] = [];
    let left = calls;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (left-- > 0) {
          const t = performance.now();
          await limiter.consume(principal);
          latencies.push(performance.now() - t);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      concurrency,
      p50_ms: round(percentile(latencies, 50), 3),
      p99_ms: round(percentile(latencies, 99), 3),
      per_second: Math.round(latencies.length / seconds),
    };
  };
  const withRedis = new TokenBucketRateLimiter(new PlanBook(store, catalog), redis, logger);
  const inProcess = new TokenBucketRateLimiter(new PlanBook(store, catalog), null, logger);
  await measure(withRedis, 1); // warm-up: script cache, plan cache
  const result = {
    measured: new Date().toISOString().slice(0, 16),
    calls,
    redis: [await measure(withRedis, 1), await measure(withRedis, 16)],
    in_process: [await measure(inProcess, 1), await measure(inProcess, 16)],
  };
  redis.disconnect();
  await redisServer.stop();
  await store.close();
  return result;
}
