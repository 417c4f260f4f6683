/**
 * Engram's domain records. Field names are snake_case because they are the wire format
 * (clients of Papr's and mem0's APIs use the same spelling).
 */

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type Metadata = Record<string, Json>;

/** Every record belongs to one tenant; the OSS edition has a single default tenant. */
export const DEFAULT_TENANT = 'default';
/**
 * A tenant no one has: health probes ask the stores about it, so a probe reads nothing real,
 * touches no customer's data and costs the same at any size (counting the default tenant's
 * memories on every readiness probe read a million index entries at 1,000,000 memories).
 */
export const PROBE_TENANT = '__status_probe__';

export interface Memory {
  id: string;
  tenant_id: string;
  user_id: string | null;
  namespace: string | null;
  agent_id: string | null;
  session_id: string | null;
  content: string;
  type: string;
  metadata: Metadata;
  tags: string[];
  created_at: string;
  updated_at: string;
  version: number;
  /** From when the memory holds (default: when it was added). */
  valid_from: string;
  /** Until when it held: set when it is superseded or expired; null while current. */
  valid_to: string | null;
  /** When what it describes happened, as the caller said (null: not given). */
  event_time: string | null;
}

/** A memory is current at `at` when it began by then and had not ended. */
export const isCurrent = (m: Pick<Memory, 'valid_from' | 'valid_to'>, at: string): boolean =>
  m.valid_from <= at && (m.valid_to === null || m.valid_to > at);

export type MemoryChange = 'created' | 'updated' | 'expired';

/** Why a version was written, kept in history (the LLM's reason, "superseded by mem_…"). */
export interface ChangeNote {
  change: MemoryChange;
  reason?: string | null;
}

/** One entry of a memory's history: the memory as it was after that version was written. */
export interface MemoryVersion {
  memory_id: string;
  tenant_id: string;
  version: number;
  change: MemoryChange;
  content: string;
  type: string;
  metadata: Metadata;
  tags: string[];
  created_at: string;
  /** Set on the version that ended the memory. */
  valid_to?: string | null;
  reason?: string | null;
}

/** The history entry a write of `memory` adds (`note`: why, when it is not a plain update). */
export function versionOf(memory: Memory, note: ChangeNote): MemoryVersion {
  return {
    memory_id: memory.id,
    tenant_id: memory.tenant_id,
    version: memory.version,
    change: note.change,
    content: memory.content,
    type: memory.type,
    metadata: structuredClone(memory.metadata),
    tags: [...memory.tags],
    created_at: memory.updated_at,
    valid_to: memory.valid_to,
    reason: note.reason ?? null,
  };
}

export type EntityKind = 'person' | 'place' | 'organization' | 'topic';

export interface Entity {
  id: string;
  tenant_id: string;
  user_id: string | null;
  name: string;
  kind: EntityKind;
  created_at: string;
}

/** An edge of the graph. Memories and entities are both nodes; ids tell them apart by prefix. */
export interface Relation {
  id: string;
  tenant_id: string;
  source_id: string;
  target_id: string;
  type: string;
  metadata: Metadata;
  created_at: string;
}

export interface SignalScores {
  vector: number | null;
  text: number | null;
  graph: number | null;
  /** How many of the best hits this memory sits next to in its session. */
  context: number | null;
  /** The fused rank value the ranking is ordered by (weighted reciprocal rank fusion). */
  fused?: number;
}

export interface QueryLog {
  id: string; // the search_id
  tenant_id: string;
  user_id: string | null;
  query: string;
  filters: Json;
  top_k: number;
  result_count: number;
  latency_ms: number;
  created_at: string;
}

export interface MemoryRetrievalLog {
  id: string;
  search_id: string;
  tenant_id: string;
  memory_id: string;
  rank: number;
  score: number;
  signals: SignalScores;
  created_at: string;
}

export interface Feedback {
  id: string;
  tenant_id: string;
  search_id: string;
  memory_id: string | null;
  signal: 'positive' | 'negative';
  comment: string | null;
  created_at: string;
}

export type BatchStatus = 'queued' | 'running' | 'completed' | 'partial' | 'failed' | 'cancelled';

export interface BatchItemError {
  index: number;
  code: string;
  message: string;
  field?: string;
}

export interface BatchJob {
  id: string;
  tenant_id: string;
  status: BatchStatus;
  total: number;
  succeeded: number;
  failed: number;
  errors: BatchItemError[];
  /** Pre-assigned per item at submission (null for an invalid item), so a retried item is never added twice. */
  memory_ids: (string | null)[];
  /**
   * How many items are done. The queue processor runs items in order, so for it this is also
   * the index of the next item; a workflow runs chunks side by side and keeps its own record.
   */
  cursor: number;
  /** Items not added because the batch was cancelled first (absent on batches made before cancelling existed). */
  cancelled?: number;
  /** Set by DELETE /v1/batch/{id}: the processor stops before its next chunk. */
  cancel_requested?: boolean;
  /** The workflow that runs the batch, when a workflow engine (Temporal) runs it. */
  workflow_id?: string | null;
  webhook_url: string | null;
  webhook_secret: string | null;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
}

export const WEBHOOK_EVENTS = [
  'memory.created',
  'memory.updated',
  'memory.deleted',
  'memory.forgotten',
  'batch.completed',
  'webhook.test',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface WebhookSubscription {
  id: string;
  tenant_id: string;
  url: string;
  events: WebhookEvent[];
  /** Standard Webhooks signing secret (`whsec_…`); returned to the client only when created. */
  secret: string;
  description: string | null;
  active: boolean;
  created_at: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDelivery {
  id: string;
  tenant_id: string;
  subscription_id: string | null;
  url: string;
  event: string;
  payload: Json;
  status: DeliveryStatus;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}
