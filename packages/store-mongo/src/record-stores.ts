import {
  BATCH_ITEMS_PAGE,
  type BatchJob,
  type BatchStore,
  decodeCursor,
  type IdempotencyRecord,
  type IdempotencyStore,
  itemPages,
  type JobRecord,
  type JobStore,
  type PageRequest,
  pageOf,
  sliceOfPages,
  type WebhookDelivery,
  type WebhookStore,
  type WebhookSubscription,
} from '@engram/core';
import { insertNew } from './log-store';
import { docId, isDuplicateKey, type Models } from './models';

type Data<T> = { data: T };

export class MongoBatchStore implements BatchStore {
  constructor(private readonly models: Models) {}

  async putItems(tenantId: string, batchId: string, start: number, items: unknown[]): Promise<void> {
    const key = docId(tenantId, batchId);
    // Pages, not one array: a 10,000-item batch stays far below the 16 MB document limit.
    for (const page of itemPages(start, items)) {
      const _id = `${key}:${page.start / BATCH_ITEMS_PAGE}`;
      await this.models.batchItems.replaceOne(
        { _id },
        { _id, batch: key, page: page.start / BATCH_ITEMS_PAGE, items: page.items },
        { upsert: true },
      );
    }
  }

  async create(batch: BatchJob, items?: unknown[]): Promise<void> {
    // Items first: a batch record never exists without all of its items.
    if (items) await this.putItems(batch.tenant_id, batch.id, 0, items);
    const key = docId(batch.tenant_id, batch.id);
    await this.models.batches.create({ _id: key, id: batch.id, tenant_id: batch.tenant_id, data: batch });
  }

  async get(tenantId: string, id: string): Promise<BatchJob | null> {
    const doc = await this.models.batches.findById(docId(tenantId, id), { data: 1 }).lean<Data<BatchJob>>();
    return doc?.data ?? null;
  }

  async items(tenantId: string, id: string, range?: { start: number; end: number }): Promise<unknown[]> {
    const key = docId(tenantId, id);
    const filter: Record<string, unknown> = { batch: key };
    if (range) {
      filter.page = {
        $gte: Math.floor(range.start / BATCH_ITEMS_PAGE),
        $lte: Math.floor(Math.max(range.end - 1, range.start) / BATCH_ITEMS_PAGE),
      };
    }
    const pages = await this.models.batchItems
      .find(filter, { items: 1, page: 1 })
      .sort({ page: 1 })
      .lean<{ page: number; items: unknown[] }[]>();
    if (pages.length > 0) {
      return sliceOfPages(
        pages.map((p) => ({ start: p.page * BATCH_ITEMS_PAGE, items: p.items })),
        range,
      );
    }
    // Batches written before pages existed keep their items in the record.
    const legacy = await this.models.batches.findById(key, { items: 1 }).lean<{ items?: unknown[] }>();
    const all = legacy?.items ?? [];
    return range ? all.slice(range.start, range.end) : all;
  }

  async save(batch: BatchJob): Promise<void> {
    await this.models.batches.updateOne({ _id: docId(batch.tenant_id, batch.id) }, { $set: { data: batch } });
  }

  async remove(tenantId: string, id: string): Promise<void> {
    const key = docId(tenantId, id);
    await this.models.batches.deleteOne({ _id: key });
    await this.models.batchItems.deleteMany({ batch: key });
  }
}

export class MongoIdempotencyStore implements IdempotencyStore {
  constructor(private readonly models: Models) {}

