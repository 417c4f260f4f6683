import type { Logger } from 'pino';
import type { EngramConfig } from '../config/config';
import { newId, nowIso } from '../domain/ids';
import { feedbackSchema } from '../domain/schemas';
import type { Feedback, MemoryRetrievalLog, QueryLog } from '../domain/types';
import { validate } from '../domain/validate';
import { notFound } from '../errors';
import type { LogStore } from '../ports/storage';

/**
 * Query and retrieval logs, written off the request path: searches append to a buffer that is
 * flushed every `flushMs` or when it grows past `maxBuffered`, and always on shutdown.
 * A failed flush keeps the rows and tries again, so a slow log store never slows a search.
 */
export class LogService {
  private queries: QueryLog[] = [];
  private retrievals: MemoryRetrievalLog[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly store: LogStore,
    private readonly config: EngramConfig,
    private readonly logger: Logger,
    private readonly settings = { flushMs: 500, maxBuffered: 500 },
  ) {}

  record(query: QueryLog, retrievals: MemoryRetrievalLog[]): void {
    if (!this.config.query_logging.enabled) return;
    this.queries.push(query);
    if (this.config.query_logging.store_retrieval_logs) this.retrievals.push(...retrievals);
    if (this.queries.length + this.retrievals.length >= this.settings.maxBuffered) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.settings.flushMs);
      this.timer.unref?.();
    }
  }

  /** Writes everything buffered so far; resolves when it is stored. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.flushing) await this.flushing;
    if (this.queries.length === 0 && this.retrievals.length === 0) return;
    const queries = this.queries;
    const retrievals = this.retrievals;
    this.queries = [];
    this.retrievals = [];
    this.flushing = this.store
      .append(queries, retrievals)
      .catch((err) => {
        this.logger.error({ err, rows: queries.length + retrievals.length }, 'log flush failed; will retry');
        this.queries.unshift(...queries);
        this.retrievals.unshift(...retrievals);
        if (!this.timer) {
          this.timer = setTimeout(() => void this.flush(), this.settings.flushMs * 4);
          this.timer.unref?.();
        }
      })
      .finally(() => {
        this.flushing = null;
      });
    await this.flushing;
  }

  async feedback(tenantId: string, raw: unknown): Promise<Feedback> {
    const input = validate(feedbackSchema, raw);
    await this.flush(); // feedback may follow its search within the flush interval
    if (!(await this.store.getQuery(tenantId, input.search_id))) throw notFound('search', input.search_id);
    const feedback: Feedback = {
      id: newId('fb'),
      tenant_id: tenantId,
      search_id: input.search_id,
      memory_id: input.memory_id ?? null,
      signal: input.signal,
      comment: input.comment ?? null,
      created_at: nowIso(),
    };
    await this.store.addFeedback(feedback);
    return feedback;
  }
}
