import type { Logger } from 'pino';
import { newId, nowIso } from '../domain/ids';
import type { Page } from '../domain/types';
import type { JobRecord, JobStore, PageRequest } from '../ports/storage';
import {
  backoffDelay,
  type DeadJob,
  type HandlerOptions,
  type JobHandler,
  type JobOptions,
  type JobQueue,
  withDefaults,
} from './job-queue';

const deadJob = ({ status: _s, run_at: _r, ...job }: JobRecord): DeadJob => job;

interface Registered {
  handler: JobHandler;
  options: Required<HandlerOptions>;
}

/**
 * The default queue: jobs live in a JobStore (the same database as the data they concern),
 * a poller in this process claims them under a lease, and a crash before completion
 * simply lets the lease run out so the job runs again. Handlers must be idempotent.
 */
export class DurableJobQueue implements JobQueue {
  private readonly handlers = new Map<string, Registered>();
  private timer: NodeJS.Timeout | null = null;
  private running = new Set<Promise<void>>();
  private readonly aborts = new Set<AbortController>();
  private stopped = true;
  private polling = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly store: JobStore,
    private readonly logger: Logger,
    private readonly settings = { pollMs: 200, leaseMs: 60_000, concurrency: 4 },
  ) {}

  register(kind: string, handler: JobHandler, options: HandlerOptions = {}): void {
    this.handlers.set(kind, {
      handler,
      options: withDefaults(options),
    });
  }

  async deadJobs(tenantId: string, page: PageRequest): Promise<Page<DeadJob>> {
    const { data, next_cursor } = await this.store.listDead(tenantId, page);
    return { data: data.map(deadJob), next_cursor };
  }

  async retryDead(tenantId: string, id: string): Promise<boolean> {
    const revived = await this.store.revive(tenantId, id, Date.now());
    if (revived) this.kick();
    return revived;
  }

  async lagSeconds(): Promise<number> {
    const now = Date.now();
    const { oldest_due_at } = await this.store.counts(now);
    return oldest_due_at === null ? 0 : Math.max(0, (now - oldest_due_at) / 1000);
  }

  async enqueue(kind: string, payload: unknown, options: JobOptions): Promise<string> {
    const id = options.id ?? newId('job');
    await this.store.put({
      id,
      kind,
      tenant_id: options.tenantId,
      payload,
      status: 'pending',
      attempts: 0,
      run_at: Date.now() + (options.delayMs ?? 0),
      last_error: null,
      created_at: nowIso(),
    });
    if (!options.delayMs) this.kick();
    return id;
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const abort of this.aborts) abort.abort();
    await Promise.allSettled([...this.running]);
  }

  async idle(): Promise<void> {
    for (;;) {
      await this.poll();
      if (this.running.size === 0) {
        const counts = await this.store.counts(Date.now());
        if (counts.due === 0 && counts.running === 0) return;
      }
      await Promise.race([Promise.allSettled([...this.running]), new Promise((r) => setTimeout(r, 20))]);
    }
  }

  private kick(): void {
    if (this.stopped) return;
    if (this.polling) {
      this.wake = () => this.schedule(0);
      return;
    }
    this.schedule(0);
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.poll().finally(() => {
        const again = this.wake;
        this.wake = null;
        if (again) again();
        else this.schedule(this.settings.pollMs);
      });
    }, delay);
    this.timer.unref?.();
  }

  private async poll(): Promise<void> {
    if (this.polling || this.handlers.size === 0) return;
    this.polling = true;
    try {
      const free = this.settings.concurrency - this.running.size;
      if (free <= 0) return;
      const jobs = await this.store.claim([...this.handlers.keys()], Date.now(), this.settings.leaseMs, free);
      for (const job of jobs) this.track(this.execute(job));
    } catch (err) {
      this.logger.error({ err }, 'job poll failed');
    } finally {
      this.polling = false;
    }
  }

  private track(p: Promise<void>): void {
    this.running.add(p);
    void p.finally(() => {
      this.running.delete(p);
      this.kick();
    });
  }

  private async execute(job: JobRecord): Promise<void> {
    const registered = this.handlers.get(job.kind);
    if (!registered) return;
    const attempt = job.attempts; // counted at claim, so a job that crashes the process still uses up attempts
    // Renew the lease while the handler runs: a long job is never taken for dead, while a job
    // whose process died is free again within one lease.
    const heartbeat = setInterval(() => {
      void this.store.extend(job.id, Date.now() + this.settings.leaseMs).catch(() => undefined);
    }, this.settings.leaseMs / 3);
    heartbeat.unref?.();
    const abort = new AbortController();
    this.aborts.add(abort);
    try {
      await registered.handler(job.payload, {
        id: job.id,
        attempt,
        tenantId: job.tenant_id,
        signal: abort.signal,
      });
      await this.store.complete(job.id);
    } catch (err) {
      const { maxAttempts, baseDelayMs, maxDelayMs } = registered.options;
      const message = err instanceof Error ? err.message : String(err);
      const retryAt =
        attempt >= maxAttempts ? null : Date.now() + backoffDelay(attempt, baseDelayMs, maxDelayMs);
      this.logger.warn(
        { job: job.id, kind: job.kind, attempt, err: message, dead: retryAt === null },
        'job attempt failed',
      );
      await this.store
        .fail(job.id, message, retryAt)
        .catch((e) => this.logger.error({ err: e }, 'could not record job failure'));
    } finally {
      clearInterval(heartbeat);
      this.aborts.delete(abort);
    }
  }
}
