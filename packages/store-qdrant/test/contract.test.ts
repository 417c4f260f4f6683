import { describeEngineContract, describeStorageContract } from '@engram/core/testing';
import { useLiteEmbedderPlugin } from '@engram/embed-use';
import { sqliteStorePlugin } from '@engram/store-sqlite';
import { openQdrantVectorIndex, qdrantClient, qdrantVectorPlugin } from '../src';

// Qdrant cannot be installed on every machine (it ships as a container or a Rust binary): this
// suite runs against a real server whenever QDRANT_URL is set, and says so when it is skipped.
const url = process.env.QDRANT_URL;
let n = 0;
const collection = () => `engram_test_${process.pid}_${n++}`;
let current: string | null = null;

if (!url) {
  console.warn('store-qdrant: QDRANT_URL is not set; the Qdrant contract suites are skipped');
  describe('qdrant (QDRANT_URL not set)', () => {
    it.skip('storage contract: vectorIndex against a real Qdrant', () => undefined);
    it.skip('engine contract: sqlite + qdrant + use-lite', () => undefined);
  });
} else {
  const client = qdrantClient({ url });
  describeStorageContract('qdrant', {
    provides: ['vectorIndex'],
    async open() {
      current = collection();
      return { vectorIndex: openQdrantVectorIndex({ url, collection: current }) };
    },
    async close() {
      if (current) await client.deleteCollection(current);
    },
  });
  describeEngineContract('sqlite + qdrant + use-lite', {
    plugins: () => [
      qdrantVectorPlugin({ url, collection: collection() }), // first: SQLite fills the rest
      sqliteStorePlugin({ path: ':memory:' }),
      useLiteEmbedderPlugin({ threads: 1 }),
    ],
  });
}
