import { randomUUID } from 'node:crypto';
import { EngramApiError, EngramConnectionError, type Problem } from './errors';
import type { components, paths } from './schema';

type Schemas = components['schemas'];
export type Memory = Schemas['Memory'];
export type AddedMemory = Schemas['AddedMemory'];
export type AddMemoryRequest = Schemas['AddMemoryRequest'];
export type UpdateMemoryRequest = Schemas['UpdateMemoryRequest'];
export type SearchRequest = Schemas['SearchRequest'];
export type SearchResponse = Schemas['SearchResponse'];
export type ConversationOutcome = Schemas['ConversationOutcome'];
export type MemoryVersion = Schemas['MemoryVersion'];
export type FeedbackRequest = Schemas['FeedbackRequest'];
export type Feedback = Schemas['Feedback'];
export type Batch = Schemas['Batch'];
export type BatchRequest = Schemas['BatchRequest'];
export type Relation = Schemas['Relation'];
export type RelationRequest = Schemas['RelationRequest'];
export type Neighborhood = Schemas['Neighborhood'];
export type WebhookRequest = Schemas['WebhookRequest'];
export type Webhook = Schemas['Webhook'];
export type CreatedWebhook = Schemas['CreatedWebhook'];
export type Status = Schemas['Status'];
export type QueryLog = Schemas['QueryLogPage']['data'][number];
export type RetrievalLog = Schemas['RetrievalLogPage']['data'][number];
export type Entity = Schemas['EntityPage']['data'][number];

type QueryOf<P extends keyof paths, M extends 'get' | 'delete'> = paths[P][M] extends {
  parameters: { query?: infer Q };
}
  ? NonNullable<Q>
  : never;
export type ListMemoriesQuery = Omit<QueryOf<'/v1/memory', 'get'>, 'cursor'>;
export type QueryLogQuery = Omit<QueryOf<'/v1/logs/queries', 'get'>, 'cursor'>;
export type RetrievalLogQuery = Omit<QueryOf<'/v1/logs/retrievals', 'get'>, 'cursor'>;

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export interface EngramClientOptions {
  /** The server, e.g. http://localhost:8080 (default: ENGRAM_URL, then http://localhost:8080). */
  url?: string;
  /** An API key (default: ENGRAM_API_KEY). */
  apiKey?: string;
  /** Retries of a request answered 429, 5xx or not at all (default 3). */
  maxRetries?: number;
  /** Per attempt (default 30 s). */
  timeoutMs?: number;
  /** First backoff; doubles per retry, with jitter, up to 8 s (default 250 ms). */
  backoffMs?: number;
  fetch?: typeof fetch;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined | null>;
  body?: unknown;
  /**
   * Sent on every POST; one is made up when not given, so a retried write is applied once.
   * `false`: none (a search, which changes nothing, need not be remembered by the server).
   */
  idempotencyKey?: string | false;
  signal?: AbortSignal;
}

const RETRIED_STATUSES = new Set([429, 500, 502, 503, 504]);
const MAX_BACKOFF_MS = 8000;

/** Seconds from a Retry-After header (delta seconds or an HTTP date). */
function retryAfterSeconds(value: string | null): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value)) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, (date - Date.now()) / 1000);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Engram's API, typed from its OpenAPI document (src/schema.d.ts is generated from it).
 * Writes carry an Idempotency-Key, so retries after a lost answer never add twice.
 */
