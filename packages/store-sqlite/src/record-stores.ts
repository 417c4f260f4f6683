import {
  BATCH_ITEMS_PAGE,
  type BatchJob,
  type BatchStore,
  type IdempotencyRecord,
  type IdempotencyStore,
  itemPages,
  type JobCounts,
  type JobRecord,
  type JobStore,
  type PageRequest,
  sliceOfPages,
  type WebhookDelivery,
  type WebhookStore,
  type WebhookSubscription,
} from '@engram/core';
import type { Db } from './database';
import { decodeCursor, pageOf } from './sql-helpers';

type DataRow = { data: string };

export class SqliteBatchStore implements BatchStore {
  constructor(private readonly db: Db) {}

  async putItems(tenantId: string, batchId: string, start: number, items: unknown[]): Promise<void> {
    this.db.transaction(() => this.writePages(tenantId, batchId, start, items))();
  }

  private writePages(tenantId: string, batchId: string, start: number, items: unknown[]): void {
    const put = this.db.prepare(
      'INSERT OR REPLACE INTO batch_items (tenant_id, batch_id, start, items) VALUES (?, ?, ?, ?)',
    );
    for (const page of itemPages(start, items)) {
      put.run(tenantId, batchId, page.start, JSON.stringify(page.items));
    }
  }

  async create(batch: BatchJob, items?: unknown[]): Promise<void> {
    this.db.transaction(() => {
      if (items) this.writePages(batch.tenant_id, batch.id, 0, items);
      this.db
        .prepare("INSERT INTO batches (id, tenant_id, data, items) VALUES (?, ?, ?, '[]')")
        .run(batch.id, batch.tenant_id, JSON.stringify(batch));
    })();
  }

  async get(tenantId: string, id: string): Promise<BatchJob | null> {
    const row = this.db
      .prepare<[string, string], DataRow>('SELECT data FROM batches WHERE tenant_id = ? AND id = ?')
      .get(tenantId, id);
    return row ? JSON.parse(row.data) : null;
  }

  async items(tenantId: string, id: string, range?: { start: number; end: number }): Promise<unknown[]> {
    // Only the pages the range touches are read and parsed: a chunk of a workflow, not 10,000 items.
    const from = range ? range.start - (range.start % BATCH_ITEMS_PAGE) : 0;
    const to = range ? range.end : Number.MAX_SAFE_INTEGER;
    const pages = this.db
      .prepare<[string, string, number, number], { start: number; items: string }>(
        'SELECT start, items FROM batch_items WHERE tenant_id = ? AND batch_id = ? AND start >= ? AND start < ? ORDER BY start',
      )
      .all(tenantId, id, from, to)
      .map((p) => ({ start: p.start, items: JSON.parse(p.items) as unknown[] }));
    if (pages.length > 0) return sliceOfPages(pages, range);
    // Batches written before pages existed keep their items in one column.
    const row = this.db
      .prepare<[string, string], { items: string }>(
        'SELECT items FROM batches WHERE tenant_id = ? AND id = ?',
      )
      .get(tenantId, id);
    const all = row ? (JSON.parse(row.items) as unknown[]) : [];
    return range ? all.slice(range.start, range.end) : all;
  }

  async save(batch: BatchJob): Promise<void> {
    this.db
      .prepare('UPDATE batches SET data = ? WHERE tenant_id = ? AND id = ?')
      .run(JSON.stringify(batch), batch.tenant_id, batch.id);
  }

  async remove(tenantId: string, id: string): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM batches WHERE tenant_id = ? AND id = ?').run(tenantId, id);
      this.db.prepare('DELETE FROM batch_items WHERE tenant_id = ? AND batch_id = ?').run(tenantId, id);
    })();
  }
}

type IdempotencyRow = Omit<IdempotencyRecord, 'body'> & { body: string | null };

export class SqliteIdempotencyStore implements IdempotencyStore {
  constructor(private readonly db: Db) {}

