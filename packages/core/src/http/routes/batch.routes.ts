import { batchRequestSchema } from '../../domain/schemas';
import type { Engram } from '../../engram';
import { publicBatch } from '../../services/batch.service';
import { type RouteTable, requireParam } from '../route';

export function batchRoutes(table: RouteTable, engram: Engram): void {
  const { batches } = engram.services;
  table.add({
    method: 'post',
    path: '/memory/batch',
    summary: 'Add many memories in the background; poll GET /v1/batch/{id} or wait for batch.completed',
    tag: 'batch',
    action: 'batch:write',
    body: batchRequestSchema,
    status: 202,
    handler: async ({ req, principal }) => publicBatch(await batches.submit(principal.tenant_id, req.body)),
  });
  table.add({
    method: 'get',
    path: '/batch/:id',
    summary: "A batch's status, counts, per-item errors and memory ids",
    tag: 'batch',
    action: 'batch:read',
    handler: async ({ req, principal }) =>
      publicBatch(await batches.get(principal.tenant_id, requireParam(req, 'id'))),
  });
}
