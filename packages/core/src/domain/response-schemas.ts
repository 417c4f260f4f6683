import { z } from 'zod';
import { WEBHOOK_EVENTS } from './types';

/**
 * Response schemas: what the API answers, published in /openapi.json as named components so
 * clients (the SDK, generated ones) are typed from the same document. They describe the
 * records in ./types and are checked against real answers by the fuzz suite
 * (schemathesis' response_schema_conformance). Objects stay open (`additionalProperties`
 * allowed): a field added later is not a breaking change for a client.
 */

/** Every component published by name, in the order it was declared. */
export const responseComponents = new Map<string, z.ZodType>();

function component<T extends z.ZodType>(id: string, schema: T): T {
  responseComponents.set(id, schema);
  return schema;
}

const timestamp = z.string().describe('ISO 8601 date-time');
const nullable = (s: z.ZodType) => s.nullable();
/**
 * Any JSON value. Published without recursion: it says the same to a reader, and generators
 * (clients, fuzzers) need none (requests validate with z.json(); this only describes answers).
 */
const json = z.unknown().meta({ description: 'Any JSON value' });

/** One page of a listing: pass `next_cursor` back as `cursor` for the next; null on the last. */
const pageOf = (item: z.ZodType) =>
  z.looseObject({
    data: z.array(item),
    next_cursor: nullable(z.string()).describe('Pass as `cursor` for the next page; null on the last'),
  });

export const MemorySchema = component(
  'Memory',
  z
    .looseObject({
      id: z.string(),
      tenant_id: z.string(),
      user_id: nullable(z.string()),
      namespace: nullable(z.string()),
      agent_id: nullable(z.string()),
      session_id: nullable(z.string()),
      content: z.string(),
      type: z.string(),
      metadata: z.record(z.string(), json),
      tags: z.array(z.string()),
      created_at: timestamp,
      updated_at: timestamp,
      version: z.int().min(1),
      valid_from: timestamp,
      valid_to: nullable(timestamp).describe('Set once superseded or expired; null while current'),
      event_time: nullable(timestamp),
    })
    .meta({
      examples: [
        {
          id: 'mem_01JZ8Q4E5V6N7P8R9S0T1U2V3W',
          tenant_id: 'default',
          user_id: 'alice',
          namespace: null,
          agent_id: null,
          session_id: 'chat-42',
          content: 'Alice prefers window seats on long flights',
          type: 'text',
          metadata: { source: 'chat' },
          tags: ['travel'],
          created_at: '2026-11-27T10:00:00.000Z',
          updated_at: '2026-11-27T10:00:00.000Z',
          version: 1,
          valid_from: '2026-11-27T10:00:00.000Z',
          valid_to: null,
          event_time: null,
        },
      ],
    }),
);

export const AddedMemorySchema = component(
  'AddedMemory',
  MemorySchema.extend({
    deduplicated: z
      .boolean()
      .optional()
      .describe('true (status 200): an identical current memory existed and is returned instead'),
  }),
);

export const ConversationOutcomeSchema = component(
  'ConversationOutcome',
  z.looseObject({
    results: z.array(
      z.looseObject({
        event: z.enum(['ADD', 'UPDATE', 'DELETE', 'NONE']),
        memory: MemorySchema,
        previous: MemorySchema.optional(),
        reason: z.string().optional(),
      }),
    ),
    rejected: z.array(z.looseObject({ decision: json, why: z.string() })).optional(),
  }),
);

export const MemoryPageSchema = component('MemoryPage', pageOf(MemorySchema));

export const MemoryVersionSchema = component(
  'MemoryVersion',
  z.looseObject({
    memory_id: z.string(),
    tenant_id: z.string(),
    version: z.int(),
    change: z.enum(['created', 'updated', 'expired']),
    content: z.string(),
    type: z.string(),
    metadata: z.record(z.string(), json),
    tags: z.array(z.string()),
    created_at: timestamp,
    valid_to: nullable(timestamp).optional(),
    reason: nullable(z.string()).optional(),
  }),
);

export const MemoryHistorySchema = component(
  'MemoryHistory',
  z.looseObject({ data: z.array(MemoryVersionSchema) }),
);

export const DeletedSchema = component(
  'Deleted',
  z.looseObject({ id: z.string(), deleted: z.literal(true) }),
);

export const ForgottenSchema = component(
  'Forgotten',
  z.looseObject({ deleted: z.int().min(0).describe('How many memories were deleted') }),
);

const SignalScoresSchema = component(
  'SignalScores',
  z.looseObject({
    vector: nullable(z.number()),
    text: nullable(z.number()),
    graph: nullable(z.number()),
    context: nullable(z.number()),
    fused: z.number().optional().describe('The fused rank value the results are ordered by'),
  }),
);

export const EntitySchema = component(
  'Entity',
  z.looseObject({
    id: z.string(),
    tenant_id: z.string(),
    user_id: nullable(z.string()),
    name: z.string(),
    kind: z.enum(['person', 'place', 'organization', 'topic']),
    created_at: timestamp,
  }),
);

export const RelationSchema = component(
  'Relation',
  z.looseObject({
    id: z.string(),
    tenant_id: z.string(),
    source_id: z.string(),
    target_id: z.string(),
    type: z.string(),
    metadata: z.record(z.string(), json),
    created_at: timestamp,
  }),
);