  async claim(record: IdempotencyRecord, now: number): Promise<IdempotencyRecord | null> {
    return this.db
      .transaction(() => {
        // Forgotten when expired: a sweep on each claim keeps the table to the window.
        this.db.prepare('DELETE FROM idempotency_keys WHERE expires_at <= ?').run(now);
        const held = this.db
          .prepare<[string, string], IdempotencyRow>(
            'SELECT * FROM idempotency_keys WHERE tenant_id = ? AND key = ?',
          )
          .get(record.tenant_id, record.key);
        if (held && (held.status !== null || held.locked_until > now)) {
          return { ...held, body: held.body === null ? null : JSON.parse(held.body) };
        }
        this.db
          .prepare(
            `INSERT OR REPLACE INTO idempotency_keys (tenant_id, key, request_hash, status, body, expires_at, locked_until)
           VALUES (@tenant_id, @key, @request_hash, NULL, NULL, @expires_at, @locked_until)`,
          )
          .run(record);
        return null;
      })
      .immediate();
  }

  async complete(tenantId: string, key: string, status: number, body: unknown): Promise<void> {
    this.db
      .prepare('UPDATE idempotency_keys SET status = ?, body = ? WHERE tenant_id = ? AND key = ?')
      .run(status, JSON.stringify(body ?? null), tenantId, key);
  }

  async release(tenantId: string, key: string): Promise<void> {
    this.db.prepare('DELETE FROM idempotency_keys WHERE tenant_id = ? AND key = ?').run(tenantId, key);
  }
}

export class SqliteWebhookStore implements WebhookStore {
  constructor(private readonly db: Db) {}

  async createSubscription(sub: WebhookSubscription): Promise<void> {
    this.db
      .prepare('INSERT INTO webhook_subscriptions (id, tenant_id, data) VALUES (?, ?, ?)')
      .run(sub.id, sub.tenant_id, JSON.stringify(sub));
  }

  async getSubscription(tenantId: string, id: string): Promise<WebhookSubscription | null> {
    const row = this.db
      .prepare<[string, string], DataRow>(
        'SELECT data FROM webhook_subscriptions WHERE tenant_id = ? AND id = ?',
      )
      .get(tenantId, id);
    return row ? JSON.parse(row.data) : null;
  }

  async listSubscriptions(tenantId: string): Promise<WebhookSubscription[]> {
    return this.db
      .prepare<[string], DataRow>('SELECT data FROM webhook_subscriptions WHERE tenant_id = ? ORDER BY id')
      .all(tenantId)
      .map((r) => JSON.parse(r.data));
  }

  async deleteSubscription(tenantId: string, id: string): Promise<boolean> {
    return (
      this.db.prepare('DELETE FROM webhook_subscriptions WHERE tenant_id = ? AND id = ?').run(tenantId, id)
        .changes > 0
    );
  }

  async createDelivery(d: WebhookDelivery): Promise<void> {
    this.db
      .prepare(
        'INSERT OR IGNORE INTO webhook_deliveries (id, tenant_id, subscription_id, data) VALUES (?, ?, ?, ?)',
      )
      .run(d.id, d.tenant_id, d.subscription_id, JSON.stringify(d));
  }

  async getDelivery(tenantId: string, id: string): Promise<WebhookDelivery | null> {
    const row = this.db
      .prepare<[string, string], DataRow>(
        'SELECT data FROM webhook_deliveries WHERE tenant_id = ? AND id = ?',
      )
      .get(tenantId, id);
    return row ? JSON.parse(row.data) : null;
  }

  async updateDelivery(d: WebhookDelivery): Promise<void> {
    this.db
      .prepare('UPDATE webhook_deliveries SET data = ? WHERE tenant_id = ? AND id = ?')
      .run(JSON.stringify(d), d.tenant_id, d.id);
  }

  async listDeliveries(tenantId: string, subscriptionId: string, page: PageRequest) {
    const after = decodeCursor(page.cursor);
    const rows = this.db
      .prepare<unknown[], DataRow & { id: string }>(
        `SELECT id, data FROM webhook_deliveries WHERE tenant_id = ? AND subscription_id = ? ${after ? 'AND id < ?' : ''}
         ORDER BY id DESC LIMIT ?`,
      )
      .all(tenantId, subscriptionId, ...(after ? [after] : []), page.limit + 1);
    const paged = pageOf(rows, page.limit, (r) => r.id);
    return {
      data: paged.data.map((r) => JSON.parse(r.data) as WebhookDelivery),
      next_cursor: paged.next_cursor,
    };
  }
}

type JobRow = Omit<JobRecord, 'payload'> & { payload: string; lease_until: number | null };
const toJob = ({ lease_until: _l, ...r }: JobRow): JobRecord => ({ ...r, payload: JSON.parse(r.payload) });

