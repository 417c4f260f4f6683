import type { MemoryFilter } from '../domain/filter';
import type {
  BatchJob,
  ChangeNote,
  Entity,
  EntityKind,
  Feedback,
  Memory,
  MemoryRetrievalLog,
  MemoryVersion,
  Page,
  QueryLog,
  Relation,
  WebhookDelivery,
  WebhookSubscription,
} from '../domain/types';

/**
 * Storage ports. Every method takes the tenant explicitly and must never read or change
 * another tenant's records. The contract suite in `@engram/core/testing` checks each rule
 * stated here against a real implementation.
 */

export interface PageRequest {
  /** Opaque cursor returned as `next_cursor` by the previous page. */
  cursor?: string | null;
  limit: number;
}

/** The source of truth for memories and their history. */
export interface MemoryStore {
  /** Inserts a memory and its version-1 history entry. Throws `conflict` if the id exists. */
  insert(memory: Memory): Promise<void>;
  /**
   * Optional: inserts memories as `insert` does, each kept or refused on its own (for each,
   * fulfilled or rejected with what `insert` would have thrown), in one write (one commit on the
   * embedded store instead of one per memory). Without it, `insert` is called for each.
   */
  insertEach?(memories: Memory[]): Promise<PromiseSettledResult<void>[]>;
  get(tenantId: string, id: string): Promise<Memory | null>;
  /** Returns the memories that exist among `ids`, in any order. */
  getMany(tenantId: string, ids: string[]): Promise<Memory[]>;
  /**
   * Replaces a memory with `memory` (whose `version` is the previous one + 1) and appends a
   * history entry, only if the stored version is still `memory.version - 1`; otherwise throws
   * `version_conflict` and changes nothing.
   */
  update(memory: Memory, note?: ChangeNote): Promise<void>;
  /** Deletes a memory and its history. Returns false when it did not exist. */
  delete(tenantId: string, id: string): Promise<boolean>;
  /** Newest first, by id. */
  list(tenantId: string, filter: MemoryFilter, page: PageRequest): Promise<Page<Memory>>;
  /** Oldest first. */
  history(tenantId: string, id: string): Promise<MemoryVersion[]>;
  /**
   * Up to `window` memories before and after `id` in the same session (by id, i.e. creation
   * order), nearest first; none when the memory has no session.
   */
  sessionNeighbors(tenantId: string, id: string, window: number): Promise<string[]>;
  /** Ids of every memory matching the filter (used to forget a user and to reconcile indexes). */
  listIds(tenantId: string, filter: MemoryFilter): Promise<string[]>;
  count(tenantId: string): Promise<number>;
  /** The UTF-8 bytes of the tenant's memory contents (what a plan's storage is measured in). */
  contentBytes(tenantId: string): Promise<number>;
  /**
   * The `limit` memories created or updated last, newest first, across every tenant: the one
   * cross-tenant read, used only by the index check after a restart (never reachable through
   * the API). The writes a crash can interrupt are the last ones.
   */
  recentlyWritten(limit: number): Promise<{ tenant_id: string; id: string }[]>;
  /**
   * Optional: the current memories (no valid_to) whose `memoryFingerprint` is this, by an index
   * the store keeps. Without it, duplicates are found through the text index.
   */
  findByFingerprint?(tenantId: string, fingerprint: string): Promise<Memory[]>;
}

/** What an index needs about a memory to apply filters without asking the MemoryStore. */
export type IndexedMemory = Pick<
  Memory,
  | 'id'
  | 'tenant_id'
  | 'user_id'
  | 'namespace'
  | 'agent_id'
  | 'session_id'
  | 'type'
  | 'metadata'
  | 'tags'
  | 'created_at'
  | 'content'
>;

export interface ScoredId {
  id: string;
  score: number;
}

export interface EmbeddingModelInfo {
  id: string;
  dimension: number;
}

export interface VectorIndex {
  /**
   * Opens the index for one embedding model. An index built with another model or dimension
   * must refuse with `model_mismatch`, never mix vectors from two models.
   */
  init(model: EmbeddingModelInfo): Promise<void>;
  /** Inserts or replaces. */
  upsert(items: { memory: IndexedMemory; vector: Float32Array }[]): Promise<void>;
  delete(tenantId: string, ids: string[]): Promise<void>;
  /** Nearest first; `score` is cosine similarity (higher is closer). Only ids matching the filter. */
  search(tenantId: string, vector: Float32Array, k: number, filter: MemoryFilter): Promise<ScoredId[]>;
  /** Whether the memory has a vector (used by reconcile). */
  has(tenantId: string, id: string): Promise<boolean>;
}

export interface TextIndex {
  upsert(items: IndexedMemory[]): Promise<void>;
  delete(tenantId: string, ids: string[]): Promise<void>;
  /** Best first; `score` is a relevance score where higher is better (BM25 or equivalent). */
  search(tenantId: string, query: string, k: number, filter: MemoryFilter): Promise<ScoredId[]>;
}

