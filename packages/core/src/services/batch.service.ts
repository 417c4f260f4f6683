import type { Logger } from 'pino';
import type { EngramConfig } from '../config/config';
import { newId, nowIso } from '../domain/ids';
import { batchRequestSchema, memoryInputSchema } from '../domain/schemas';
import type { BatchItemError, BatchJob } from '../domain/types';
import { fieldIssues, validate } from '../domain/validate';
import { EngramError, notFound } from '../errors';
import type { HookBus } from '../hooks';
import type { JobQueue } from '../jobs/job-queue';
import { type BatchProcessor, type Entitlements, entitlementError, type UsageMeter } from '../ports/edition';
import { BATCH_ITEMS_PAGE, type BatchStore } from '../ports/storage';
import type { WebhookService } from '../webhooks/webhook.service';
import { MEMORY_ID_PREFIX, type MemoryService } from './memory.service';

export const BATCH_PROCESS_JOB = 'batch.process';

/** Items embedded and written together; also how often progress is saved. */
const CHUNK = 16;

/** Core's BatchProcessor: the batch becomes one durable job in this process's queue. */
export class QueueBatchProcessor implements BatchProcessor {
  constructor(
    private readonly jobs: JobQueue,
    readonly maxBatchSize: number,
  ) {}

  async dispatch(batch: { id: string; tenant_id: string }): Promise<void> {
    await this.jobs.enqueue(
      BATCH_PROCESS_JOB,
      { batch_id: batch.id },
      { tenantId: batch.tenant_id, id: `job_${batch.id}` },
    );
  }
}

interface BatchPorts {
  batchStore: BatchStore;
  batchProcessor: BatchProcessor;
  usageMeter: UsageMeter;
  entitlements: Entitlements;
}

/**
 * A processor's account of a batch so far. Counts are absolute and errors are keyed by index,
 * so applying the same progress twice (a retried activity) changes nothing.
 */
export interface BatchProgress {
  succeeded: number;
  failed: number;
  cancelled: number;
  /** Items done so far (added, failed or cancelled). */
  processed: number;
  /** Errors found since the last report (or all of them): applied by index. */
  errors: BatchItemError[];
  /** Items that turned out to be an existing memory (deduplicated): their memory id, by index. */
  ids?: { index: number; id: string }[];
}

/** What adding one range of a batch did. */
export interface ChunkOutcome {
  succeeded: number;
  errors: BatchItemError[];
  ids: { index: number; id: string }[];
}

/** `size`: the items counted; a streamed batch is refused at the first item past the limit. */
const batchTooLarge = (max: number, size: number, streamed = false) =>
  new EngramError(
    'batch_too_large',
    `a batch holds at most ${max} memories; this one has ${streamed ? 'at least ' : ''}${size}. ` +
      'Split it, or use the Engram cloud edition, which takes up to 10,000 per batch.',
    { limit: max, size, errors: [{ field: 'memories', message: `at most ${max} items` }] },
  );

const batchOptionsSchema = batchRequestSchema.omit({ memories: true });

/**
 * A batch taken item by item: each is checked as it comes (an invalid one gets its error by
 * index, a valid one its memory id), and items go to the store a page at a time, so a batch of
 * 10,000 streamed in is never held whole. Nothing is visible until BatchService.accept writes
 * the record; abandon() removes what was written.
 */
export class BatchIntake {
  readonly id = newId('batch');
  private readonly memoryIds: (string | null)[] = [];
  private readonly errors: BatchItemError[] = [];
  private page: unknown[] = [];
  private written = 0;

  constructor(
    private readonly store: BatchStore,
    readonly tenantId: string,
    private readonly max: number,
  ) {}

  get size(): number {
    return this.memoryIds.length;
  }

  async add(item: unknown): Promise<void> {
    const index = this.memoryIds.length;
    if (index >= this.max) throw batchTooLarge(this.max, index + 1, true);
    const parsed = memoryInputSchema.safeParse(item);
    if (parsed.success) this.memoryIds.push(newId(MEMORY_ID_PREFIX));
    else {
      const issue = fieldIssues(parsed.error, `memories.${index}`)[0]!;
      this.memoryIds.push(null);
      this.errors.push({ index, code: 'validation_failed', message: issue.message, field: issue.field });
    }
    this.page.push(item);
    if (this.page.length === BATCH_ITEMS_PAGE) await this.flush();
  }

