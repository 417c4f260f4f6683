import { z } from 'zod';
import { WEBHOOK_EVENTS } from './types';

/**
 * Request schemas: the single definition used to validate input (HTTP and programmatic)
 * and to generate /openapi.json.
 */

const scopeId = (what: string) =>
  z
    .string()
    .min(1)
    .max(256)
    .refine((s) => !/\p{Cc}/u.test(s), 'must not contain control characters')
    .describe(what);

/**
 * No dots, no leading `$`, no quotes, backslashes or control characters: every backend (SQL
 * JSON paths, Mongo field paths) can filter on the key exactly as written.
 */
const metadataKey = z
  .string()
  .min(1)
  .max(128)
  .refine(
    (k) => !k.includes('.') && !k.startsWith('$'),
    'metadata keys may not contain "." or start with "$"',
  )
  .refine(
    (k) => !/[\p{Cc}"'\\]/u.test(k),
    'metadata keys may not contain quotes, backslashes or control characters',
  );

export const metadataSchema = z
  .record(metadataKey, z.json())
  .refine((m) => Object.keys(m).length <= 64, 'at most 64 keys')
  .describe('Free-form JSON metadata; filterable by key');

export const relationInputSchema = z
  .object({
    to: z.string().min(1).describe('Id of a memory or entity in the same tenant'),
    type: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'letters, digits and _ only')
      .describe('Relation type, e.g. FOLLOWS'),
  })
  .strict();

const isoDate = z.iso.datetime({ offset: true });
const memoryIds = (what: string) => z.array(z.string().min(1).max(128)).min(1).max(32).describe(what);

export const memoryInputSchema = z
  .object({
    content: z.string().trim().min(1, 'must not be empty').describe('What to remember'),
    user_id: scopeId('The end user this memory belongs to').optional(),
    namespace: scopeId('Grouping within the tenant').optional(),
    agent_id: scopeId('Agent that wrote it').optional(),
    session_id: scopeId('Conversation or session').optional(),
    type: z.string().min(1).max(64).optional().describe('Kind of memory, default `text`'),
    metadata: metadataSchema.optional(),
    tags: z.array(z.string().min(1).max(64)).max(32).optional(),
    relations: z.array(relationInputSchema).max(32).optional(),
    valid_from: isoDate.optional().describe('From when it holds (default: when it is added)'),
    event_time: isoDate.optional().describe('When what it describes happened'),
    supersedes: memoryIds(
      'Memories this one replaces: they get valid_to and stay in history, out of default search',
    ).optional(),
    dedupe: z
      .boolean()
      .optional()
      .describe('false: store it even when an identical current memory exists (default: memory.dedupe)'),
  })
  .strict();
export type MemoryInput = z.infer<typeof memoryInputSchema>;

const messageSchema = z
  .object({
    role: z.enum(['user', 'assistant', 'system']),
    content: z.string().trim().min(1, 'must not be empty'),
    name: z.string().max(128).optional(),
  })
  .strict();
export type ConversationMessage = z.infer<typeof messageSchema>;

/**
 * POST /v1/memory: one memory (`content`), or a conversation (`messages`, mem0's shape): stored
 * one memory per message, or with `infer` turned into facts by the configured LLM.
 */
export const addRequestSchema = memoryInputSchema
  .extend({
    content: memoryInputSchema.shape.content.optional(),
    messages: z.array(messageSchema).min(1).max(100).optional().describe('A conversation: [{role, content}]'),
    infer: z
      .boolean()
      .optional()
      .describe('Extract facts from the messages with the LLM and add, update or expire memories'),
  })
  .strict()
  .superRefine((r, ctx) => {
    if ((r.content === undefined) === (r.messages === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['content'], message: 'give either content or messages' });
    }
    if (r.infer && !r.messages) {
      ctx.addIssue({ code: 'custom', path: ['infer'], message: 'infer needs messages' });
    }
  })
  .meta({
    examples: [
      { content: 'Alice prefers window seats on long flights', user_id: 'alice', tags: ['travel'] },
      {
        messages: [
          { role: 'user', content: 'I moved to Lisbon last month' },
          { role: 'assistant', content: 'Nice! How do you like it?' },
        ],
        user_id: 'alice',
      },
    ],
  });
export type AddRequest = z.infer<typeof addRequestSchema>;

