import {
  decodeCursor,
  type Feedback,
  type LogStore,
  type MemoryRetrievalLog,
  type PageRequest,
  pageOf,
  type QueryLog,
  type QueryLogFilter,
} from '@engram/core';
import { type Collection, docId, isDuplicateKey, type Models } from './models';

/** Inserts every document; ones that exist already (a repeated flush) are skipped, not errors. */
export async function insertNew(model: Collection, docs: object[]): Promise<void> {
  if (docs.length === 0) return;
  try {
    await model.insertMany(docs, { ordered: false });
  } catch (err) {
    const errors = (err as { writeErrors?: { code?: number; err?: { code?: number } }[] }).writeErrors;
    const onlyDuplicates =
      isDuplicateKey(err) || (errors?.length && errors.every((e) => (e.code ?? e.err?.code) === 11000));
    if (!onlyDuplicates) throw err;
  }
}

type Filter = QueryLogFilter & { memory_id?: string };

/** Query and retrieval logs, newest first by id (ids are time-ordered). */
export class MongoLogStore implements LogStore {
  constructor(private readonly models: Models) {}

  async append(queries: QueryLog[], retrievals: MemoryRetrievalLog[]): Promise<void> {
    const userOf = new Map(queries.map((q) => [q.id, q.user_id]));
    await insertNew(
      this.models.queries,
      queries.map((q) => ({
        _id: docId(q.tenant_id, q.id),
        id: q.id,
        tenant_id: q.tenant_id,
        user_id: q.user_id,
        created_at: q.created_at,
        data: q,
      })),
    );
    await insertNew(
      this.models.retrievals,
      retrievals.map((r) => ({
        _id: docId(r.tenant_id, r.id),
        id: r.id,
        tenant_id: r.tenant_id,
        search_id: r.search_id,
        memory_id: r.memory_id,
        user_id: userOf.get(r.search_id) ?? null,
        created_at: r.created_at,
        data: r,
      })),
    );
  }

  async getQuery(tenantId: string, searchId: string): Promise<QueryLog | null> {
    const doc = await this.models.queries.findById(docId(tenantId, searchId)).lean<{ data: QueryLog }>();
    return doc?.data ?? null;
  }

  listQueries(tenantId: string, filter: QueryLogFilter, page: PageRequest) {
    const { search_id, ...rest } = filter;
    return this.page<QueryLog>(this.models.queries, tenantId, { ...rest, id: search_id }, page);
  }

  listRetrievals(tenantId: string, filter: Filter, page: PageRequest) {
    return this.page<MemoryRetrievalLog>(this.models.retrievals, tenantId, filter, page);
  }

  async addFeedback(feedback: Feedback): Promise<void> {
    await this.models.feedback.create({
      _id: docId(feedback.tenant_id, feedback.id),
      id: feedback.id,
      tenant_id: feedback.tenant_id,
      search_id: feedback.search_id,
      data: feedback,
    });
  }

  async listFeedback(tenantId: string, searchId: string): Promise<Feedback[]> {
    const docs = await this.models.feedback
      .find({ tenant_id: tenantId, search_id: searchId })
      .sort({ id: 1 })
      .lean<{ data: Feedback }[]>();
    return docs.map((d) => d.data);
  }

  private async page<T>(
    model: Collection,
    tenantId: string,
    filter: Filter & { id?: string },
    page: PageRequest,
  ) {
    const query: Record<string, unknown> = { tenant_id: tenantId };
    for (const field of ['user_id', 'search_id', 'memory_id'] as const) {
      if (filter[field] !== undefined) query[field] = filter[field];
    }
    if (filter.since || filter.until) {
      query.created_at = {
        ...(filter.since ? { $gte: filter.since } : {}),
        ...(filter.until ? { $lt: filter.until } : {}),
      };
    }
    const after = decodeCursor(page.cursor);
    const id = { ...(filter.id !== undefined ? { $eq: filter.id } : {}), ...(after ? { $lt: after } : {}) };
    if (Object.keys(id).length) query.id = id;
    const docs = await model
      .find(query)
      .sort({ id: -1 })
      .limit(page.limit + 1)
      .lean<{ id: string; data: T }[]>();
    const paged = pageOf(docs, page.limit, (d) => d.id);
    return { data: paged.data.map((d) => d.data), next_cursor: paged.next_cursor };
  }
}
