import { BatchSchema } from '../../domain/response-schemas';
import { batchRequestSchema } from '../../domain/schemas';
import type { Engram } from '../../engram';
import { EngramError } from '../../errors';
import { publicBatch } from '../../services/batch.service';
import { readBatchStream } from '../batch-stream';
import type { IdempotencyGate } from '../idempotency';
import { type RouteTable, requireParam } from '../route';

export function batchRoutes(table: RouteTable, engram: Engram, idempotency: IdempotencyGate): void {
  const { batches } = engram.services;
  const { config } = engram;
  table.add({
    method: 'post',
    path: '/memory/batch',
    summary:
      'Add many memories in the background (the body is read as it arrives); poll GET /v1/batch/{id} or wait for batch.completed',
    tag: 'batch',
    action: 'batch:write',
    body: batchRequestSchema,
    status: 202,
    errors: [409, 413],
    response: BatchSchema,
    handler: async ({ req, res, principal }) => {
      const intake = batches.intake(principal.tenant_id);
      try {
        const { options, requestHash } = await readBatchStream(
          req,
          { maxBytes: config.batch_processing.max_batch_bytes, maxDepth: config.requests.max_json_depth },
          (item) => intake.add(item),
        );
        // A callback URL makes the server send signed requests to a target of the caller's
        // choosing: the same power as registering a webhook, so it takes the same permission.
        if (options.webhook_url !== undefined && !engram.ports.authorizer.can(principal, 'webhooks:manage')) {
          throw new EngramError(
            'forbidden',
            'webhook_url needs a key that may manage webhooks (webhooks:manage)',
            {
              action: 'webhooks:manage',
              errors: [{ field: 'webhook_url', message: 'needs the webhooks:manage permission' }],
            },
          );
        }
        if (!(await idempotency.enter(req, res, requestHash))) {
          await intake.abandon(); // the answer kept for this key was replayed
          return undefined;
        }
        return publicBatch(await batches.accept(intake, options));
      } catch (err) {
        await intake.abandon();
        throw err;
      }
    },
  });
  table.add({
    method: 'get',
    path: '/batch/:id',
    summary: "A batch's status, counts, per-item errors and memory ids",
    tag: 'batch',
    action: 'batch:read',
    response: BatchSchema,
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
    response: BatchSchema,
    handler: async ({ req, principal }) =>
      publicBatch(await batches.cancel(principal.tenant_id, requireParam(req, 'id'))),
  });
}
