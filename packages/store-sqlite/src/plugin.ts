import { type EngramPlugin, translateErrors } from '@engram/core';
import type { AnnOptions } from './ann-index';
import { WalCheckpointer } from './checkpointer';
import { type Db, openDatabase } from './database';
import { SqliteGraphStore } from './graph-store';
import { SqliteLogStore } from './log-store';
import { SqliteMemoryStore } from './memory-store';
import {
  SqliteBatchStore,
  SqliteIdempotencyStore,
  SqliteJobStore,
  SqliteWebhookStore,
} from './record-stores';
import { SqliteTextIndex, SqliteVectorIndex } from './search-indexes';

export interface SqliteStores {
  db: Db;
  memoryStore: SqliteMemoryStore;
  vectorIndex: SqliteVectorIndex;
  textIndex: SqliteTextIndex;
  graphStore: SqliteGraphStore;
  logStore: SqliteLogStore;
  batchStore: SqliteBatchStore;
  webhookStore: SqliteWebhookStore;
  jobStore: SqliteJobStore;
  idempotencyStore: SqliteIdempotencyStore;
}

/** Every storage port over one SQLite file. */
export function openSqliteStores(path: string, options: { ann?: AnnOptions } = {}): SqliteStores {
  const db = openDatabase(path);
  // Beside the file, as SQLite's own -wal and -shm are: approximate indexes saved at close.
  const ann = { directory: path === ':memory:' ? undefined : `${path}-ann`, ...options.ann };
  return {
    db,
    memoryStore: new SqliteMemoryStore(db),
    vectorIndex: new SqliteVectorIndex(db, ann),
    textIndex: new SqliteTextIndex(db),
    graphStore: new SqliteGraphStore(db),
    logStore: new SqliteLogStore(db),
    batchStore: new SqliteBatchStore(db),
    webhookStore: new SqliteWebhookStore(db),
    jobStore: new SqliteJobStore(db),
    idempotencyStore: new SqliteIdempotencyStore(db),
  };
}

export type SqlitePort = Exclude<keyof SqliteStores, 'db'>;

export interface SqlitePluginOptions {
  /** Path of the data file, e.g. ./data/engram.db */
  path: string;
  /**
   * Only these ports. Default: every storage port that no plugin composed before this one
   * filled, so production backends composed first take their ports and the file keeps the rest.
   */
  ports?: SqlitePort[];
  /** When tenant-wide searches without a filter become approximate (default: 20,000 vectors). */
  ann?: AnnOptions;
}

/** Every storage port the data file can fill. */
export const SQLITE_PORTS: SqlitePort[] = [
  'memoryStore',
  'vectorIndex',
  'textIndex',
  'graphStore',
  'logStore',
  'batchStore',
  'webhookStore',
  'jobStore',
  'idempotencyStore',
];

/** Another process holds the file's write lock past the busy timeout: retrying is right. */
export function sqliteBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

/** The embedded default: provides the storage ports from one file, closed on shutdown. */
export function sqliteStorePlugin(options: SqlitePluginOptions): EngramPlugin {
  let stores: SqliteStores | null = null;
  let checkpointer: WalCheckpointer | null = null;
  return {
    name: 'store-sqlite',
    setup(ctx) {
      stores = openSqliteStores(options.path, { ann: options.ann });
      checkpointer = WalCheckpointer.start(stores.db, options.path, (err) =>
        ctx.logger.warn(
          { err },
          'WAL checkpoints on their own thread are failing; the request thread checkpoints instead (slower writes)',
        ),
      );
      const unfilled = SQLITE_PORTS.filter((port) => !ctx.get(port));
      for (const port of options.ports ?? unfilled)
        ctx.provide(port, translateErrors(stores[port], sqliteBusy));
    },
    async shutdown() {
      await checkpointer?.close();
      checkpointer = null;
      await stores?.vectorIndex.close();
      stores?.db.close();
      stores = null;
    },
  };
}
