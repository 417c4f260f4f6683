import { batchRequestSchema } from '../../domain/schemas';
import type { Engram } from '../../engram';
import { EngramError } from '../../errors';
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
    handler: async ({ req, principal }) => {
      // A callback URL makes the server send signed requests to a target of the caller's
      // choosing: the same power as registering a webhook, so it takes the same permission.
      const body = req.body as { webhook_url?: unknown } | undefined;
      if (body?.webhook_url !== undefined && !engram.ports.authorizer.can(principal, 'webhooks:manage')) {
        throw new EngramError(
          'forbidden',
          'webhook_url needs a key that may manage webhooks (webhooks:manage)',
          {
            action: 'webhooks:manage',
            errors: [{ field: 'webhook_url', message: 'needs the webhooks:manage permission' }],
          },
        );
      }
      return publicBatch(await batches.submit(principal.tenant_id, req.body));
    },
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
  table.add({
    method: 'delete',
    path: '/batch/:id',
    summary:
      'Cancel a batch: items already added stay, the rest are marked cancelled before the next chunk (202)',
    tag: 'batch',
    action: 'batch:write',
    status: 202,
    errors: [404, 409],
    handler: async ({ req, principal }) =>
      publicBatch(await batches.cancel(principal.tenant_id, requireParam(req, 'id'))),
  });
}