  /** Insert-if-absent on the unique _id; an expired record or a stale claim is removed first. */
  async claim(record: IdempotencyRecord, now: number): Promise<IdempotencyRecord | null> {
    const _id = docId(record.tenant_id, record.key);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.models.idempotency.create({ _id, ...record, status: null, body: null });
        return null;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      const held = await this.models.idempotency.findById(_id).lean<IdempotencyRecord & { _id?: string }>();
      if (!held) continue;
      if (held.expires_at > now && (held.status !== null || held.locked_until > now)) {
        const { _id: _ignored, ...rest } = held;
        return rest;
      }
      // Only the record we read: a claim another request made meanwhile stays.
      await this.models.idempotency.deleteOne({
        _id,
        expires_at: held.expires_at,
        locked_until: held.locked_until,
      });
    }
    throw new Error(`idempotency key ${record.key} is contended`);
  }

  async complete(tenantId: string, key: string, status: number, body: unknown): Promise<void> {
    await this.models.idempotency.updateOne(
      { _id: docId(tenantId, key) },
      { $set: { status, body: body ?? null } },
    );
  }

  async release(tenantId: string, key: string): Promise<void> {
    await this.models.idempotency.deleteOne({ _id: docId(tenantId, key) });
  }
}

export class MongoWebhookStore implements WebhookStore {
  constructor(private readonly models: Models) {}

  async createSubscription(sub: WebhookSubscription): Promise<void> {
    await this.models.subscriptions.create({
      _id: docId(sub.tenant_id, sub.id),
      id: sub.id,
      tenant_id: sub.tenant_id,
      data: sub,
    });
  }

  async getSubscription(tenantId: string, id: string): Promise<WebhookSubscription | null> {
    const doc = await this.models.subscriptions
      .findById(docId(tenantId, id))
      .lean<Data<WebhookSubscription>>();
    return doc?.data ?? null;
  }

  async listSubscriptions(tenantId: string): Promise<WebhookSubscription[]> {
    const docs = await this.models.subscriptions
      .find({ tenant_id: tenantId })
      .sort({ id: 1 })
      .lean<Data<WebhookSubscription>[]>();
    return docs.map((d) => d.data);
  }

  async deleteSubscription(tenantId: string, id: string): Promise<boolean> {
    return (await this.models.subscriptions.deleteOne({ _id: docId(tenantId, id) })).deletedCount > 0;
  }

  async createDelivery(d: WebhookDelivery): Promise<void> {
    await insertNew(this.models.deliveries, [
      {
        _id: docId(d.tenant_id, d.id),
        id: d.id,
        tenant_id: d.tenant_id,
        subscription_id: d.subscription_id,
        data: d,
      },
    ]);
  }

  async getDelivery(tenantId: string, id: string): Promise<WebhookDelivery | null> {
    const doc = await this.models.deliveries.findById(docId(tenantId, id)).lean<Data<WebhookDelivery>>();
    return doc?.data ?? null;
  }

  async updateDelivery(d: WebhookDelivery): Promise<void> {
    await this.models.deliveries.updateOne({ _id: docId(d.tenant_id, d.id) }, { $set: { data: d } });
  }

  async listDeliveries(tenantId: string, subscriptionId: string, page: PageRequest) {
    const after = decodeCursor(page.cursor);
    const docs = await this.models.deliveries
      .find({
        tenant_id: tenantId,
        subscription_id: subscriptionId,
        ...(after ? { id: { $lt: after } } : {}),
      })
      .sort({ id: -1 })
      .limit(page.limit + 1)
      .lean<(Data<WebhookDelivery> & { id: string })[]>();
    const paged = pageOf(docs, page.limit, (d) => d.id);
    return { data: paged.data.map((d) => d.data), next_cursor: paged.next_cursor };
  }
}

type JobDoc = Omit<JobRecord, 'id'> & { _id: string; lease_until: number | null };
const toJob = ({ _id, lease_until: _l, ...doc }: JobDoc): JobRecord => ({ id: _id, ...doc });

/**
 * The outbox behind core's DurableJobQueue. A claim takes each job with one conditional
 * findOneAndUpdate, which is atomic per document on every MongoDB-wire server, so two pollers
 * never run the same job even without multi-document transactions.
 */
export class MongoJobStore implements JobStore {
  constructor(private readonly models: Models) {}