export interface NewRelation {
  source_id: string;
  target_id: string;
  type: string;
  metadata?: Relation['metadata'];
}

export interface GraphNeighborhood {
  nodes: string[];
  relations: Relation[];
}

/** One memory's entities, as extraction found them, for `GraphStore.writeMentions`. */
export interface MentionWrite {
  memory_id: string;
  /** Whose entities they are: entities are per user (null: shared by the tenant). */
  user_id: string | null;
  entities: { name: string; kind: EntityKind }[];
}

export interface GraphStore {
  /**
   * For each memory, finds or creates its entities by (user, case-insensitive name) and
   * replaces its MENTIONS edges with edges to them; writing the same again changes nothing.
   * One call for a whole batch of memories: one commit on the embedded store, one round trip
   * on a networked one. All or nothing: a failure writes none of them.
   */
  writeMentions(tenantId: string, memories: MentionWrite[]): Promise<void>;
  /** Entities of this user (null: any user) whose name matches one of `names`, case-insensitively. */
  findEntities(tenantId: string, userId: string | null, names: string[]): Promise<Entity[]>;
  addRelation(tenantId: string, relation: NewRelation): Promise<Relation>;
  /** Deletes a user's entities and their edges (right to be forgotten: names are personal data). */
  forgetUser(tenantId: string, userId: string): Promise<void>;
  /** Removes a node's edges (both directions); entities left with no mentions stay. */
  removeNode(tenantId: string, nodeId: string): Promise<void>;
  entitiesOf(tenantId: string, memoryIds: string[]): Promise<Map<string, Entity[]>>;
  /**
   * For each set of entities, the memories mentioning any of them, best first (up to `limit`).
   * Score: the sum over shared entities of 1 / (memories mentioning that entity), so rare
   * entities weigh more than ubiquitous ones. One call for every set a search expands from: an
   * entity in several sets (a speaker's name) is read once, and a networked store answers in
   * one round trip. `rankEachByRareEntities` computes the answer from the MENTIONS edges.
   */
  memoriesMentioningEach(tenantId: string, entitySets: string[][], limit: number): Promise<ScoredId[][]>;
  /** Nodes within `depth` hops of `nodeId` (either direction) and the edges between them. */
  neighbors(tenantId: string, nodeId: string, depth: number, limit: number): Promise<GraphNeighborhood>;
  /** The shortest path from one node to another as a list of relations, or null. */
  path(tenantId: string, fromId: string, toId: string, maxDepth: number): Promise<Relation[] | null>;
  listEntities(
    tenantId: string,
    filter: { user_id?: string; kind?: EntityKind },
    page: PageRequest,
  ): Promise<Page<Entity & { mentions: number }>>;
  getEntity(tenantId: string, id: string): Promise<Entity | null>;
}

export interface QueryLogFilter {
  user_id?: string;
  since?: string;
  until?: string;
  search_id?: string;
}

export interface LogStore {
  /** Appends query logs and their retrieval logs; ids are unique, a repeated id is ignored. */
  append(queries: QueryLog[], retrievals: MemoryRetrievalLog[]): Promise<void>;
  getQuery(tenantId: string, searchId: string): Promise<QueryLog | null>;
  /** Newest first. */
  listQueries(tenantId: string, filter: QueryLogFilter, page: PageRequest): Promise<Page<QueryLog>>;
  /** Newest first. */
  listRetrievals(
    tenantId: string,
    filter: QueryLogFilter & { memory_id?: string },
    page: PageRequest,
  ): Promise<Page<MemoryRetrievalLog>>;
  addFeedback(feedback: Feedback): Promise<void>;
  listFeedback(tenantId: string, searchId: string): Promise<Feedback[]>;
}

/**
 * Items of a batch are written in pages of this many, each starting at a multiple of it, so a
 * batch streamed in as it arrives and one written whole are stored the same way.
 */
export const BATCH_ITEMS_PAGE = 250;

/** Splits items that begin at `start` (a multiple of BATCH_ITEMS_PAGE) into aligned pages. */
export function itemPages(start: number, items: unknown[]): { start: number; items: unknown[] }[] {
  const pages = [];
  for (let i = 0; i < items.length; i += BATCH_ITEMS_PAGE) {
    pages.push({ start: start + i, items: items.slice(i, i + BATCH_ITEMS_PAGE) });
  }
  return pages;
}

/** The items of `range` out of pages read in order (each page's start, then its items). */
export function sliceOfPages(
  pages: { start: number; items: unknown[] }[],
  range?: { start: number; end: number },
): unknown[] {
  const all = pages.flatMap((p) => p.items);
  if (!range) return all;
  const offset = pages[0]?.start ?? 0;
  return all.slice(Math.max(range.start - offset, 0), Math.max(range.end - offset, 0));
}