export const SearchResponseSchema = component(
  'SearchResponse',
  z.looseObject({
    search_id: z.string().describe('Send with feedback; the key of this search in the logs'),
    results: z.array(
      z.looseObject({
        memory: MemorySchema,
        score: z
          .number()
          .describe(
            'Estimated probability (0..1) that the memory is relevant, calibrated across queries; never higher than the score above it',
          ),
        signals: SignalScoresSchema,
      }),
    ),
    entities: z.array(EntitySchema).optional(),
    relations: z.array(RelationSchema).optional(),
    degraded: z.array(z.string()).optional().describe('Signals left out because their store did not answer'),
  }),
);

export const FeedbackSchema = component(
  'Feedback',
  z.looseObject({
    id: z.string(),
    tenant_id: z.string(),
    search_id: z.string(),
    memory_id: nullable(z.string()),
    signal: z.enum(['positive', 'negative']),
    comment: nullable(z.string()),
    created_at: timestamp,
  }),
);

export const BatchSchema = component(
  'Batch',
  z.looseObject({
    batch_id: z.string(),
    status: z.enum(['queued', 'running', 'completed', 'partial', 'failed', 'cancelled']),
    total: z.int(),
    succeeded: z.int(),
    failed: z.int(),
    cancelled: z.int(),
    pending: z.int(),
    cancel_requested: z.boolean(),
    workflow_id: nullable(z.string()),
    errors: z.array(
      z.looseObject({ index: z.int(), code: z.string(), message: z.string(), field: z.string().optional() }),
    ),
    memory_ids: z
      .array(nullable(z.string()))
      .describe('Per item, assigned at submission (null: invalid item)'),
    created_at: timestamp,
    completed_at: nullable(timestamp),
  }),
);

export const NeighborhoodSchema = component(
  'Neighborhood',
  z.looseObject({ nodes: z.array(z.string()), relations: z.array(RelationSchema) }),
);

export const PathSchema = component(
  'GraphPath',
  z.looseObject({ relations: nullable(z.array(RelationSchema)).describe('null: no path within max_depth') }),
);

export const EntityPageSchema = component('EntityPage', pageOf(EntitySchema.extend({ mentions: z.int() })));

export const FeedbackPageSchema = component('FeedbackPage', pageOf(FeedbackSchema));

export const QueryLogPageSchema = component(
  'QueryLogPage',
  pageOf(
    z.looseObject({
      id: z.string(),
      tenant_id: z.string(),
      user_id: nullable(z.string()),
      query: z.string(),
      filters: json,
      top_k: z.int(),
      result_count: z.int(),
      latency_ms: z.number(),
      created_at: timestamp,
    }),
  ),
);

export const RetrievalLogPageSchema = component(
  'RetrievalLogPage',
  pageOf(
    z.looseObject({
      id: z.string(),
      search_id: z.string(),
      tenant_id: z.string(),
      memory_id: z.string(),
      rank: z.int(),
      score: z.number(),
      signals: SignalScoresSchema,
      created_at: timestamp,
    }),
  ),
);

const webhookFields = {
  id: z.string(),
  tenant_id: z.string(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENTS)),
  description: nullable(z.string()),
  active: z.boolean(),
  created_at: timestamp,
};

export const WebhookSchema = component('Webhook', z.looseObject(webhookFields));

export const CreatedWebhookSchema = component(
  'CreatedWebhook',
  z.looseObject({
    ...webhookFields,
    secret: z.string().describe('Standard Webhooks signing secret (whsec_…); shown only here'),
  }),
);

export const WebhookListSchema = component('WebhookList', z.looseObject({ data: z.array(WebhookSchema) }));

export const DeliverySchema = component(
  'Delivery',
  z.looseObject({
    id: z.string(),
    subscription_id: nullable(z.string()),
    url: z.string(),
    event: z.string(),
    payload: json,
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.int(),
    last_status_code: nullable(z.int()),
    last_error: nullable(z.string()),
    created_at: timestamp,
    updated_at: timestamp,
  }),
);

export const DeliveryPageSchema = component('DeliveryPage', pageOf(DeliverySchema));

const componentHealth = z.looseObject({
  status: z.enum(['operational', 'unavailable']),
  latency_ms: z.number().optional(),
});

export const StatusSchema = component(
  'Status',
  z.looseObject({
    status: z.enum(['operational', 'degraded', 'major_outage']),
    edition: z.string(),
    updated_at: timestamp,
    components: z.record(z.string(), componentHealth),
  }),
);

export const DeadJobPageSchema = component(
  'DeadJobPage',
  pageOf(
    z.looseObject({
      id: z.string(),
      kind: z.string(),
      tenant_id: z.string(),
      payload: json,
      attempts: z.int(),
      last_error: nullable(z.string()),
      created_at: timestamp,
    }),
  ),
);

export const JobRetrySchema = component(
  'JobRetry',
  z.looseObject({ id: z.string(), status: z.literal('retrying') }),
);

export const ReconcileReportSchema = component(
  'ReconcileReport',
  z.looseObject({
    checked: z.int().describe('Memories whose index entries were checked'),
    repaired: z.int().describe('Index entries written again'),
  }),
);
