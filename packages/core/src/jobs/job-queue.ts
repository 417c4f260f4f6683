import type { Page } from '../domain/types';
import type { PageRequest } from '../ports/storage';

/** Background work: batches, webhook deliveries, index repair. */
export interface JobContext {
  id: string;
  attempt: number;
  tenantId: string;
  /**
   * Aborted when the queue stops (graceful shutdown): a long handler saves its progress and
   * throws, and the job runs again from there at the next start, instead of holding SIGTERM.
   */
  signal: AbortSignal;
}

export type JobHandler = (payload: unknown, job: JobContext) => Promise<void>;

export interface JobOptions {
  /** Idempotency key: enqueuing an id that exists is a no-op. */
  id?: string;
  tenantId: string;
  delayMs?: number;
}

export interface HandlerOptions {
  /** Attempts before the job is dead (kept, visible, never silently dropped). */
  maxAttempts?: number;
  /** First retry delay; doubles each attempt, with full jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

/** A job that ran out of attempts: kept, listed through the API, and retried on request. */
export interface DeadJob {
  id: string;
  kind: string;
  tenant_id: string;
  payload: unknown;
  attempts: number;
  last_error: string | null;
  created_at: string;
}

export interface JobQueue {
  register(kind: string, handler: JobHandler, options?: HandlerOptions): void;
  enqueue(kind: string, payload: unknown, options: JobOptions): Promise<string>;
  start(): Promise<void>;
  /** Stops taking jobs and waits for the running ones to finish. */
  stop(): Promise<void>;
  /** Resolves when no job is due or running (tests, graceful shutdown). */
  idle(): Promise<void>;
  /** The tenant's dead letters, newest first. */
  deadJobs(tenantId: string, page: PageRequest): Promise<Page<DeadJob>>;
  /** Runs one of the tenant's dead jobs again from its first attempt; false when there is no such job. */
  retryDead(tenantId: string, id: string): Promise<boolean>;
  /** How long the longest-waiting runnable job has waited, in seconds (0: none waits); for /metrics. */
  lagSeconds?(): Promise<number>;
}

/** A handler's retry settings with the defaults every queue uses filled in. */
export function withDefaults(options: HandlerOptions): Required<HandlerOptions> {
  return {
    maxAttempts: options.maxAttempts ?? 8,
    baseDelayMs: options.baseDelayMs ?? 1000,
    maxDelayMs: options.maxDelayMs ?? 600_000,
  };
}

/** Exponential backoff with full jitter: spreads retries of many failing jobs over time. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
