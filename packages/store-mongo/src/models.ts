import mongoose, { type Connection, type Model, Schema } from 'mongoose';

/** Every document's `_id` is tenant + record id, so ids are unique per tenant, not across them. */
export const docId = (tenantId: string, id: string) => `${tenantId}\u001f${id}`;

// `minimize: false` keeps empty objects (metadata {}) instead of dropping the field.
const options = { versionKey: false, minimize: false, strict: true, id: false } as const;
const { Mixed } = Schema.Types;

const memoryFields = {
  _id: String,
  id: { type: String, required: true },
  tenant_id: { type: String, required: true },
  user_id: { type: String, default: null },
  namespace: { type: String, default: null },
  agent_id: { type: String, default: null },
  session_id: { type: String, default: null },
  content: { type: String, required: true },
  type: { type: String, required: true },
  metadata: { type: Mixed, default: {} },
  tags: { type: [String], default: [] },
  created_at: { type: String, required: true },
  updated_at: { type: String, required: true },
  version: { type: Number, required: true },
  // Absent on documents from before validity existed (read as: began when made, never ended).
  valid_from: { type: String },
  valid_to: { type: String, default: null },
  event_time: { type: String, default: null },
  fingerprint: { type: String },
};

const memorySchema = new Schema(memoryFields, options);
memorySchema.index({ tenant_id: 1, id: -1 });
memorySchema.index({ tenant_id: 1, user_id: 1, id: -1 });
memorySchema.index({ tenant_id: 1, session_id: 1, id: 1 });
memorySchema.index({ tenant_id: 1, fingerprint: 1 });
memorySchema.index({ updated_at: -1 }); // the index check after a restart

const versionSchema = new Schema(
  {
    _id: String,
    tenant_id: String,
    memory_id: String,
    version: Number,
    change: String,
    content: String,
    type: String,
    metadata: { type: Mixed, default: {} },
    tags: [String],
    created_at: String,
    valid_to: { type: String, default: null },
    reason: { type: String, default: null },
  },
  options,
);
versionSchema.index({ tenant_id: 1, memory_id: 1, version: 1 }, { unique: true });

/** A log or record kept whole in `data`, with the fields it is looked up by beside it. */
function recordSchema(fields: Record<string, unknown>, indexes: Record<string, 1 | -1>[]) {
  const schema = new Schema({ _id: String, id: String, tenant_id: String, ...fields, data: Mixed }, options);
  for (const index of indexes) schema.index(index);
  return schema;
}

const querySchema = recordSchema({ user_id: String, created_at: String }, [
  { tenant_id: 1, id: -1 },
  { tenant_id: 1, user_id: 1, id: -1 },
]);
const retrievalSchema = recordSchema(
  { search_id: String, memory_id: String, user_id: String, created_at: String },
  [
    { tenant_id: 1, id: -1 },
    { tenant_id: 1, search_id: 1 },
    { tenant_id: 1, memory_id: 1, id: -1 },
  ],
);
const feedbackSchema = recordSchema({ search_id: String }, [{ tenant_id: 1, search_id: 1, id: 1 }]);
// `items` only on batches written before items moved to batch_items.
const batchSchema = recordSchema({ items: Mixed }, []);
/** A batch's items in pages: a 10,000-item batch stays far below the 16 MB document limit. */
const batchItemsSchema = new Schema({ _id: String, batch: String, page: Number, items: Mixed }, options);
batchItemsSchema.index({ batch: 1, page: 1 });
const subscriptionSchema = recordSchema({}, [{ tenant_id: 1, id: 1 }]);
const deliverySchema = recordSchema({ subscription_id: String }, [
  { tenant_id: 1, subscription_id: 1, id: -1 },
]);

const idempotencySchema = new Schema(
  {
    _id: String,
    tenant_id: String,
    key: String,
    request_hash: String,
    status: { type: Number, default: null },
    body: { type: Mixed, default: null },
    expires_at: Number,
    locked_until: Number,
  },
  options,
);
idempotencySchema.index({ expires_at: 1 });

