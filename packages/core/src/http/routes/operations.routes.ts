import { z } from 'zod';
import { DeadJobPageSchema, JobRetrySchema, ReconcileReportSchema } from '../../domain/response-schemas';
import type { Engram } from '../../engram';
import { notFound } from '../../errors';
import { pageQuery, type RouteTable, requireParam } from '../route';

/** What an operator of a tenant needs when background work fails or indexes drift. */
export function operationsRoutes(table: RouteTable, engram: Engram): void {
  const { jobQueue } = engram.ports;
  table.add({
    method: 'get',
    path: '/jobs/dead',
    summary: 'Background jobs that ran out of attempts (dead letters), newest first, with their last error',
    tag: 'operations',
    action: 'operations:manage',
    query: pageQuery,
    response: DeadJobPageSchema,
    handler: ({ principal, query }) => jobQueue.deadJobs(principal.tenant_id, query),
  });
  table.add({
    method: 'post',
    path: '/jobs/dead/:id/retry',
    summary: 'Runs a dead job again from its first attempt',
    tag: 'operations',
    action: 'operations:manage',
    status: 202,
    response: JobRetrySchema,
    handler: async ({ req, principal }) => {
      const id = requireParam(req, 'id');
      if (!(await jobQueue.retryDead(principal.tenant_id, id))) throw notFound('dead job', id);
      return { id, status: 'retrying' };
    },
  });
  table.add({
    method: 'post',
    path: '/index/reconcile',
    summary: "Re-indexes the tenant's memories missing from the vector index (all of them with full=true)",
    tag: 'operations',
    action: 'operations:manage',
    query: z.object({ full: z.enum(['true', 'false']).default('false') }),
    response: ReconcileReportSchema,
    handler: ({ principal, query }) =>
      engram.services.indexer.reconcile(principal.tenant_id, { full: query.full === 'true' }),
  });
}
