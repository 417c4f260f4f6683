import { startTestRedis } from '@engram/queue-bullmq/testing';
import { startTestMongo } from '@engram/store-mongo/testing';
import { startTestNeo4j } from '@engram/store-neo4j/testing';

export interface BackendSet {
  name: string;
  /** What the set is made of, for the report. */
  label: string;
  start(): Promise<{ env: NodeJS.ProcessEnv; stop(): Promise<void> }>;
}

const nothing = async () => ({ env: {}, stop: async () => undefined });

/** Neo4j and Redis as real servers on loopback (the ones the test suites use). */
async function startGraphAndQueue() {
  const [redis, neo4j] = await Promise.all([startTestRedis(), startTestNeo4j()]);
  return {
    env: { REDIS_URL: redis.url, NEO4J_URL: neo4j.url },
    stop: async () => {
      await Promise.all([redis.stop(), neo4j.stop()]);
    },
  };
}

/** Adds the MongoDB wire protocol (FerretDB on SQLite or PostgreSQL) for memories, text, logs and the outbox. */
async function startProduction(backend: 'sqlite' | 'postgresql') {
  const [servers, mongo] = await Promise.all([startGraphAndQueue(), startTestMongo({ backend })]);
  return {
    env: {
      ...servers.env,
      MONGODB_URL: `${mongo.url.replace(/\/$/, '')}/engram_bench`,
      ...(process.env.QDRANT_URL ? { QDRANT_URL: process.env.QDRANT_URL } : {}),
    },
    stop: async () => {
      await Promise.all([servers.stop(), mongo.stop()]);
    },
  };
}

/**
 * The embedded default, the production set that runs on this machine, and the set between
 * them, which tells the cost of the graph and queue servers apart from the document store's.
 * Vectors stay in the embedded index unless QDRANT_URL is set.
 */
export const BACKEND_SETS: BackendSet[] = [
  { name: 'embedded', label: 'embedded default (one SQLite file)', start: nothing },
  {
    name: 'neo4j_redis',
    label: 'Neo4j + Redis/BullMQ, documents and text in SQLite',
    start: startGraphAndQueue,
  },
  {
    name: 'production',
    label: 'production set: FerretDB (MongoDB wire) on SQLite + Neo4j + Redis/BullMQ',
    start: () => startProduction('sqlite'),
  },
  {
    // FerretDB's PostgreSQL backend pushes equality filters down to PostgreSQL (its SQLite
    // backend only `_id`), so it is measured beside it.
    name: 'production_postgresql',
    label: 'production set with FerretDB on PostgreSQL + Neo4j + Redis/BullMQ',
    start: () => startProduction('postgresql'),
  },
];