  async put(job: JobRecord): Promise<boolean> {
    const { id, ...rest } = job;
    const result = await this.models.jobs.updateOne(
      { _id: id },
      { $setOnInsert: { ...rest, lease_until: null } },
      { upsert: true },
    );
    return result.upsertedCount > 0;
  }

  async claim(kinds: string[], now: number, leaseMs: number, limit: number): Promise<JobRecord[]> {
    const due = (ids?: string[]) => ({
      ...(ids ? { _id: { $in: ids } } : {}),
      kind: { $in: kinds },
      $or: [
        { status: 'pending', run_at: { $lte: now } },
        { status: 'running', lease_until: { $lte: now } },
      ],
    });
    const candidates = await this.models.jobs
      .find(due(), { _id: 1 })
      .sort({ run_at: 1 })
      .limit(limit)
      .lean<{ _id: string }[]>();
    const claimed: JobRecord[] = [];
    for (const { _id } of candidates) {
      // Re-checks the due condition: another poller may have taken the job since the find.
      const doc = await this.models.jobs
        .findOneAndUpdate(
          due([_id]),
          { $set: { status: 'running', lease_until: now + leaseMs }, $inc: { attempts: 1 } },
          { new: true },
        )
        .lean<JobDoc>();
      if (doc) claimed.push(toJob(doc));
    }
    return claimed;
  }

  async extend(id: string, leaseUntil: number): Promise<void> {
    await this.models.jobs.updateOne({ _id: id, status: 'running' }, { $set: { lease_until: leaseUntil } });
  }

  async complete(id: string): Promise<void> {
    await this.models.jobs.updateOne(
      { _id: id },
      { $set: { status: 'done', lease_until: null, last_error: null } },
    );
  }

  async fail(id: string, error: string, retryAt: number | null): Promise<void> {
    await this.models.jobs.updateOne(
      { _id: id },
      {
        $set: {
          status: retryAt === null ? 'dead' : 'pending',
          ...(retryAt === null ? {} : { run_at: retryAt }),
          lease_until: null,
          last_error: error.slice(0, 2000),
        },
      },
    );
  }

  async get(id: string): Promise<JobRecord | null> {
    const doc = await this.models.jobs.findById(id).lean<JobDoc>();
    return doc ? toJob(doc) : null;
  }

  async listDead(tenantId: string, page: PageRequest) {
    const after = decodeCursor(page.cursor);
    const docs = await this.models.jobs
      .find({ tenant_id: tenantId, status: 'dead', ...(after ? { _id: { $lt: after } } : {}) })
      .sort({ _id: -1 })
      .limit(page.limit + 1)
      .lean<JobDoc[]>();
    return pageOf(docs.map(toJob), page.limit, (j) => j.id);
  }

  async revive(tenantId: string, id: string, runAt: number): Promise<boolean> {
    const result = await this.models.jobs.updateOne(
      { _id: id, tenant_id: tenantId, status: 'dead' },
      { $set: { status: 'pending', attempts: 0, run_at: runAt, last_error: null } },
    );
    return result.modifiedCount > 0;
  }

  async counts(now: number) {
    const count = (query: object) => this.models.jobs.countDocuments(query);
    const [duePending, dueExpired, scheduled, running, done, dead, oldest] = await Promise.all([
      count({ status: 'pending', run_at: { $lte: now } }),
      count({ status: 'running', lease_until: { $lte: now } }),
      count({ status: 'pending', run_at: { $gt: now } }),
      count({ status: 'running', lease_until: { $gt: now } }),
      count({ status: 'done' }),
      count({ status: 'dead' }),
      this.models.jobs
        .findOne({ status: 'pending', run_at: { $lte: now } }, { run_at: 1 })
        .sort({ run_at: 1 })
        .lean<{ run_at: number }>(),
    ]);
    return {
      due: duePending + dueExpired,
      scheduled,
      running,
      done,
      dead,
      oldest_due_at: oldest?.run_at ?? null,
    };
  }
}