  /** Writes the last page; the ids and submission errors, for the record. */
  async close(): Promise<{ memoryIds: (string | null)[]; errors: BatchItemError[] }> {
    await this.flush();
    return { memoryIds: this.memoryIds, errors: this.errors };
  }

  async abandon(): Promise<void> {
    await this.store.remove(this.tenantId, this.id);
  }

  private async flush(): Promise<void> {
    if (this.page.length === 0) return;
    await this.store.putItems(this.tenantId, this.id, this.written, this.page);
    this.written += this.page.length;
    this.page = [];
  }
}

const cancelledItem = (index: number): BatchItemError => ({
  index,
  code: 'cancelled',
  message: 'the batch was cancelled before this item was added',
});

export class BatchService {
  /** Batches of this process's queue asked to stop (the stored flag covers other processes). */
  private readonly cancelling = new Set<string>();

  constructor(
    private readonly ports: BatchPorts,
    private readonly memories: MemoryService,
    private readonly webhooks: WebhookService,
    private readonly hooks: HookBus,
    private readonly config: EngramConfig,
    private readonly logger: Logger,
  ) {}

  /** The largest batch accepted: the edition's setting, within what the processor takes. */
  get maxBatchSize(): number {
    return Math.min(this.config.batch_processing.max_batch_size, this.ports.batchProcessor.maxBatchSize);
  }

  /**
   * Accepts a batch given whole (a parsed body, or a caller in process): refused whole only
   * when malformed or over the limits; each invalid item is recorded with its index and the
   * rest go ahead.
   */
  async submit(tenantId: string, raw: unknown): Promise<BatchJob> {
    const request = validate(batchRequestSchema, raw);
    if (request.memories.length > this.maxBatchSize)
      throw batchTooLarge(this.maxBatchSize, request.memories.length);
    const intake = this.intake(tenantId);
    try {
      for (const item of request.memories) await intake.add(item);
    } catch (err) {
      await intake.abandon();
      throw err;
    }
    const { memories: _items, ...options } = request;
    return this.accept(intake, options);
  }

  /** Starts taking a batch item by item (a request body streamed in as it arrives). */
  intake(tenantId: string): BatchIntake {
    return new BatchIntake(this.ports.batchStore, tenantId, this.maxBatchSize);
  }

  /**
   * Accepts a batch whose items are all in: checks the options, the plan and the callback
   * target, writes the batch record and hands it to the processor. Whatever refuses it, nothing
   * of it stays (its item pages are removed).
   */
  async accept(intake: BatchIntake, rawOptions: unknown): Promise<BatchJob> {
    const { tenantId, id } = intake;
    try {
      const options = validate(batchOptionsSchema, rawOptions);
      if (intake.size === 0) {
        throw new EngramError('validation_failed', 'memories: must hold at least one memory', {
          errors: [{ field: 'memories', message: 'must hold at least one memory' }],
        });
      }
      const quota = await this.ports.entitlements.check(tenantId, 'batch_items', intake.size);
      if (!quota.allowed) throw entitlementError(quota, 'batch quota exceeded');
      if (options.webhook_url) {
        if (!options.webhook_secret) {
          throw new EngramError(
            'validation_failed',
            'webhook_secret: required with webhook_url (deliveries are signed)',
            { errors: [{ field: 'webhook_secret', message: 'required with webhook_url' }] },
          );
        }
        await this.webhooks.checkTarget(options.webhook_url);
      }
      await this.hooks.run('beforeBatch', { tenantId, size: intake.size });
      const items = await intake.close();
      const now = nowIso();
      const batch: BatchJob = {
        id,
        tenant_id: tenantId,
        status: 'queued',
        total: intake.size,
        succeeded: 0,
        failed: items.errors.length,
        cancelled: 0,
        errors: items.errors,
        memory_ids: items.memoryIds,
        cursor: 0,
        webhook_url: options.webhook_url ?? null,
        webhook_secret: options.webhook_secret ?? null,
        workflow_id: this.ports.batchProcessor.workflowId?.({ id, total: intake.size }) ?? null,
        created_at: now,
        updated_at: now,
        completed_at: null,
      };
      await this.ports.batchStore.create(batch);
      await this.ports.batchProcessor.dispatch(batch);
      return batch;
    } catch (err) {
      await intake.abandon();
      throw err;
    }
  }

