import { startTestRedis } from '@engram/queue-bullmq/testing';
import { startTestMongo, type TestMongo } from '@engram/store-mongo/testing';
import { startTestNeo4j, type TestNeo4j } from '@engram/store-neo4j/testing';
import { describeApi } from './api-suite';

let redis: Awaited<ReturnType<typeof startTestRedis>> | null = null;
let mongo: TestMongo | null = null;
let neo4j: TestNeo4j | null = null;

// The same end-to-end suite on the production set that runs on this machine: memories, logs
// and text on MongoDB-wire (FerretDB), the graph on Neo4j, background work on Redis/BullMQ;
// vectors on Qdrant when QDRANT_URL is set, else in the embedded index.
describeApi('production backends (MongoDB, Neo4j, Redis/BullMQ)', {
  async env() {
    [redis, mongo, neo4j] = await Promise.all([startTestRedis(), startTestMongo(), startTestNeo4j()]);
    return {
      REDIS_URL: redis.url,
      MONGODB_URL: `${mongo.url.replace(/\/$/, '')}/engram_e2e_${process.pid}`,
      NEO4J_URL: neo4j.url,
      ...(neo4j.user ? { NEO4J_USER: neo4j.user, NEO4J_PASSWORD: neo4j.password } : {}),
      ...(process.env.QDRANT_URL
        ? { QDRANT_URL: process.env.QDRANT_URL, QDRANT_COLLECTION: `engram_e2e_${process.pid}` }
        : {}),
    };
  },
  stop: async () => {
    await Promise.all([redis?.stop(), mongo?.stop(), neo4j?.stop()]);
  },
});
