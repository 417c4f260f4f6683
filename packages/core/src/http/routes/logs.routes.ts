import type { Request, Response } from 'express';
import { z } from 'zod';
import {
  FeedbackPageSchema,
  QueryLogPageSchema,
  RetrievalLogPageSchema,
} from '../../domain/response-schemas';
import type { Page } from '../../domain/types';
import type { Engram } from '../../engram';
import { pageQuery, type RouteTable } from '../route';

const logQuery = pageQuery.extend({
  user_id: z.string().optional(),
  search_id: z.string().optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
});

const wantsNdjson = (req: Request) => /application\/x-ndjson/.test(req.get('accept') ?? '');

/**
 * With `Accept: application/x-ndjson` the whole filtered log streams out, one JSON object a
 * line, page after page: the raw data users train their own rankers on.
 */
async function respond<T>(
  req: Request,
  res: Response,
  fetch: (cursor: string | null) => Promise<Page<T>>,
): Promise<unknown> {
  if (!wantsNdjson(req)) return fetch((req.query.cursor as string) ?? null);
  res.status(200).type('application/x-ndjson');
  let cursor: string | null = (req.query.cursor as string) ?? null;
  do {
    const page = await fetch(cursor);
    if (res.writableEnded) return undefined; // the time budget answered before the first page
    for (const row of page.data) res.write(`${JSON.stringify(row)}\n`);
    cursor = page.next_cursor;
  } while (cursor);
  res.end();
  return undefined;
}

export function logRoutes(table: RouteTable, engram: Engram): void {
  const store = engram.ports.logStore;
  table.add({
    method: 'get',
    path: '/logs/queries',
    summary: 'Query logs (JSON pages, or NDJSON export with Accept: application/x-ndjson)',
    tag: 'logs',
    action: 'logs:read',
    query: logQuery,
    response: QueryLogPageSchema,
    handler: async ({ req, res, principal, query }) => {
      await engram.services.logs.flush();
      const { cursor: _c, limit, ...filter } = query;
      return respond(req, res, (cursor) => store.listQueries(principal.tenant_id, filter, { cursor, limit }));
    },
  });
  table.add({
    method: 'get',
    path: '/logs/retrievals',
    summary: 'Memory retrieval logs: one row per returned memory with rank, score and signals',
    tag: 'logs',
    action: 'logs:read',
    query: logQuery.extend({ memory_id: z.string().optional() }),
    response: RetrievalLogPageSchema,
    handler: async ({ req, res, principal, query }) => {
      await engram.services.logs.flush();
      const { cursor: _c, limit, ...filter } = query;
      return respond(req, res, (cursor) =>
        store.listRetrievals(principal.tenant_id, filter, { cursor, limit }),
      );
    },
  });
  table.add({
    method: 'get',
    path: '/logs/feedback',
    summary: 'Feedback on the logged searches (filters and cursor as for /logs/queries; NDJSON export)',
    tag: 'logs',
    action: 'logs:read',
    query: logQuery,
    response: FeedbackPageSchema,
    handler: async ({ req, res, principal, query }) => {
      await engram.services.logs.flush();
      const { cursor: _c, limit, ...filter } = query;
      // Feedback always names a search: walking the searches (newest first) walks all of it,
      // a page holding the feedback of `limit` searches (possibly none; follow next_cursor).
      return respond(req, res, async (cursor) => {
        const searches = await store.listQueries(principal.tenant_id, filter, { cursor, limit });
        const feedback = await Promise.all(
          searches.data.map((q) => store.listFeedback(principal.tenant_id, q.id)),
        );
        return { data: feedback.flat(), next_cursor: searches.next_cursor };
      });
    },
  });
}