export class EngramClient {
  readonly url: string;
  private readonly apiKey: string | undefined;
  private readonly maxRetries: number;
  private readonly timeoutMs: number;
  private readonly backoffMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: EngramClientOptions = {}) {
    this.url = (options.url || process.env.ENGRAM_URL || 'http://localhost:8080').replace(/\/+$/, '');
    this.apiKey = options.apiKey || process.env.ENGRAM_API_KEY || undefined;
    this.maxRetries = options.maxRetries ?? 3;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.backoffMs = options.backoffMs ?? 250;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** Any route: the typed methods below are built on it. */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const url = new URL(`${this.url}${path}`);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined && value !== null) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.apiKey) headers.Authorization = `Bearer ${this.apiKey}`;
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    if (method === 'POST' && options.idempotencyKey !== false) {
      headers['Idempotency-Key'] = options.idempotencyKey ?? randomUUID();
    }
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= this.maxRetries;
      let response: Response;
      try {
        const signal = options.signal
          ? AbortSignal.any([options.signal, AbortSignal.timeout(this.timeoutMs)])
          : AbortSignal.timeout(this.timeoutMs);
        response = await this.fetchImpl(url, { method, headers, body, signal });
      } catch (err) {
        if (options.signal?.aborted) throw err;
        if (last)
          throw new EngramConnectionError(`${method} ${url.pathname}: ${(err as Error).message}`, {
            cause: err,
          });
        await sleep(this.backoff(attempt, null));
        continue;
      }
      if (response.ok) {
        const text = await response.text();
        return (text ? JSON.parse(text) : undefined) as T;
      }
      const retryAfter = retryAfterSeconds(response.headers.get('retry-after'));
      // A 409 with Retry-After: the first request with this Idempotency-Key is still running.
      const retriable =
        RETRIED_STATUSES.has(response.status) || (response.status === 409 && retryAfter !== null);
      if (retriable && !last) {
        await response.body?.cancel();
        await sleep(this.backoff(attempt, retryAfter));
        continue;
      }
      const problem = (await response.json().catch(() => ({}))) as Partial<Problem>;
      throw new EngramApiError(response.status, problem, response.headers.get('x-request-id'), retryAfter);
    }
  }

  private backoff(attempt: number, retryAfter: number | null): number {
    if (retryAfter !== null) return retryAfter * 1000;
    const ceiling = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2 ** attempt);
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  /** Every item of a paged route, page after page. */
  async *paginate<T>(path: string, query: RequestOptions['query'] = {}): AsyncGenerator<T> {
    let cursor: string | null = null;
    do {
      const page: Page<T> = await this.request<Page<T>>('GET', path, { query: { ...query, cursor } });
      yield* page.data;
      cursor = page.next_cursor;
    } while (cursor);
  }

  // Memories

  /** One memory (`content`), or a conversation (`messages`). `deduplicated`: it existed already. */
  add(memory: AddMemoryRequest & { content: string }, options?: RequestOptions): Promise<AddedMemory>;
  add(
    conversation: AddMemoryRequest & { messages: unknown[] },
    options?: RequestOptions,
  ): Promise<ConversationOutcome>;
  add(input: AddMemoryRequest, options: RequestOptions = {}): Promise<AddedMemory | ConversationOutcome> {
    return this.request('POST', '/v1/memory', { ...options, body: input });
  }

  get(id: string): Promise<Memory> {
    return this.request('GET', `/v1/memory/${encodeURIComponent(id)}`);
  }

  update(id: string, change: UpdateMemoryRequest): Promise<Memory> {
    return this.request('PUT', `/v1/memory/${encodeURIComponent(id)}`, { body: change });
  }

  delete(id: string): Promise<{ id: string; deleted: true }> {
    return this.request('DELETE', `/v1/memory/${encodeURIComponent(id)}`);
  }

  /** One page, newest first; pass `next_cursor` back as `cursor`. */
  list(query: ListMemoriesQuery & { cursor?: string | null } = {}): Promise<Page<Memory>> {
    return this.request('GET', '/v1/memory', { query });
  }

  /** Every memory matching the query, across pages. */
  listAll(query: ListMemoriesQuery = {}): AsyncGenerator<Memory> {
    return this.paginate<Memory>('/v1/memory', query);
  }

  async history(id: string): Promise<MemoryVersion[]> {
    return (
      await this.request<{ data: MemoryVersion[] }>('GET', `/v1/memory/${encodeURIComponent(id)}/history`)
    ).data;
  }

  /** Deletes every memory of one user. */
  forgetUser(userId: string): Promise<{ deleted: number }> {
    return this.request('DELETE', '/v1/memory', { query: { user_id: userId } });
  }

  search(request: SearchRequest): Promise<SearchResponse> {
    return this.request('POST', '/v1/memory/search', { body: request, idempotencyKey: false });
  }

  feedback(feedback: FeedbackRequest): Promise<Feedback> {
    return this.request('POST', '/v1/feedback', { body: feedback });
  }

  // Batches

  submitBatch(batch: BatchRequest, options: RequestOptions = {}): Promise<Batch> {
    return this.request('POST', '/v1/memory/batch', { ...options, body: batch });
  }

  getBatch(id: string): Promise<Batch> {
    return this.request('GET', `/v1/batch/${encodeURIComponent(id)}`);
  }

  cancelBatch(id: string): Promise<Batch> {
    return this.request('DELETE', `/v1/batch/${encodeURIComponent(id)}`);
  }

  /** Polls a batch until it has finished (completed, partial, failed or cancelled). */
  async waitForBatch(id: string, { intervalMs = 100, timeoutMs = 600_000 } = {}): Promise<Batch> {
    const deadline = Date.now() + timeoutMs;
    for (let wait = intervalMs; ; wait = Math.min(wait * 2, 2000)) {
      const batch = await this.getBatch(id);
      if (batch.status !== 'queued' && batch.status !== 'running') return batch;
      if (Date.now() > deadline)
        throw new EngramConnectionError(`batch ${id} still ${batch.status} after ${timeoutMs} ms`);
      await sleep(wait);
    }
  }

  // Graph

  relate(relation: RelationRequest): Promise<Relation> {
    return this.request('POST', '/v1/relations', { body: relation });
  }

  neighbors(id: string, { depth, limit }: { depth?: number; limit?: number } = {}): Promise<Neighborhood> {
    return this.request('GET', '/v1/graph/neighbors', { query: { id, depth, limit } });
  }

  entities(query: { user_id?: string; kind?: Entity['kind']; limit?: number } = {}): AsyncGenerator<Entity> {
    return this.paginate<Entity>('/v1/graph/entities', query);
  }

  // Logs

  queryLogs(query: QueryLogQuery = {}): AsyncGenerator<QueryLog> {
    return this.paginate<QueryLog>('/v1/logs/queries', query);
  }

  retrievalLogs(query: RetrievalLogQuery = {}): AsyncGenerator<RetrievalLog> {
    return this.paginate<RetrievalLog>('/v1/logs/retrievals', query);
  }

  // Webhooks

  createWebhook(webhook: WebhookRequest): Promise<CreatedWebhook> {
    return this.request('POST', '/v1/webhooks', { body: webhook });
  }

  async listWebhooks(): Promise<Webhook[]> {
    return (await this.request<{ data: Webhook[] }>('GET', '/v1/webhooks')).data;
  }

  deleteWebhook(id: string): Promise<{ id: string; deleted: true }> {
    return this.request('DELETE', `/v1/webhooks/${encodeURIComponent(id)}`);
  }

  // Operations

  status(): Promise<Status> {
    return this.request('GET', '/v1/status');
  }
}