  async get(tenantId: string, id: string): Promise<BatchJob> {
    const batch = await this.ports.batchStore.get(tenantId, id);
    if (!batch) throw notFound('batch', id);
    return batch;
  }

  /**
   * Stops a batch: items already added stay, the rest are marked cancelled by whoever runs it
   * (before its next chunk). A finished batch cannot be cancelled.
   */
  async cancel(tenantId: string, id: string): Promise<BatchJob> {
    const batch = await this.get(tenantId, id);
    if (batch.completed_at) {
      throw new EngramError('conflict', `batch ${id} has already finished (${batch.status})`, {
        id,
        batch_status: batch.status,
      });
    }
    const processor = this.ports.batchProcessor;
    if (batch.workflow_id && processor.cancel) {
      // The workflow owns the record; it writes the cancellation itself.
      await processor.cancel({ id, tenant_id: tenantId, workflow_id: batch.workflow_id });
      return { ...batch, cancel_requested: true };
    }
    this.cancelling.add(id);
    batch.cancel_requested = true;
    batch.updated_at = nowIso();
    await this.ports.batchStore.save(batch);
    return batch;
  }

  /**
   * Adds items `start`..`end` of a batch through MemoryService, under their pre-assigned ids:
   * running a range again (a retried activity, a resumed job) finds what it added, never copies.
   */
  async addRange(tenantId: string, id: string, start: number, end: number): Promise<ChunkOutcome> {
    const batch = await this.get(tenantId, id);
    return this.addItems(batch, start, end);
  }

  private async addItems(batch: BatchJob, start: number, end: number): Promise<ChunkOutcome> {
    const items = await this.ports.batchStore.items(batch.tenant_id, batch.id, { start, end });
    const chunk: { index: number; input: unknown; id: string }[] = [];
    for (let i = start; i < end; i++) {
      const memoryId = batch.memory_ids[i];
      if (memoryId) chunk.push({ index: i, input: items[i - start], id: memoryId });
    }
    const outcomes = await this.memories.addMany(batch.tenant_id, chunk);
    const result: ChunkOutcome = { succeeded: 0, errors: [], ids: [] };
    outcomes.forEach((outcome, n) => {
      const { index, id } = chunk[n]!;
      if (outcome.ok) {
        result.succeeded++;
        if (outcome.memory.id !== id) result.ids.push({ index, id: outcome.memory.id });
      } else
        result.errors.push({
          index: chunk[n]!.index,
          code: outcome.error.code,
          message: outcome.error.message,
        });
    });
    return result;
  }

  /** Records a workflow's progress on the stored batch (ignored once the batch is finished). */
  async recordProgress(
    tenantId: string,
    id: string,
    progress: BatchProgress,
    cancelRequested = false,
  ): Promise<void> {
    const batch = await this.get(tenantId, id);
    if (batch.completed_at) return;
    applyProgress(batch, progress);
    batch.status = 'running';
    batch.cancel_requested = cancelRequested;
    await this.ports.batchStore.save(batch);
  }

  /**
   * Finishes a workflow's batch: its final progress, the ranges it never started (cancelled),
   * then the webhook, metering and the done mark. Safe to repeat.
   */
  async complete(
    tenantId: string,
    id: string,
    progress: BatchProgress,
    cancelledRanges: [number, number][] = [],
  ): Promise<BatchJob> {
    const batch = await this.get(tenantId, id);
    if (batch.completed_at) return batch;
    applyProgress(batch, progress);
    for (const [start, end] of cancelledRanges) cancelRange(batch, start, end);
    return this.finish(batch);
  }

  /**
   * Processes a batch from where it stopped. Safe to run again at any point (at-least-once
   * jobs). When `signal` aborts (shutdown), it stops after the chunk in hand, progress saved.
   */
  async process(tenantId: string, id: string, signal?: AbortSignal): Promise<BatchJob> {
    const batch = await this.get(tenantId, id);
    if (batch.completed_at) return batch;
    batch.status = 'running';
    try {
      while (batch.cursor < batch.total) {
        if (signal?.aborted) {
          throw new EngramError(
            'dependency_unavailable',
            'the server is stopping; the batch resumes where it stopped',
          );
        }
        if (await this.cancelRequested(batch)) {
          cancelRange(batch, batch.cursor, batch.total);
          break;
        }
        const end = Math.min(batch.cursor + CHUNK, batch.total);
        const outcome = await this.addItems(batch, batch.cursor, end);
        applyProgress(batch, {
          succeeded: batch.succeeded + outcome.succeeded,
          failed: batch.failed + outcome.errors.length,
          cancelled: batch.cancelled ?? 0,
          processed: end,
          errors: outcome.errors,
          ids: outcome.ids,
        });
        batch.updated_at = nowIso();
        await this.ports.batchStore.save(batch);
      }
      return await this.finish(batch);
    } finally {
      this.cancelling.delete(id);
    }
  }

