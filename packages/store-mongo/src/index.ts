export { MongoLogStore } from './log-store';
export { MongoMemoryStore } from './memory-store';
export { mongoFilter } from './mongo-filter';
export {
  MONGO_PORTS,
  type MongoPluginOptions,
  type MongoPort,
  type MongoStores,
  mongoStorePlugin,
  openMongoStores,
} from './plugin';
export { MongoBatchStore, MongoJobStore, MongoWebhookStore } from './record-stores';
export { MongoTextIndex } from './text-index';
