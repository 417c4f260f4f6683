import { compiledModule, WorkerPool } from '@engram/core';
import type { Db } from './database';

/** How often the checkpoint thread copies the write-ahead log into the data file. */
const CHECKPOINT_EVERY_MS = 500;
/**
 * The request thread's own threshold (pages), kept as a safety net: it checkpoints only if the
 * checkpoint thread fell this far behind. SQLite's default is 1,000.
 */
const FALLBACK_AUTOCHECKPOINT_PAGES = 20_000;
/** The log file is cut back to this size when SQLite starts it over (it never shrinks by itself). */
const WAL_SIZE_LIMIT_BYTES = 16 * 1024 * 1024;

/**
 * WAL checkpoints on their own thread. A checkpoint copies the log into the data file and
 * syncs both; SQLite runs one inside whichever commit crosses 1,000 pages, so a write (or
 * search) request paid for it every few hundred memories: batch ingest spent most of its time
 * there. A second connection on a worker thread checkpoints instead, without blocking writers
 * or readers (PASSIVE); the request thread's connection keeps a high threshold, where it
 * finishes what the worker copied and starts the log over (the worker cannot while writes keep
 * coming). So under sustained writes the log grows to ~80 MB before it starts over. Durability
 * is unchanged: commits were never synced (synchronous NORMAL).
 */
export class WalCheckpointer {
  private readonly pool: WorkerPool;
  private readonly timer: NodeJS.Timeout;
  private running: Promise<unknown> | null = null;
  private failing = false;

  private constructor(path: string, onFailure: (err: unknown) => void) {
    this.pool = new WorkerPool(
      {
        module: compiledModule(require.resolve('./checkpoint-connection')),
        factory: 'checkpointConnection',
        options: path,
      },
      { threads: 1 },
    );
    this.timer = setInterval(() => {
      // One checkpoint at a time; one that fails is retried at the next tick, and reported
      // when checkpoints start failing, not at every tick while they keep failing.
      this.running ??= this.pool
        .call('checkpoint')
        .then(
          () => {
            this.failing = false;
          },
          (err: unknown) => {
            if (!this.failing) onFailure(err);
            this.failing = true;
          },
        )
        .finally(() => {
          this.running = null;
        });
    }, CHECKPOINT_EVERY_MS);
    this.timer.unref();
  }

  /**
   * Starts checkpointing a file's log off `db`'s thread; null for an in-memory database.
   * `onFailure` hears of the first failure after a success (the request thread's threshold
   * still bounds the log meanwhile, so nothing is lost, but the log grows and commits slow).
   */
  static start(db: Db, path: string, onFailure: (err: unknown) => void = () => {}): WalCheckpointer | null {
    if (path === ':memory:') return null;
    db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
    db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    return new WalCheckpointer(path, onFailure);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await this.pool.close();
  }
}