export const memoryUpdateSchema = z
  .object({
    content: z.string().trim().min(1, 'must not be empty').optional(),
    type: z.string().min(1).max(64).optional(),
    metadata: metadataSchema.optional(),
    tags: z.array(z.string().min(1).max(64)).max(32).optional(),
    valid_to: isoDate
      .nullable()
      .optional()
      .describe('Ends the memory (expired: out of default search, kept in history); null reopens it'),
    event_time: isoDate.nullable().optional(),
    supersedes: memoryIds('Memories this one replaces: they get valid_to').optional(),
    expected_version: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('Refuse with 409 unless this is the current version'),
  })
  .strict()
  .refine(
    (u) =>
      u.content !== undefined ||
      u.metadata !== undefined ||
      u.tags !== undefined ||
      u.type !== undefined ||
      u.valid_to !== undefined ||
      u.event_time !== undefined ||
      u.supersedes !== undefined,
    {
      message: 'give at least one of content, metadata, tags, type, valid_to, event_time, supersedes',
    },
  );
export type MemoryUpdate = z.infer<typeof memoryUpdateSchema>;

const metadataCondition = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z
    .object({
      in: z
        .array(z.union([z.string(), z.number(), z.boolean(), z.null()]), {
          error: 'in takes a list of strings, numbers, booleans or null',
        })
        .min(1)
        .max(100),
    })
    .strict(),
  z
    .object({
      gt: z.union([z.number(), z.string()]).optional(),
      gte: z.union([z.number(), z.string()]).optional(),
      lt: z.union([z.number(), z.string()]).optional(),
      lte: z.union([z.number(), z.string()]).optional(),
    })
    .strict(),
]);

export const filterSchema = z
  .object({
    user_id: scopeId('Only this user').optional(),
    namespace: scopeId('Only this namespace').optional(),
    agent_id: scopeId('Only this agent').optional(),
    session_id: scopeId('Only this session').optional(),
    type: z.string().optional(),
    tags: z.array(z.string()).max(32).optional(),
    metadata: z.record(metadataKey, metadataCondition).optional(),
    created_after: isoDate.optional(),
    created_before: isoDate.optional(),
    valid_at: isoDate.optional().describe('Only memories valid at this instant'),
  })
  .strict();

export const searchRequestSchema = z
  .object({
    query: z.string().trim().min(1, 'must not be empty').max(4000),
    user_id: scopeId('Only this user').optional(),
    namespace: scopeId('Only this namespace').optional(),
    filters: filterSchema.optional(),
    top_k: z
      .number()
      .int()
      .min(1)
      .max(100)
      .optional()
      .describe('Results to return (at most search.max_top_k)'),
    limit: z
      .number()
      .int()
      .min(1)
      .max(100)
      .optional()
      .describe('The same as top_k, named as in list requests'),
    include_graph: z.boolean().optional(),
    min_score: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe('Leave out results whose score (the estimated probability of relevance, 0..1) is below this'),
    as_of: isoDate.optional().describe('Search the memories as they were at this instant'),
    include_expired: z
      .boolean()
      .optional()
      .describe('Also return superseded and expired memories (default: current ones only)'),
  })
  .strict()
  .meta({ examples: [{ query: 'where does Alice like to sit?', user_id: 'alice', limit: 5 }] });
export type SearchRequest = z.infer<typeof searchRequestSchema>;

export const batchRequestSchema = z
  .object({
    memories: z.array(z.unknown()).min(1, 'must hold at least one memory'),
    webhook_url: z.url({ protocol: /^https?$/ }).optional(),
    webhook_secret: z
      .string()
      .regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'must be a whsec_ secret')
      .optional(),
  })
  .strict();

export const relationRequestSchema = z
  .object({
    source_id: z.string().min(1),
    target_id: z.string().min(1),
    type: relationInputSchema.shape.type,
    metadata: metadataSchema.optional(),
  })
  .strict();

export const feedbackSchema = z
  .object({
    search_id: z.string().min(1),
    memory_id: z.string().min(1).optional(),
    signal: z.enum(['positive', 'negative']),
    comment: z.string().max(2000).optional(),
  })
  .strict();

export const webhookCreateSchema = z
  .object({
    url: z.url({ protocol: /^https?$/ }).describe('Where deliveries are POSTed'),
    events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).describe('Events to receive'),
    description: z.string().max(500).optional(),
  })
  .strict();
