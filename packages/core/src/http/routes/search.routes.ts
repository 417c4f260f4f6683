import { FeedbackSchema, SearchResponseSchema } from '../../domain/response-schemas';
import { feedbackSchema, searchRequestSchema } from '../../domain/schemas';
import type { Engram } from '../../engram';
import type { Principal } from '../../ports/edition';
import { PhaseTimer } from '../../services/phase-timer';
import type { RouteTable } from '../route';

export function searchRoutes(
  table: RouteTable,
  engram: Engram,
  onSearch: (latencyMs: number, results: number, principal: Principal) => void,
): void {
  table.add({
    method: 'post',
    path: '/memory/search',
    summary: 'Hybrid search: vector + BM25 + graph, fused; returns a search_id for feedback',
    tag: 'search',
    action: 'search',
    body: searchRequestSchema,
    response: SearchResponseSchema,
    handler: async ({ req, res, principal }) => {
      const started = performance.now();
      const timer = new PhaseTimer();
      const response = await engram.services.search.search(principal, req.body, timer);
      onSearch(performance.now() - started, response.results.length, principal);
      // When the time budget has answered already, the search still ends (and is logged), but
      // its answer and headers go nowhere.
      if (!res.headersSent) res.set('Server-Timing', timer.header());
      return response;
    },
  });
  table.add({
    method: 'post',
    path: '/feedback',
    summary: 'Rate a search or one of its results',
    tag: 'search',
    action: 'feedback:write',
    body: feedbackSchema,
    status: 201,
    errors: [404],
    response: FeedbackSchema,
    handler: ({ req, principal }) => engram.services.logs.feedback(principal.tenant_id, req.body),
  });
}
