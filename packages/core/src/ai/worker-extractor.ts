import type { Logger } from 'pino';
import { compiledModule, WorkerPool, type WorkerPoolOptions } from '../compute/worker-pool';
import { EngramError } from '../errors';
import type { EntityExtractor, ExtractedEntity } from '../ports/ai';

/**
 * Rule-based extraction on worker threads: tagging costs about 0.3 ms for a chat turn, so on
 * the HTTP thread a batch of a thousand would stall every other request for a third of a
 * second. Extraction that overruns its time budget yields no entities: the memory is still
 * stored and found by vector and text, and the overrun is logged.
 */
export class WorkerEntityExtractor implements EntityExtractor {
  private readonly pool: WorkerPool;

  constructor(
    options: WorkerPoolOptions,
    private readonly logger?: Logger,
  ) {
    this.pool = new WorkerPool(
      {
        module: compiledModule(require.resolve('./compromise-extractor')),
        factory: 'createCompromiseExtractor',
      },
      options,
    );
  }

  get threads(): number {
    return this.pool.threads;
  }

  async extract(text: string): Promise<ExtractedEntity[]> {
    try {
      return await this.pool.call<ExtractedEntity[]>('extract', text);
    } catch (err) {
      if (!(err instanceof EngramError && err.code === 'time_budget_exceeded')) throw err;
      this.logger?.warn(
        { bytes: Buffer.byteLength(text) },
        'entity extraction overran its budget; none kept',
      );
      return [];
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
