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
import type { BatchStore } from '../ports/storage';
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

export class BatchService {
  constructor(
    private readonly ports: BatchPorts,
    private readonly memories: MemoryService,
    private readonly webhooks: WebhookService,
    private readonly hooks: HookBus,
    private readonly config: EngramConfig,
    private readonly logger: Logger,
  ) {}

  /**
   * Accepts a batch: refuses it whole only when malformed or over the limits; each invalid
   * item is recorded with its index and the rest go ahead. Items get their memory ids now,
   * so processing them again after a crash finds them instead of adding copies.
   */
  async submit(tenantId: string, raw: unknown): Promise<BatchJob> {
    const request = validate(batchRequestSchema, raw);
    const max = Math.min(this.config.batch_processing.max_batch_size, this.ports.batchProcessor.maxBatchSize);
    if (request.memories.length > max) {
      throw new EngramError(
        'batch_too_large',
        `a batch holds at most ${max} memories; this one has ${request.memories.length}. ` +
          'Split it, or use the Engram cloud edition, which takes up to 10,000 per batch.',
        {
          limit: max,
          size: request.memories.length,
          errors: [{ field: 'memories', message: `at most ${max} items` }],
        },
      );
    }
    const quota = await this.ports.entitlements.check(tenantId, 'batch_items', request.memories.length);
    if (!quota.allowed) throw entitlementError(quota, 'batch quota exceeded');
    if (request.webhook_url) {
      if (!request.webhook_secret) {
        throw new EngramError(
          'validation_failed',
          'webhook_secret: required with webhook_url (deliveries are signed)',
          {
            errors: [{ field: 'webhook_secret', message: 'required with webhook_url' }],
          },
        );
      }
      await this.webhooks.checkTarget(request.webhook_url);
    }
    await this.hooks.run('beforeBatch', { tenantId, size: request.memories.length });

    const errors: BatchItemError[] = [];
    const memoryIds = request.memories.map((item, index) => {
      const parsed = memoryInputSchema.safeParse(item);
      if (parsed.success) return newId(MEMORY_ID_PREFIX);
      const issue = fieldIssues(parsed.error, `memories.${index}`)[0]!;
      errors.push({ index, code: 'validation_failed', message: issue.message, field: issue.field });
      return null;
    });
    const now = nowIso();
    const batch: BatchJob = {
      id: newId('batch'),
      tenant_id: tenantId,
      status: 'queued',
      total: request.memories.length,
      succeeded: 0,
      failed: errors.length,
      errors,
      memory_ids: memoryIds,
      cursor: 0,
      webhook_url: request.webhook_url ?? null,
      webhook_secret: request.webhook_secret ?? null,
      created_at: now,
      updated_at: now,
      completed_at: null,
    };
    await this.ports.batchStore.create(batch, request.memories);
    await this.ports.batchProcessor.dispatch(batch);
    return batch;
  }

  async get(tenantId: string, id: string): Promise<BatchJob> {
    const batch = await this.ports.batchStore.get(tenantId, id);
    if (!batch) throw notFound('batch', id);
    return batch;
  }

  /**
   * Processes a batch from where it stopped. Safe to run again at any point (at-least-once
   * jobs). When `signal` aborts (shutdown), it stops after the chunk in hand, progress saved.
   */
  async process(tenantId: string, id: string, signal?: AbortSignal): Promise<BatchJob> {
    const batch = await this.get(tenantId, id);
    if (batch.completed_at) return batch;
    const items = await this.ports.batchStore.items(tenantId, id);
    batch.status = 'running';
    while (batch.cursor < batch.total) {
      if (signal?.aborted) {
        throw new EngramError(
          'dependency_unavailable',
          'the server is stopping; the batch resumes where it stopped',
        );
      }
      const end = Math.min(batch.cursor + CHUNK, batch.total);
      const chunk: { index: number; input: unknown; id: string }[] = [];
      for (let i = batch.cursor; i < end; i++) {
        const memoryId = batch.memory_ids[i];
        if (memoryId) chunk.push({ index: i, input: items[i], id: memoryId });
      }
      const outcomes = await this.memories.addMany(tenantId, chunk);
      outcomes.forEach((outcome, n) => {
        const index = chunk[n]!.index;
        if (outcome.ok) {
          batch.succeeded++;
          return;
        }
        batch.failed++;
        batch.memory_ids[index] = null;
        batch.errors.push({ index, code: outcome.error.code, message: outcome.error.message });
      });
      batch.cursor = end;
      batch.updated_at = nowIso();
      await this.ports.batchStore.save(batch);
    }
    batch.status = batch.failed === 0 ? 'completed' : batch.succeeded === 0 ? 'failed' : 'partial';
    batch.completed_at = nowIso();
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
    this.logger.info({ batch: id, succeeded: batch.succeeded, failed: batch.failed }, 'batch finished');
    return batch;
  }
}

/** The API view of a batch: internal progress and the callback secret stay inside. */
export function publicBatch(batch: BatchJob) {
  return {
    batch_id: batch.id,
    status: batch.status,
    total: batch.total,
    succeeded: batch.succeeded,
    failed: batch.failed,
    errors: batch.errors.map((e) => ({ ...e })),
    memory_ids: batch.memory_ids,
    created_at: batch.created_at,
    completed_at: batch.completed_at,
  };
}
