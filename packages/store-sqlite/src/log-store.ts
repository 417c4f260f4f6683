import type {
  Feedback,
  LogStore,
  MemoryRetrievalLog,
  PageRequest,
  QueryLog,
  QueryLogFilter,
} from '@engram/core';
import type { Db } from './database';
import { decodeCursor, pageOf } from './sql-helpers';

type Row = { seq: number; data: string };

/** Query and retrieval logs, paged newest first by insertion sequence. */
export class SqliteLogStore implements LogStore {
  constructor(private readonly db: Db) {}

  async append(queries: QueryLog[], retrievals: MemoryRetrievalLog[]): Promise<void> {
    const q = this.db.prepare(
      'INSERT OR IGNORE INTO query_logs (id, tenant_id, user_id, created_at, data) VALUES (?, ?, ?, ?, ?)',
    );
    const r = this.db.prepare(
      'INSERT OR IGNORE INTO retrieval_logs (id, search_id, tenant_id, memory_id, user_id, created_at, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const userOf = new Map(queries.map((x) => [x.id, x.user_id]));
    this.db.transaction(() => {
      for (const x of queries) q.run(x.id, x.tenant_id, x.user_id, x.created_at, JSON.stringify(x));
      for (const x of retrievals) {
        r.run(
          x.id,
          x.search_id,
          x.tenant_id,
          x.memory_id,
          userOf.get(x.search_id) ?? null,
          x.created_at,
          JSON.stringify(x),
        );
      }
    })();
  }

  async getQuery(tenantId: string, searchId: string): Promise<QueryLog | null> {
    const row = this.db
      .prepare<[string, string], Row>('SELECT data FROM query_logs WHERE tenant_id = ? AND id = ?')
      .get(tenantId, searchId);
    return row ? JSON.parse(row.data) : null;
  }

  async listQueries(tenantId: string, filter: QueryLogFilter, page: PageRequest) {
    return this.page<QueryLog>('query_logs', tenantId, { ...filter, id: filter.search_id }, page);
  }

  async listRetrievals(tenantId: string, filter: QueryLogFilter & { memory_id?: string }, page: PageRequest) {
    return this.page<MemoryRetrievalLog>('retrieval_logs', tenantId, filter, page);
  }

  async addFeedback(feedback: Feedback): Promise<void> {
    this.db
      .prepare('INSERT INTO feedback (id, tenant_id, search_id, data) VALUES (?, ?, ?, ?)')
      .run(feedback.id, feedback.tenant_id, feedback.search_id, JSON.stringify(feedback));
  }

  async listFeedback(tenantId: string, searchId: string): Promise<Feedback[]> {
    return this.db
      .prepare<[string, string], Row>(
        'SELECT data FROM feedback WHERE tenant_id = ? AND search_id = ? ORDER BY id',
      )
      .all(tenantId, searchId)
      .map((r) => JSON.parse(r.data));
  }

  private page<T>(
    table: 'query_logs' | 'retrieval_logs',
    tenantId: string,
    filter: {
      user_id?: string;
      since?: string;
      until?: string;
      search_id?: string;
      memory_id?: string;
      id?: string;
    },
    page: PageRequest,
  ) {
    const clauses = ['tenant_id = ?'];
    const params: (string | number)[] = [tenantId];
    const add = (sql: string, value: string | number | undefined) => {
      if (value === undefined) return;
      clauses.push(sql);
      params.push(value);
    };
    add('user_id = ?', filter.user_id);
    add('created_at >= ?', filter.since);
    add('created_at < ?', filter.until);
    if (table === 'query_logs') add('id = ?', filter.id);
    else {
      add('search_id = ?', filter.search_id);
      add('memory_id = ?', filter.memory_id);
    }
    const after = decodeCursor(page.cursor);
    add('seq < ?', after === null ? undefined : Number(after));
    const rows = this.db
      .prepare<unknown[], Row>(
        `SELECT seq, data FROM ${table} WHERE ${clauses.join(' AND ')} ORDER BY seq DESC LIMIT ?`,
      )
      .all(...params, page.limit + 1);
    const paged = pageOf(rows, page.limit, (r) => r.seq);
    return { data: paged.data.map((r) => JSON.parse(r.data) as T), next_cursor: paged.next_cursor };
  }
}
