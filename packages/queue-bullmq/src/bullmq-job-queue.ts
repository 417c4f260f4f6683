import {
  backoffDelay,
  type DeadJob,
  decodeCursor,
  type HandlerOptions,
  type JobHandler,
  type JobOptions,
  type JobQueue,
  newId,
  type Page,
  type PageRequest,
  pageOf,
  withDefaults,
} from '@engram/core';
import { type ConnectionOptions, Queue, Worker } from 'bullmq';

interface Registered {
  handler: JobHandler;
  options: Required<HandlerOptions>;
}

interface Envelope {
  tenantId: string;
  payload: unknown;
}

export interface BullMqOptions {
  /** redis://host:port/db */
  url: string;
  /** Queue name; one per deployment (default `engram`). */
  name?: string;
  concurrency?: number;
  /** How long `stop` waits for a close Redis cannot confirm before dropping the connections (default 5 s). */
  stopGraceMs?: number;
}

const delay = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });

/** BullMQ job ids may not contain ':' (it separates Redis key parts). */
const safeId = (id: string) => id.replace(/:/g, '_');

/**
 * Core's JobQueue on Redis with BullMQ, so several server processes share background work.
 * One queue carries every kind (the job name); retries use core's backoff (exponential, full
 * jitter); failed jobs that ran out of attempts stay in BullMQ's failed set (the dead letters),
 * completed ones are kept a day so that a repeated id is still recognised.
 */
export class BullMqJobQueue implements JobQueue {
  private readonly handlers = new Map<string, Registered>();
  private readonly aborts = new Set<AbortController>();
  private readonly connection: ConnectionOptions;
  private readonly queue: Queue<Envelope>;
  private worker: Worker<Envelope> | null = null;

  private readonly stopGraceMs: number;

  constructor(private readonly options: BullMqOptions) {
    this.stopGraceMs = options.stopGraceMs ?? 5_000;
    this.connection = { url: options.url, maxRetriesPerRequest: null } as ConnectionOptions;
    this.queue = new Queue<Envelope>(options.name ?? 'engram', { connection: this.connection });
  }

  register(kind: string, handler: JobHandler, options: HandlerOptions = {}): void {
    this.handlers.set(kind, {
      handler,
      options: withDefaults(options),
    });
  }

  async enqueue(kind: string, payload: unknown, options: JobOptions): Promise<string> {
    const id = safeId(options.id ?? newId('job'));
    const registered = this.handlers.get(kind);
    await this.queue.add(
      kind,
      { tenantId: options.tenantId, payload },
      {
        jobId: id,
        delay: options.delayMs,
        attempts: (registered?.options ?? withDefaults({})).maxAttempts,
        backoff: { type: 'engram' },
        removeOnComplete: { age: 24 * 3600 },
        removeOnFail: false,
      },
    );
    return id;
  }

  async start(): Promise<void> {
    if (this.worker) return;
    this.worker = new Worker<Envelope>(
      this.queue.name,
      async (job) => {
        const registered = this.handlers.get(job.name);
        if (!registered) throw new Error(`no handler for job kind ${job.name}`);
        const abort = new AbortController();
        this.aborts.add(abort);
        try {
          await registered.handler(job.data.payload, {
            id: job.id ?? '',
            attempt: job.attemptsMade + 1,
            tenantId: job.data.tenantId,
            signal: abort.signal,
          });
        } finally {
          this.aborts.delete(abort);
        }
      },
      {
        connection: this.connection,
        concurrency: this.options.concurrency ?? 4,
        settings: {
          backoffStrategy: (attemptsMade, _type, _err, job) => {
            const opts = this.handlers.get(job?.name ?? '')?.options ?? withDefaults({});
            return backoffDelay(attemptsMade, opts.baseDelayMs, opts.maxDelayMs);
          },
        },
      },
    );
    this.worker.on('error', () => undefined); // connection errors are retried by the client
    await this.worker.waitUntilReady();
  }

  /**
   * BullMQ's failed set is the dead-letter list (a job lands there only after its last attempt).
   * It is one set for every tenant, so this reads it whole and keeps the tenant's: fine for a
   * list that an operator keeps short by retrying or fixing what failed.
   */
  async deadJobs(tenantId: string, page: PageRequest): Promise<Page<DeadJob>> {
    const failed = await this.queue.getFailed(0, -1);
    const after = decodeCursor(page.cursor);
    const mine = failed
      .filter((job) => job.data.tenantId === tenantId && (!after || (job.id ?? '') < after))
      .sort((a, b) => ((a.id ?? '') < (b.id ?? '') ? 1 : -1))
      .slice(0, page.limit + 1)
      .map(
        (job): DeadJob => ({
          id: job.id ?? '',
          kind: job.name,
          tenant_id: tenantId,
          payload: job.data.payload,
          attempts: job.attemptsMade,
          last_error: job.failedReason ?? null,
          created_at: new Date(job.timestamp).toISOString(),
        }),
      );
    return pageOf(mine, page.limit, (job) => job.id);
  }

  async retryDead(tenantId: string, id: string): Promise<boolean> {
    const job = await this.queue.getJob(safeId(id));
    if (!job || job.data.tenantId !== tenantId || !(await job.isFailed())) return false;
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    return true;
  }

  async stop(): Promise<void> {
    for (const abort of this.aborts) abort.abort(); // long handlers save progress and stop
    const worker = this.worker;
    this.worker = null;
    if (await this.redisAnswers()) {
      await worker?.close(); // waits for running jobs
      await this.queue.close();
      return;
    }
    // With Redis gone a graceful close waited for ever (its fetch loop retries, and commands
    // queue until a reconnect), and the server never stopped on SIGTERM. So: close without
    // waiting for jobs (one cut short is retried from Redis, as after a crash), and if even
    // that does not finish in the grace period, drop the connections without waiting.
    const closing = Promise.all([worker?.close(true), this.queue.close()]);
    closing.catch(() => undefined);
    const closed = await Promise.race([closing.then(() => true), delay(this.stopGraceMs).then(() => false)]);
    if (!closed) for (const side of [worker, this.queue]) side?.disconnect().catch(() => undefined);
  }

  /** Whether Redis answers (a count of the queue) within a second. */
  private async redisAnswers(): Promise<boolean> {
    const answered = this.queue.count().then(
      () => true,
      () => false,
    );
    return Promise.race([answered, delay(1_000).then(() => false)]);
  }

  async idle(): Promise<void> {
    for (;;) {
      const counts = await this.queue.getJobCounts('waiting', 'active', 'prioritized', 'waiting-children');
      const delayed = await this.queue.getDelayed();
      const due = delayed.filter((j) => j.timestamp + (j.delay ?? 0) <= Date.now());
      if (Object.values(counts).every((n) => n === 0) && due.length === 0) return;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