const jobSchema = new Schema(
  {
    _id: String,
    kind: String,
    tenant_id: String,
    payload: Mixed,
    status: String,
    attempts: Number,
    run_at: Number,
    lease_until: { type: Number, default: null },
    last_error: { type: String, default: null },
    created_at: String,
  },
  options,
);
jobSchema.index({ status: 1, kind: 1, run_at: 1 });
jobSchema.index({ status: 1, lease_until: 1 });

/** One posting per (memory, term): BM25 is computed from these at query time. */
const postingSchema = new Schema(
  {
    _id: String,
    tenant_id: String,
    memory_id: String,
    user_id: { type: String, default: null },
    term: String,
    tf: Number,
    length: Number,
  },
  options,
);
postingSchema.index({ tenant_id: 1, term: 1, user_id: 1 });
postingSchema.index({ tenant_id: 1, memory_id: 1 });

/** One row per indexed memory: its length and filterable fields, for BM25 statistics and filters. */
const textDocSchema = new Schema(
  {
    _id: String,
    tenant_id: String,
    memory_id: String,
    user_id: { type: String, default: null },
    namespace: { type: String, default: null },
    agent_id: { type: String, default: null },
    session_id: { type: String, default: null },
    type: String,
    metadata: { type: Mixed, default: {} },
    tags: { type: [String], default: [] },
    created_at: String,
    length: Number,
    /** The terms this memory has postings for, so they can be removed by `_id`. */
    terms: { type: [String], default: [] },
  },
  options,
);
textDocSchema.index({ tenant_id: 1, user_id: 1 });

// biome-ignore lint/suspicious/noExplicitAny: documents are typed at each query, with lean<T>()
export type Collection = Model<any>;

export interface Models {
  memories: Collection;
  versions: Collection;
  queries: Collection;
  retrievals: Collection;
  feedback: Collection;
  batches: Collection;
  batchItems: Collection;
  idempotency: Collection;
  subscriptions: Collection;
  deliveries: Collection;
  jobs: Collection;
  postings: Collection;
  textDocs: Collection;
}

/** Connects and declares every collection with its indexes (created before the first use). */
export async function openMongo(
  url: string,
  dbName?: string,
): Promise<{ connection: Connection; models: Models }> {
  const connection = mongoose.createConnection(url, {
    ...(dbName ? { dbName } : {}),
    autoIndex: false,
    serverSelectionTimeoutMS: 10_000,
  });
  await connection.asPromise();
  const models: Models = {
    memories: connection.model('Memory', memorySchema, 'memories'),
    versions: connection.model('MemoryVersion', versionSchema, 'memory_versions'),
    queries: connection.model('QueryLog', querySchema, 'query_logs'),
    retrievals: connection.model('MemoryRetrievalLog', retrievalSchema, 'retrieval_logs'),
    feedback: connection.model('Feedback', feedbackSchema, 'feedback'),
    batches: connection.model('BatchJob', batchSchema, 'batches'),
    batchItems: connection.model('BatchItems', batchItemsSchema, 'batch_items'),
    idempotency: connection.model('IdempotencyKey', idempotencySchema, 'idempotency_keys'),
    subscriptions: connection.model('WebhookSubscription', subscriptionSchema, 'webhook_subscriptions'),
    deliveries: connection.model('WebhookDelivery', deliverySchema, 'webhook_deliveries'),
    jobs: connection.model('Job', jobSchema, 'jobs'),
    postings: connection.model('TextPosting', postingSchema, 'text_postings'),
    textDocs: connection.model('TextDoc', textDocSchema, 'text_docs'),
  };
  for (const model of Object.values(models)) await model.createIndexes();
  return { connection, models };
}

/** Mongo's duplicate-key error, the signal that an insert-only write has already happened. */
export const isDuplicateKey = (err: unknown): boolean => (err as { code?: number })?.code === 11000;
