import { describeEngineContract, describeStorageContract } from '@engram/core/testing';
import { useLiteEmbedderPlugin } from '@engram/embed-use';
import { openSqliteStores, type SqliteStores, sqliteStorePlugin } from '../src';

let stores: SqliteStores | null = null;

describeStorageContract('sqlite', {
  async open() {
    stores = openSqliteStores(':memory:');
    return stores;
  },
  async close() {
    stores?.db.close();
  },
});

describeEngineContract('sqlite + use-lite', {
  plugins: () => [sqliteStorePlugin({ path: ':memory:' }), useLiteEmbedderPlugin({ threads: 1 })],
});
