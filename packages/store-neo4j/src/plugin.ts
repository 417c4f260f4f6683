import { type EngramPlugin, translateErrors } from '@engram/core';
import neo4j, { type Driver } from 'neo4j-driver';
import { Neo4jGraphStore } from './graph-store';

export interface Neo4jOptions {
  /** bolt://host:7687 or neo4j://… (NEO4J_URL in the servers). */
  url: string;
  user?: string;
  password?: string;
  /** Database name (default: the server's default database). */
  database?: string;
}

/**
 * A driver that returns plain JS numbers (counts and scores here are far below 2^53) and
 * gives up on an unreachable server within seconds: the indexer then hands the write to its
 * retried repair job instead of holding the request for the driver's default 30 s.
 */
export function openNeo4jDriver(options: Neo4jOptions): Driver {
  const auth =
    options.user !== undefined ? neo4j.auth.basic(options.user, options.password ?? '') : undefined;
  return neo4j.driver(options.url, auth, {
    disableLosslessIntegers: true,
    maxTransactionRetryTime: 2_000,
    connectionTimeout: 3_000,
    connectionAcquisitionTimeout: 5_000,
  });
}

/** Connects, checks the server answers, and creates the constraints and indexes. */
export async function openNeo4jGraphStore(
  options: Neo4jOptions,
): Promise<{ driver: Driver; graphStore: Neo4jGraphStore }> {
  const driver = openNeo4jDriver(options);
  try {
    await driver.verifyConnectivity({ database: options.database });
    const graphStore = new Neo4jGraphStore(driver, options.database);
    await graphStore.init();
    return { driver, graphStore };
  } catch (err) {
    await driver.close();
    throw err;
  }
}

/** The driver's codes for a server it cannot reach or a connection it lost. */
export function neo4jUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ServiceUnavailable' || code === 'SessionExpired';
}

/** The GraphStore on Neo4j. */
export function neo4jGraphPlugin(options: Neo4jOptions): EngramPlugin {
  let driver: Driver | null = null;
  return {
    name: 'store-neo4j',
    async setup(ctx) {
      const opened = await openNeo4jGraphStore(options);
      driver = opened.driver;
      ctx.provide('graphStore', translateErrors(opened.graphStore, neo4jUnavailable));
    },
    async shutdown() {
      await driver?.close();
      driver = null;
    },
  };
}
