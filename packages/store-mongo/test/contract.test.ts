import { describeEngineContract, describeStorageContract } from '@engram/core/testing';
import { useLiteEmbedderPlugin } from '@engram/embed-use';
import { sqliteStorePlugin } from '@engram/store-sqlite';
import { MONGO_PORTS, type MongoStores, mongoStorePlugin, openMongoStores } from '../src';
import { startTestMongo, type TestMongo } from '../src/testing';

let mongo: TestMongo;
let stores: MongoStores | null = null;
let n = 0;
// A database per test keeps each one's records apart on one server.
const freshDb = () => `engram_test_${process.pid}_${n++}`;

beforeAll(async () => {
  mongo = await startTestMongo();
}, 60_000);
afterAll(() => mongo.stop());

describeStorageContract('mongo', {
  provides: MONGO_PORTS,
  async open() {
    stores = await openMongoStores(mongo.url, freshDb());
    return stores;
  },
  async close() {
    await stores?.connection.dropDatabase();
    await stores?.connection.close();
  },
});

describeEngineContract('mongo + sqlite-vec + use-lite', {
  plugins: () => [
    // Vectors stay in the embedded index; everything else is on the MongoDB-wire server.
    sqliteStorePlugin({ path: ':memory:', ports: ['vectorIndex', 'graphStore'] }),
    mongoStorePlugin({ url: mongo.url, dbName: freshDb() }),
    useLiteEmbedderPlugin({ threads: 1 }),
  ],
});
