import { describeEngineContract, describeStorageContract } from '@engram/core/testing';
import { useLiteEmbedderPlugin } from '@engram/embed-use';
import { sqliteStorePlugin } from '@engram/store-sqlite';
import type { Driver } from 'neo4j-driver';
import { neo4jGraphPlugin, openNeo4jGraphStore } from '../src';
import { startTestNeo4j, type TestNeo4j } from '../src/testing';

let neo4j: TestNeo4j;
let driver: Driver | null = null;

beforeAll(async () => {
  neo4j = await startTestNeo4j();
}, 150_000);
afterAll(() => neo4j.stop(), 60_000);

// Community edition has one database: each test starts from an empty graph instead.
async function emptyGraph(d: Driver) {
  await d.executeQuery('MATCH (n) DETACH DELETE n');
}

describeStorageContract('neo4j', {
  provides: ['graphStore'],
  async open() {
    const opened = await openNeo4jGraphStore(neo4j);
    driver = opened.driver;
    await emptyGraph(driver);
    return { graphStore: opened.graphStore };
  },
  async close() {
    await driver?.close();
  },
});

describeEngineContract('sqlite + neo4j graph + use-lite', {
  plugins: () => [
    neo4jGraphPlugin(neo4j), // composed first: the embedded store fills only the other ports
    sqliteStorePlugin({ path: ':memory:' }),
    useLiteEmbedderPlugin({ threads: 1 }),
  ],
});
