import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { EngramConfig } from '../config/config';
import { newId, nowIso } from '../domain/ids';
import { webhookCreateSchema } from '../domain/schemas';
import type { Json, Page, WebhookDelivery, WebhookEvent, WebhookSubscription } from '../domain/types';
import { validate } from '../domain/validate';
import { EngramError, notFound } from '../errors';
import type { JobContext, JobQueue } from '../jobs/job-queue';
import type { WebhookStore } from '../ports/storage';
import { postSigned } from './deliver';
import { assertSafeUrl } from './ssrf';

export const WEBHOOK_DELIVER_JOB = 'webhook.deliver';

interface DeliverPayload {
  delivery_id: string;
  /** Only for one-off targets (a batch's webhook_url); subscriptions' secrets stay in their record. */
  secret?: string;
}

export interface WebhookSettings {
  allowPrivate: boolean;
}

/** Subscriptions, and delivery of events through the durable job queue with retries. */
export class WebhookService {
  constructor(
    private readonly store: WebhookStore,
    private readonly jobs: JobQueue,
    private readonly config: EngramConfig,
    private readonly settings: WebhookSettings,
    private readonly logger: Logger,
  ) {
    jobs.register(WEBHOOK_DELIVER_JOB, (payload, job) => this.deliver(payload as DeliverPayload, job), {
      maxAttempts: config.webhooks.max_attempts,
      baseDelayMs: 2000,
      maxDelayMs: 3_600_000,
    });
  }

  /** Returns the subscription with its secret: the only time the secret is shown. */
  async create(tenantId: string, raw: unknown): Promise<WebhookSubscription> {
    const input = validate(webhookCreateSchema, raw);
    await this.checkTarget(input.url);
    const sub: WebhookSubscription = {
      id: newId('wh'),
      tenant_id: tenantId,
      url: input.url,
      events: [...new Set(input.events)],
      secret: `whsec_${randomBytes(32).toString('base64')}`,
      description: input.description ?? null,
      active: true,
      created_at: nowIso(),
    };
    await this.store.createSubscription(sub);
    return sub;
  }

  list(tenantId: string): Promise<WebhookSubscription[]> {
    return this.store.listSubscriptions(tenantId);
  }

  async get(tenantId: string, id: string): Promise<WebhookSubscription> {
    const sub = await this.store.getSubscription(tenantId, id);
    if (!sub) throw notFound('webhook', id);
    return sub;
  }

  async remove(tenantId: string, id: string): Promise<void> {
    if (!(await this.store.deleteSubscription(tenantId, id))) throw notFound('webhook', id);
  }

  async deliveries(
    tenantId: string,
    id: string,
    page: { cursor?: string | null; limit: number },
  ): Promise<Page<WebhookDelivery>> {
    await this.get(tenantId, id);
    return this.store.listDeliveries(tenantId, id, page);
  }

  async test(tenantId: string, id: string): Promise<WebhookDelivery> {
    const sub = await this.get(tenantId, id);
    return this.queue(tenantId, sub.id, sub.url, 'webhook.test', { message: 'Test event from Engram' });
  }

  /**
   * Queues a delivery of `event` to every active subscription of the tenant that wants it.
   * With an `eventKey`, delivery ids are derived from it, so emitting the same event again
   * (a job retried after a crash) queues nothing new.
   */
  async emit(tenantId: string, event: WebhookEvent, data: Json, eventKey?: string): Promise<void> {
    const subs = await this.store.listSubscriptions(tenantId);
    for (const sub of subs) {
      if (!sub.active || !sub.events.includes(event)) continue;
      await this.queue(tenantId, sub.id, sub.url, event, data, {
        id: eventKey && `msg_${eventKey}_${sub.id}`,
      });
    }
  }

  /** A one-off delivery to a URL given with a request (a batch's webhook_url). */
  async sendOnce(
    tenantId: string,
    url: string,
    secret: string,
    event: WebhookEvent,
    data: Json,
    eventKey: string,
  ): Promise<void> {
    await this.queue(tenantId, null, url, event, data, { secret, id: `msg_${eventKey}_once` });
  }

  /** Refuses URLs that point at internal or metadata addresses. */
  async checkTarget(url: string): Promise<void> {
    await assertSafeUrl(url, this.settings.allowPrivate);
  }

  private async queue(
    tenantId: string,
    subscriptionId: string | null,
    url: string,
    event: WebhookEvent,
    data: Json,
    options: { secret?: string; id?: string } = {},
  ): Promise<WebhookDelivery> {
    const { secret } = options;
    const id = options.id || newId('msg');
    const delivery: WebhookDelivery = {
      id,
      tenant_id: tenantId,
      subscription_id: subscriptionId,
      url,
      event,
      payload: { type: event, timestamp: nowIso(), data },
      status: 'pending',
      attempts: 0,
      last_status_code: null,
      last_error: null,
      created_at: nowIso(),
      updated_at: nowIso(),
    };
    await this.store.createDelivery(delivery);
    const payload: DeliverPayload = secret ? { delivery_id: id, secret } : { delivery_id: id };
    await this.jobs.enqueue(WEBHOOK_DELIVER_JOB, payload, { tenantId, id });
    return delivery;
  }

  private async deliver(payload: DeliverPayload, job: JobContext): Promise<void> {
    const delivery = await this.store.getDelivery(job.tenantId, payload.delivery_id);
    if (delivery?.status !== 'pending') return; // already settled: a retry after a crash
    let secret = payload.secret;
    if (delivery.subscription_id) {
      const sub = await this.store.getSubscription(job.tenantId, delivery.subscription_id);
      if (!sub) {
        await this.settle(delivery, 'failed', null, 'subscription was deleted');
        return;
      }
      secret = sub.secret;
    }
    if (!secret) {
      await this.settle(delivery, 'failed', null, 'no signing secret');
      return;
    }
    let status: number | null = null;
    let error: string | null = null;
    let permanent = false;
    try {
      ({ status } = await postSigned({
        url: delivery.url,
        secret,
        messageId: delivery.id, // same id on every retry, so receivers can deduplicate
        body: JSON.stringify(delivery.payload),
        timeoutMs: this.config.webhooks.timeout_ms,
        allowPrivate: this.settings.allowPrivate,
      }));
      if (status >= 200 && status < 300) {
        await this.settle(delivery, 'delivered', status, null);
        return;
      }
      error = `target answered ${status}`;
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
      // An unsafe target will not become safe by waiting: fail at once.
      permanent = err instanceof EngramError && err.code === 'unsafe_webhook_target';
    }
    const last = job.attempt >= this.config.webhooks.max_attempts;
    await this.settle(delivery, last || permanent ? 'failed' : 'pending', status, error, job.attempt);
    if (!(last || permanent)) {
      this.logger.info(
        { delivery: delivery.id, attempt: job.attempt, error },
        'webhook delivery failed; will retry',
      );
      throw new EngramError('dependency_unavailable', error ?? 'delivery failed');
    }
  }

  private async settle(
    delivery: WebhookDelivery,
    status: WebhookDelivery['status'],
    code: number | null,
    error: string | null,
    attempts = delivery.attempts + 1,
  ): Promise<void> {
    await this.store.updateDelivery({
      ...delivery,
      status,
      attempts,
      last_status_code: code,
      last_error: error,
      updated_at: nowIso(),
    });
  }
}