export interface BatchStore {
  /** Stores one page of a batch's items (before the batch record exists); writing it again replaces it. */
  putItems(tenantId: string, batchId: string, start: number, items: unknown[]): Promise<void>;
  /** Stores the batch record, with `items` when they were not put page by page before. */
  create(batch: BatchJob, items?: unknown[]): Promise<void>;
  get(tenantId: string, id: string): Promise<BatchJob | null>;
  /** The batch's items, or those from `start` up to (not including) `end`. */
  items(tenantId: string, id: string, range?: { start: number; end: number }): Promise<unknown[]>;
  save(batch: BatchJob): Promise<void>;
  /** Removes a batch that was never dispatched (its processor could not take it). */
  remove(tenantId: string, id: string): Promise<void>;
}

/** A request made with an Idempotency-Key, and its answer once there is one. */
export interface IdempotencyRecord {
  tenant_id: string;
  key: string;
  /** Hash of the method, path and body: the same key with another request is refused. */
  request_hash: string;
  /** Null while the first request runs. */
  status: number | null;
  body: unknown;
  /** Epoch ms: the record is forgotten after this. */
  expires_at: number;
  /** Epoch ms: a claim whose request never answered (a crash) can be taken again after this. */
  locked_until: number;
}

export interface IdempotencyStore {
  /**
   * Takes the key for a request, unless a live record holds it: then that record is returned
   * (an answer to replay, or a claim still running). Expired records and stale claims are replaced.
   */
  claim(record: IdempotencyRecord, now: number): Promise<IdempotencyRecord | null>;
  /** Stores the answer of a claimed key. */
  complete(tenantId: string, key: string, status: number, body: unknown): Promise<void>;
  /** Gives a claimed key up (the request failed in a way worth retrying). */
  release(tenantId: string, key: string): Promise<void>;
}

export interface WebhookStore {
  createSubscription(sub: WebhookSubscription): Promise<void>;
  getSubscription(tenantId: string, id: string): Promise<WebhookSubscription | null>;
  listSubscriptions(tenantId: string): Promise<WebhookSubscription[]>;
  deleteSubscription(tenantId: string, id: string): Promise<boolean>;
  /** Adds a delivery; an existing id is left as it is (queuing the same event twice is a no-op). */
  createDelivery(delivery: WebhookDelivery): Promise<void>;
  getDelivery(tenantId: string, id: string): Promise<WebhookDelivery | null>;
  updateDelivery(delivery: WebhookDelivery): Promise<void>;
  listDeliveries(tenantId: string, subscriptionId: string, page: PageRequest): Promise<Page<WebhookDelivery>>;
}

export type JobStatus = 'pending' | 'running' | 'done' | 'dead';

export interface JobRecord {
  id: string;
  kind: string;
  tenant_id: string;
  payload: unknown;
  status: JobStatus;
  attempts: number;
  run_at: number; // epoch ms
  last_error: string | null;
  created_at: string;
}

/** Durable storage behind the in-process job queue (the outbox). */
export interface JobStore {
  /** Adds a job; returns false and changes nothing if a job with this id exists. */
  put(job: JobRecord): Promise<boolean>;
  /**
   * Atomically marks up to `limit` due jobs of these kinds as running with a lease until
   * `now + leaseMs`, adds one to their `attempts`, and returns them. Running jobs whose lease ran out are due again
   * (their process died), so a job runs at least once.
   */
  claim(kinds: string[], now: number, leaseMs: number, limit: number): Promise<JobRecord[]>;
  /** Extends a running job's lease (its worker is alive and still on it). */
  extend(id: string, leaseUntil: number): Promise<void>;
  complete(id: string): Promise<void>;
  /** Records a failed attempt's error: pending again at `retryAt`, or `dead` when retryAt is null. */
  fail(id: string, error: string, retryAt: number | null): Promise<void>;
  get(id: string): Promise<JobRecord | null>;
  /** The tenant's dead jobs (ran out of attempts), newest first by id. */
  listDead(tenantId: string, page: PageRequest): Promise<Page<JobRecord>>;
  /** Makes one of the tenant's dead jobs pending again at `runAt` with its attempts reset; false if none. */
  revive(tenantId: string, id: string, runAt: number): Promise<boolean>;
  /**
   * `due`: pending and runnable at `now`; `scheduled`: pending for later (retries);
   * `oldest_due_at`: when the longest-waiting due pending job became runnable (epoch ms), or null.
   */
  counts(now: number): Promise<JobCounts>;
}

/** How many jobs are in each state, and how long the longest-waiting due one has waited. */
export interface JobCounts {
  due: number;
  scheduled: number;
  running: number;
  done: number;
  dead: number;
  oldest_due_at: number | null;
}