/** The outbox behind core's DurableJobQueue: claims are one transaction, so two pollers never share a job. */
export class SqliteJobStore implements JobStore {
  constructor(private readonly db: Db) {}

  async put(job: JobRecord): Promise<boolean> {
    return (
      this.db
        .prepare(
          `INSERT OR IGNORE INTO jobs (id, kind, tenant_id, payload, status, attempts, run_at, lease_until, last_error, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)`,
        )
        .run(
          job.id,
          job.kind,
          job.tenant_id,
          JSON.stringify(job.payload),
          job.status,
          job.attempts,
          job.run_at,
          job.last_error,
          job.created_at,
        ).changes > 0
    );
  }

  async claim(kinds: string[], now: number, leaseMs: number, limit: number): Promise<JobRecord[]> {
    return this.db.transaction(() => {
      const rows = this.db
        .prepare<[number, number, string, number], JobRow>(
          `SELECT * FROM jobs
           WHERE ((status = 'pending' AND run_at <= ?) OR (status = 'running' AND lease_until <= ?))
             AND kind IN (SELECT value FROM json_each(?))
           ORDER BY run_at LIMIT ?`,
        )
        .all(now, now, JSON.stringify(kinds), limit);
      const take = this.db.prepare(
        `UPDATE jobs SET status = 'running', lease_until = ?, attempts = attempts + 1 WHERE id = ?`,
      );
      return rows.map((row) => {
        take.run(now + leaseMs, row.id);
        return toJob({ ...row, status: 'running', attempts: row.attempts + 1 });
      });
    })();
  }

  async extend(id: string, leaseUntil: number): Promise<void> {
    this.db
      .prepare(`UPDATE jobs SET lease_until = ? WHERE id = ? AND status = 'running'`)
      .run(leaseUntil, id);
  }

  async complete(id: string): Promise<void> {
    this.db
      .prepare(`UPDATE jobs SET status = 'done', lease_until = NULL, last_error = NULL WHERE id = ?`)
      .run(id);
  }

  async fail(id: string, error: string, retryAt: number | null): Promise<void> {
    this.db
      .prepare(
        `UPDATE jobs SET status = ?, run_at = COALESCE(?, run_at), lease_until = NULL, last_error = ? WHERE id = ?`,
      )
      .run(retryAt === null ? 'dead' : 'pending', retryAt, error.slice(0, 2000), id);
  }

  async get(id: string): Promise<JobRecord | null> {
    const row = this.db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE id = ?').get(id);
    return row ? toJob(row) : null;
  }

  async listDead(tenantId: string, page: PageRequest) {
    const after = decodeCursor(page.cursor);
    const rows = this.db
      .prepare<unknown[], JobRow>(
        `SELECT * FROM jobs WHERE tenant_id = ? AND status = 'dead' ${after ? 'AND id < ?' : ''} ORDER BY id DESC LIMIT ?`,
      )
      .all(tenantId, ...(after ? [after] : []), page.limit + 1);
    return pageOf(rows.map(toJob), page.limit, (j) => j.id);
  }

  async revive(tenantId: string, id: string, runAt: number): Promise<boolean> {
    return (
      this.db
        .prepare(
          `UPDATE jobs SET status = 'pending', attempts = 0, run_at = ?, last_error = NULL
           WHERE tenant_id = ? AND id = ? AND status = 'dead'`,
        )
        .run(runAt, tenantId, id).changes > 0
    );
  }

  async counts(now: number) {
    const row = this.db
      .prepare<[number, number, number, number, number], JobCounts>(
        `SELECT
           coalesce(sum((status = 'pending' AND run_at <= ?) OR (status = 'running' AND lease_until <= ?)), 0) AS due,
           coalesce(sum(status = 'pending' AND run_at > ?), 0) AS scheduled,
           coalesce(sum(status = 'running' AND lease_until > ?), 0) AS running,
           coalesce(sum(status = 'done'), 0) AS done,
           coalesce(sum(status = 'dead'), 0) AS dead,
           min(CASE WHEN status = 'pending' AND run_at <= ? THEN run_at END) AS oldest_due_at
         FROM jobs`,
      )
      .get(now, now, now, now, now)!;
    return row;
  }
}