  /** Whether DELETE asked this batch to stop: in this process, or stored by another one. */
  private async cancelRequested(batch: BatchJob): Promise<boolean> {
    if (batch.cancel_requested || this.cancelling.has(batch.id)) return true;
    const stored = await this.ports.batchStore.get(batch.tenant_id, batch.id);
    batch.cancel_requested = Boolean(stored?.cancel_requested);
    return batch.cancel_requested;
  }

  private async finish(batch: BatchJob): Promise<BatchJob> {
    const tenantId = batch.tenant_id;
    batch.status =
      (batch.cancelled ?? 0) > 0
        ? 'cancelled'
        : batch.failed === 0
          ? 'completed'
          : batch.succeeded === 0
            ? 'failed'
            : 'partial';
    batch.completed_at = nowIso();
    batch.updated_at = batch.completed_at;
    batch.errors.sort((a, b) => a.index - b.index);
    // Events are queued before the batch is marked done, with ids derived from the batch:
    // a crash in between re-queues the same deliveries (ignored as duplicates), never none.
    const summary = publicBatch(batch);
    await this.webhooks.emit(tenantId, 'batch.completed', summary, batch.id);
    if (batch.webhook_url && batch.webhook_secret) {
      await this.webhooks.sendOnce(
        tenantId,
        batch.webhook_url,
        batch.webhook_secret,
        'batch.completed',
        summary,
        batch.id,
      );
    }
    // Metered (by batch id) before the batch is marked done too: a crash in between records it
    // again on the re-run, which counts once; after the mark, the re-run stops at the top.
    await this.ports.usageMeter.record([
      { id: batch.id, tenantId, metric: 'batch_items', quantity: batch.total },
    ]);
    await this.ports.batchStore.save(batch);
    await this.hooks.run('afterBatch', batch);
    this.logger.info(
      { batch: batch.id, succeeded: batch.succeeded, failed: batch.failed, cancelled: batch.cancelled ?? 0 },
      'batch finished',
    );
    return batch;
  }
}

/** Applies progress to a batch record: counts replaced, errors merged by index. */
function applyProgress(batch: BatchJob, progress: BatchProgress): void {
  batch.succeeded = progress.succeeded;
  batch.failed = progress.failed;
  batch.cancelled = progress.cancelled;
  batch.cursor = Math.max(batch.cursor, progress.processed);
  for (const { index, id } of progress.ids ?? []) batch.memory_ids[index] = id;
  const known = new Set(batch.errors.map((e) => e.index));
  for (const error of progress.errors) {
    batch.memory_ids[error.index] = null;
    if (!known.has(error.index)) batch.errors.push(error);
    known.add(error.index);
  }
  batch.updated_at = nowIso();
}

/** Marks the items of a range that were never added as cancelled. */
function cancelRange(batch: BatchJob, start: number, end: number): void {
  for (let i = start; i < end; i++) {
    if (!batch.memory_ids[i]) continue;
    batch.memory_ids[i] = null;
    batch.errors.push(cancelledItem(i));
    batch.cancelled = (batch.cancelled ?? 0) + 1;
  }
  batch.cursor = Math.max(batch.cursor, end);
}

/** The API view of a batch: internal progress and the callback secret stay inside. */
export function publicBatch(batch: BatchJob) {
  const cancelled = batch.cancelled ?? 0;
  return {
    batch_id: batch.id,
    status: batch.status,
    total: batch.total,
    succeeded: batch.succeeded,
    failed: batch.failed,
    cancelled,
    pending: Math.max(batch.total - batch.succeeded - batch.failed - cancelled, 0),
    cancel_requested: Boolean(batch.cancel_requested),
    workflow_id: batch.workflow_id ?? null,
    errors: batch.errors.map((e) => ({ ...e })),
    memory_ids: batch.memory_ids,
    created_at: batch.created_at,
    completed_at: batch.completed_at,
  };
}
