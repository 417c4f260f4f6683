export type { AnnOptions } from './ann-index';
export { WalCheckpointer } from './checkpointer';
export { type Db, indexedEmbeddingModel, openDatabase } from './database';
export { SqliteGraphStore } from './graph-store';
export { SqliteLogStore } from './log-store';
export { SqliteMemoryStore } from './memory-store';
export {
  openSqliteStores,
  SQLITE_PORTS,
  type SqlitePluginOptions,
  type SqlitePort,
  type SqliteStores,
  sqliteStorePlugin,
} from './plugin';
export { SqliteBatchStore, SqliteJobStore, SqliteWebhookStore } from './record-stores';
export { ftsQuery, SqliteTextIndex, SqliteVectorIndex } from './search-indexes';
