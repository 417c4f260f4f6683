import type { JobQueue } from '../jobs/job-queue';
import type { ChatModel, Embedder, EntityExtractor, Reranker } from './ai';
import type {
  Authenticator,
  Authorizer,
  BatchProcessor,
  Entitlements,
  RateLimiter,
  TelemetrySink,
  UsageMeter,
} from './edition';
import type {
  BatchStore,
  GraphStore,
  IdempotencyStore,
  JobStore,
  LogStore,
  MemoryStore,
  TextIndex,
  VectorIndex,
  WebhookStore,
} from './storage';

export type * from './ai';
export * from './edition';
export type * from './storage';
export { BATCH_ITEMS_PAGE, itemPages, sliceOfPages } from './storage';

/** Every replaceable part of Engram. A plugin fills one with `ctx.provide(name, impl)`. */
export interface Ports {
  memoryStore: MemoryStore;
  vectorIndex: VectorIndex;
  textIndex: TextIndex;
  graphStore: GraphStore;
  logStore: LogStore;
  batchStore: BatchStore;
  webhookStore: WebhookStore;
  /** Answers of requests sent with an Idempotency-Key (default: kept in this process only). */
  idempotencyStore: IdempotencyStore;
  /** Backs the default durable queue; not needed when a plugin provides `jobQueue` itself. */
  jobStore: JobStore;
  jobQueue: JobQueue;
  embedder: Embedder;
  entityExtractor: EntityExtractor;
  /** Optional: without one, search returns the fused ranking. */
  reranker: Reranker | null;
  /** Optional: an LLM for `infer` (facts from conversations); without one, `infer` is refused (422). */
  chatModel: ChatModel | null;
  authenticator: Authenticator;
  authorizer: Authorizer;
  rateLimiter: RateLimiter;
  usageMeter: UsageMeter;
  entitlements: Entitlements;
  telemetry: TelemetrySink;
  batchProcessor: BatchProcessor;
}
