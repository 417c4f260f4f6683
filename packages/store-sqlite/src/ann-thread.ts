import { compiledModule, WorkerPool } from '@engram/core';
import type { AnnConnectionOptions } from './ann-connection';
import type { AnnHit, AnnOptions, AnnStatus, ApproximateIndexes } from './ann-index';

type Statuses = Record<string, AnnStatus>;

/**
 * A data file's approximate indexes on a thread of their own. Built and kept up on the request
 * thread, every write paid an HNSW insert there (after the other ingest steps moved off it,
 * the largest cost left: 1.54 s of that thread per 1,000 memories at 100,000 against 0.92
 * without the index) and a build blocked it in steps for minutes at 1,000,000 vectors. Here
 * the thread reads the file through its own connection, as another process would; a write
 * waits for its vectors to be in the index (so a search after it finds them) while the request
 * thread serves other requests. If the thread fails, searches are exact until its replacement
 * has built again, and writes go on.
 */
export class AnnThread implements ApproximateIndexes {
  private readonly pool: WorkerPool;
  private statuses: Statuses = {};
  private refreshing: Promise<void> | null = null;

  constructor(path: string, dimension: number, ann: AnnOptions) {
    const options: AnnConnectionOptions = { path, dimension, ann };
    this.pool = new WorkerPool(
      { module: compiledModule(require.resolve('./ann-connection')), factory: 'annConnection', options },
      { threads: 1 },
    );
  }

  async buildLargeTenants(): Promise<void> {
    this.update(await this.ask<Statuses>('buildLargeTenants'));
  }

  async search(tenantId: string, vector: Float32Array, k: number): Promise<AnnHit[] | null> {
    const answer = await this.ask<{ hits: AnnHit[] | null; statuses: Statuses }>(
      'search',
      tenantId,
      vector,
      k,
    );
    if (!answer) return null;
    this.update(answer.statuses);
    return answer.hits;
  }

  async written(tenantIds: Iterable<string>): Promise<void> {
    this.update(await this.ask<Statuses>('written', [...tenantIds]));
  }

  /** As last reported; while an index builds, each look asks the thread again (one at a time). */
  status(tenantId: string): AnnStatus {
    const status = this.statuses[tenantId] ?? 'exact';
    if (status === 'building')
      this.refreshing ??= this.ask<Statuses>('statuses').then((s) => {
        this.update(s);
        this.refreshing = null;
      });
    return status;
  }

  /** Saves each finished index (when a directory is set), then ends the thread. */
  async close(): Promise<void> {
    await this.ask('close');
    await this.pool.close();
  }

  /** A call to the thread; null if it failed (the pool replaces a thread that died). */
  private async ask<T>(method: string, ...args: unknown[]): Promise<T | null> {
    try {
      return await this.pool.call<T>(method, ...args);
    } catch {
      return null;
    }
  }

  private update(statuses: Statuses | null): void {
    if (statuses) this.statuses = statuses;
  }
}
