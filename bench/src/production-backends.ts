import { startTestRedis } from '@engram/queue-bullmq/testing';
import { startTestMongo } from '@engram/store-mongo/testing';
import { startTestNeo4j } from '@engram/store-neo4j/testing';

/**
 * The production set that runs on this machine, started as real servers on loopback (the ones
 * the test suites use): MongoDB wire protocol (FerretDB on SQLite), Neo4j 5 and Redis. Vectors
 * stay in the embedded index unless QDRANT_URL is set.
 */
export async function startProductionBackends(): Promise<{ env: NodeJS.ProcessEnv; stop(): Promise<void> }> {
  const [redis, mongo, neo4j] = await Promise.all([startTestRedis(), startTestMongo(), startTestNeo4j()]);
  return {
    env: {
      REDIS_URL: redis.url,
      MONGODB_URL: `${mongo.url.replace(/\/$/, '')}/engram_bench`,
      NEO4J_URL: neo4j.url,
      ...(process.env.QDRANT_URL ? { QDRANT_URL: process.env.QDRANT_URL } : {}),
    },
    stop: async () => {
      await Promise.all([redis.stop(), mongo.stop(), neo4j.stop()]);
    },
  };
}
