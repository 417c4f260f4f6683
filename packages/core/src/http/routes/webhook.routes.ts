import {
  CreatedWebhookSchema,
  DeletedSchema,
  DeliveryPageSchema,
  DeliverySchema,
  WebhookListSchema,
  WebhookSchema,
} from '../../domain/response-schemas';
import { webhookCreateSchema } from '../../domain/schemas';
import type { WebhookSubscription } from '../../domain/types';
import type { Engram } from '../../engram';
import { pageQuery, type RouteTable, requireParam } from '../route';

/** The secret is shown once, at creation; afterwards not even part of it. */
const withoutSecret = ({ secret: _secret, ...sub }: WebhookSubscription) => sub;

export function webhookRoutes(table: RouteTable, engram: Engram): void {
  const { webhooks } = engram.services;
  table.add({
    method: 'post',
    path: '/webhooks',
    summary: 'Subscribe a URL to events; the response carries the signing secret, shown only now',
    tag: 'webhooks',
    action: 'webhooks:manage',
    body: webhookCreateSchema,
    status: 201,
    response: CreatedWebhookSchema,
    handler: ({ req, principal }) => webhooks.create(principal.tenant_id, req.body),
  });
  table.add({
    method: 'get',
    path: '/webhooks',
    summary: 'List subscriptions',
    tag: 'webhooks',
    action: 'webhooks:manage',
    response: WebhookListSchema,
    handler: async ({ principal }) => ({
      data: (await webhooks.list(principal.tenant_id)).map(withoutSecret),
    }),
  });
  table.add({
    method: 'get',
    path: '/webhooks/:id',
    summary: 'Get a subscription',
    tag: 'webhooks',
    action: 'webhooks:manage',
    response: WebhookSchema,
    handler: async ({ req, principal }) =>
      withoutSecret(await webhooks.get(principal.tenant_id, requireParam(req, 'id'))),
  });
  table.add({
    method: 'delete',
    path: '/webhooks/:id',
    summary: 'Delete a subscription',
    tag: 'webhooks',
    action: 'webhooks:manage',
    response: DeletedSchema,
    handler: async ({ req, principal }) => {
      await webhooks.remove(principal.tenant_id, requireParam(req, 'id'));
      return { id: req.params.id, deleted: true };
    },
  });
  table.add({
    method: 'get',
    path: '/webhooks/:id/deliveries',
    summary: "A subscription's deliveries, newest first, with attempts and last error",
    tag: 'webhooks',
    action: 'webhooks:manage',
    query: pageQuery,
    response: DeliveryPageSchema,
    handler: ({ req, principal, query }) =>
      webhooks.deliveries(principal.tenant_id, requireParam(req, 'id'), query),
  });
  table.add({
    method: 'post',
    path: '/webhooks/:id/test',
    summary: 'Queue a webhook.test delivery',
    tag: 'webhooks',
    action: 'webhooks:manage',
    status: 202,
    response: DeliverySchema,
    handler: ({ req, principal }) => webhooks.test(principal.tenant_id, requireParam(req, 'id')),
  });
}
