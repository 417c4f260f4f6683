import { type EngramPlugin, translateErrors } from '@engram/core';
import type { Connection } from 'mongoose';
import { MongoLogStore } from './log-store';
import { MongoMemoryStore } from './memory-store';
import { type Models, openMongo } from './models';
import { MongoBatchStore, MongoIdempotencyStore, MongoJobStore, MongoWebhookStore } from './record-stores';
import { MongoTextIndex } from './text-index';

export interface MongoStores {
  connection: Connection;
  memoryStore: MongoMemoryStore;
  textIndex: MongoTextIndex;
  logStore: MongoLogStore;
  batchStore: MongoBatchStore;
  webhookStore: MongoWebhookStore;
  jobStore: MongoJobStore;
  idempotencyStore: MongoIdempotencyStore;
}

export type MongoPort = Exclude<keyof MongoStores, 'connection'>;

/** Every port this package implements. */
export const MONGO_PORTS: MongoPort[] = [
  'memoryStore',
  'textIndex',
  'logStore',
  'batchStore',
  'webhookStore',
  'jobStore',
  'idempotencyStore',
];

/** Every port this package implements, over one MongoDB database. */
export async function openMongoStores(url: string, dbName?: string): Promise<MongoStores> {
  const { connection, models } = await openMongo(url, dbName);
  return { connection, ...storesOver(models) };
}

function storesOver(models: Models): Omit<MongoStores, 'connection'> {
  return {
    memoryStore: new MongoMemoryStore(models),
    textIndex: new MongoTextIndex(models),
    logStore: new MongoLogStore(models),
    batchStore: new MongoBatchStore(models),
    webhookStore: new MongoWebhookStore(models),
    jobStore: new MongoJobStore(models),
    idempotencyStore: new MongoIdempotencyStore(models),
  };
}

const UNAVAILABLE = /^(Mongo|Mongoose)(ServerSelection|Network|NetworkTimeout|NotConnected)Error$/;

/** The driver's ways of saying the server cannot be reached (no server to select, socket gone). */
export function mongoUnavailable(err: unknown): boolean {
  const name = (err as { name?: unknown } | null)?.name;
  return typeof name === 'string' && UNAVAILABLE.test(name);
}

export interface MongoPluginOptions {
  /** mongodb://host:port/database (MONGODB_URL in the servers). */
  url: string;
  /** Database name when the URL has none (default: the URL's, else `engram`). */
  dbName?: string;
  /** Only these ports (default: all of them), to mix with other backends. */
  ports?: MongoPort[];
}

/** Memories, logs, batches, webhooks, the outbox and the text index on MongoDB. */
export function mongoStorePlugin(options: MongoPluginOptions): EngramPlugin {
  let stores: MongoStores | null = null;
  return {
    name: 'store-mongo',
    async setup(ctx) {
      stores = await openMongoStores(options.url, options.dbName ?? defaultDbName(options.url));
      for (const port of options.ports ?? MONGO_PORTS)
        ctx.provide(port, translateErrors(stores[port], mongoUnavailable));
    },
    async shutdown() {
      await stores?.connection.close();
      stores = null;
    },
  };
}

/** The URL's database path if it names one, else `engram`. */
function defaultDbName(url: string): string | undefined {
  const path = new URL(url).pathname.replace(/^\//, '');
  return path ? undefined : 'engram';
}
