import type { MemoryFilter } from '../domain/filter';
import { matchesFilter } from '../domain/filter';
import { rankEachByRareEntities, shortestPath } from '../domain/graph-walk';
import { newId, nowIso } from '../domain/ids';
import { decodeCursor, pageOf } from '../domain/paging';
import { relationRecord } from '../domain/relations';
import {
  type BatchJob,
  type ChangeNote,
  type Entity,
  type EntityKind,
  type Feedback,
  type Memory,
  type MemoryRetrievalLog,
  type MemoryVersion,
  type Page,
  type QueryLog,
  type Relation,
  versionOf,
  type WebhookDelivery,
  type WebhookSubscription,
} from '../domain/types';
import { EngramError } from '../errors';
import type { EngramPlugin } from '../plugin';
import type {
  BatchStore,
  EmbeddingModelInfo,
  GraphNeighborhood,
  GraphStore,
  IdempotencyRecord,
  IdempotencyStore,
  IndexedMemory,
  JobRecord,
  JobStore,
  LogStore,
  MemoryStore,
  MentionWrite,
  NewRelation,
  PageRequest,
  QueryLogFilter,
  ScoredId,
  TextIndex,
  VectorIndex,
  WebhookStore,
} from '../ports/storage';
import { terms } from './terms';

/*
 * Core's in-memory implementation of every storage port: the reference for plugin authors
 * (each class is the shortest correct reading of its port's contract) and what core's own
 * tests compose. Nothing survives a restart. Records are copied in and out, as a database
 * would, so a caller never changes stored state by mutating what it got back.
 */

const copy = <T>(value: T): T => structuredClone(value);
/** A newest-first page over rows given oldest first, keyed by `key` (unique, increasing). */
function newestFirst<T>(rows: T[], page: PageRequest, key: (row: T) => string | number): Page<T> {
  const after = decodeCursor(page.cursor);
  const before = (row: T) => {
    const k = key(row);
    return after === null || (typeof k === 'number' ? k < Number(after) : k < after);
  };
  const ordered = [...rows].reverse().filter(before);
  return pageOf(ordered.slice(0, page.limit + 1).map(copy), page.limit, key);
}

export class InMemoryMemoryStore implements MemoryStore {
  private readonly memories = new Map<string, Memory>(); // by `${tenant}\u001f${id}`
  private readonly versions = new Map<string, MemoryVersion[]>();

  private key = (tenantId: string, id: string) => `${tenantId}\u001f${id}`;

  async insert(memory: Memory): Promise<void> {
    const k = this.key(memory.tenant_id, memory.id);
    if (this.memories.has(k)) throw new EngramError('conflict', `memory ${memory.id} already exists`);
    this.memories.set(k, copy(memory));
    this.versions.set(k, [versionOf(memory, { change: 'created' })]);
  }

  async get(tenantId: string, id: string): Promise<Memory | null> {
    const found = this.memories.get(this.key(tenantId, id));
    return found ? copy(found) : null;
  }

  async getMany(tenantId: string, ids: string[]): Promise<Memory[]> {
    return ids.flatMap((id) => {
      const found = this.memories.get(this.key(tenantId, id));
      return found ? [copy(found)] : [];
    });
  }

  async update(memory: Memory, note: ChangeNote = { change: 'updated' }): Promise<void> {
    const k = this.key(memory.tenant_id, memory.id);
    const current = this.memories.get(k);
    // A missing memory is a conflict too: the caller's version is not the stored one.
    if (current?.version !== memory.version - 1) {
      throw new EngramError(
        'version_conflict',
        `memory ${memory.id} changed since version ${memory.version - 1}`,
      );
    }
    this.memories.set(k, copy(memory));
    this.versions.get(k)!.push(versionOf(memory, note));
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const k = this.key(tenantId, id);
    this.versions.delete(k);
    return this.memories.delete(k);
  }

  private of(tenantId: string, filter: MemoryFilter): Memory[] {
    return [...this.memories.values()]
      .filter((m) => m.tenant_id === tenantId && matchesFilter(m, filter))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  async list(tenantId: string, filter: MemoryFilter, page: PageRequest): Promise<Page<Memory>> {
    const after = decodeCursor(page.cursor);
    const rows = this.of(tenantId, filter)
      .reverse()
      .filter((m) => after === null || m.id < after);
    return pageOf(rows.slice(0, page.limit + 1).map(copy), page.limit, (m) => m.id);
  }

  async history(tenantId: string, id: string): Promise<MemoryVersion[]> {
    return copy(this.versions.get(this.key(tenantId, id)) ?? []);
  }

  async sessionNeighbors(tenantId: string, id: string, window: number): Promise<string[]> {
    const memory = this.memories.get(this.key(tenantId, id));
    if (!memory?.session_id) return [];
    const turns = this.of(tenantId, { session_id: memory.session_id }).map((m) => m.id);
    const at = turns.indexOf(id);
    const out: string[] = [];
    for (let d = 1; d <= window; d++) {
      if (at - d >= 0) out.push(turns[at - d]!);
      if (at + d < turns.length) out.push(turns[at + d]!);
    }
    return out;
  }

  async listIds(tenantId: string, filter: MemoryFilter): Promise<string[]> {
    return this.of(tenantId, filter).map((m) => m.id);
  }

  async count(tenantId: string): Promise<number> {
    return this.of(tenantId, {}).length;
  }

  async contentBytes(tenantId: string): Promise<number> {
    return this.of(tenantId, {}).reduce((sum, m) => sum + Buffer.byteLength(m.content, 'utf8'), 0);
  }

  async recentlyWritten(limit: number): Promise<{ tenant_id: string; id: string }[]> {
    return [...this.memories.values()]
      .sort((a, b) => (a.updated_at < b.updated_at ? 1 : a.updated_at > b.updated_at ? -1 : 0))
      .slice(0, limit)
      .map((m) => ({ tenant_id: m.tenant_id, id: m.id }));
  }
}

/** Indexes keep their own copy of the filterable fields (they may sit beside another MemoryStore). */
const asFilterable = (memory: IndexedMemory) => memory as Memory;

export class InMemoryVectorIndex implements VectorIndex {
  private model: EmbeddingModelInfo | null = null;
  private readonly entries = new Map<string, { memory: IndexedMemory; vector: Float32Array }>();

  async init(model: EmbeddingModelInfo): Promise<void> {
    if (this.model && (this.model.id !== model.id || this.model.dimension !== model.dimension)) {
      throw new EngramError(
        'model_mismatch',
        `the index holds ${this.model.id} (${this.model.dimension}), not ${model.id} (${model.dimension})`,
      );
    }
    this.model = model;
  }

  async upsert(items: { memory: IndexedMemory; vector: Float32Array }[]): Promise<void> {
    for (const { memory, vector } of items) {
      this.entries.set(`${memory.tenant_id}\u001f${memory.id}`, {
        memory: copy(memory),
        vector: Float32Array.from(vector),
      });
    }
  }

  async delete(tenantId: string, ids: string[]): Promise<void> {
    for (const id of ids) this.entries.delete(`${tenantId}\u001f${id}`);
  }

  async search(tenantId: string, vector: Float32Array, k: number, filter: MemoryFilter): Promise<ScoredId[]> {
    const hits: ScoredId[] = [];
    for (const { memory, vector: v } of this.entries.values()) {
      if (memory.tenant_id !== tenantId || !matchesFilter(asFilterable(memory), filter)) continue;
      let dot = 0;
      for (let d = 0; d < v.length; d++) dot += v[d]! * vector[d]!;
      hits.push({ id: memory.id, score: dot });
    }
    return hits.sort((a, b) => b.score - a.score).slice(0, k);
  }

  async has(tenantId: string, id: string): Promise<boolean> {
    return this.entries.has(`${tenantId}\u001f${id}`);
  }
}

// The usual BM25 constants (those of SQLite's FTS5 and the MongoDB text index).
const K1 = 1.2;
const B = 0.75;

export class InMemoryTextIndex implements TextIndex {
  private readonly docs = new Map<string, { memory: IndexedMemory; terms: string[] }>();

  async upsert(items: IndexedMemory[]): Promise<void> {
    for (const memory of items) {
      this.docs.set(`${memory.tenant_id}\u001f${memory.id}`, {
        memory: copy(memory),
        terms: terms(memory.content),
      });
    }
  }

  async delete(tenantId: string, ids: string[]): Promise<void> {
    for (const id of ids) this.docs.delete(`${tenantId}\u001f${id}`);
  }

  async search(tenantId: string, query: string, k: number, filter: MemoryFilter): Promise<ScoredId[]> {
    const wanted = [...new Set(terms(query))];
    if (!wanted.length) return [];
    // Statistics over the tenant's documents, as a per-tenant index would keep them.
    const docs = [...this.docs.values()].filter((d) => d.memory.tenant_id === tenantId);
    const average = docs.reduce((sum, d) => sum + d.terms.length, 0) / Math.max(1, docs.length);
    const idf = new Map(
      wanted.map((t) => {
        const n = docs.filter((d) => d.terms.includes(t)).length;
        return [t, Math.log(1 + (docs.length - n + 0.5) / (n + 0.5))];
      }),
    );
    const hits: ScoredId[] = [];
    for (const doc of docs) {
      if (!matchesFilter(asFilterable(doc.memory), filter)) continue;
      let score = 0;
      for (const t of wanted) {
        const tf = doc.terms.filter((x) => x === t).length;
        if (tf)
          score +=
            (idf.get(t)! * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * doc.terms.length) / (average || 1)));
      }
      if (score > 0) hits.push({ id: doc.memory.id, score });
    }
    return hits.sort((a, b) => b.score - a.score).slice(0, k);
  }
}

const MENTIONS = 'MENTIONS';
const normalize = (name: string) => name.trim().toLowerCase().replace(/\s+/g, ' ');

export class InMemoryGraphStore implements GraphStore {
  private readonly entities: Entity[] = [];
  private edges: Relation[] = [];

  private entityKey = (e: { tenant_id: string; user_id: string | null; name: string }) =>
    `${e.tenant_id}\u001f${e.user_id ?? ''}\u001f${normalize(e.name)}`;

  async writeMentions(tenantId: string, memories: MentionWrite[]): Promise<void> {
    for (const m of memories) {
      const ids = m.entities.map((e) => this.upsertEntity(tenantId, m.user_id, e).id);
      this.edges = this.edges.filter(
        (e) => !(e.tenant_id === tenantId && e.source_id === m.memory_id && e.type === MENTIONS),
      );
      for (const entityId of new Set(ids))
        this.edges.push(
          relationRecord(tenantId, { source_id: m.memory_id, target_id: entityId, type: MENTIONS }),
        );
    }
  }

  private upsertEntity(
    tenantId: string,
    userId: string | null,
    e: { name: string; kind: EntityKind },
  ): Entity {
    const key = this.entityKey({ tenant_id: tenantId, user_id: userId, name: e.name });
    let found = this.entities.find((x) => this.entityKey(x) === key);
    if (!found) {
      found = {
        id: newId('ent'),
        tenant_id: tenantId,
        user_id: userId,
        name: e.name.trim(),
        kind: e.kind,
        created_at: nowIso(),
      };
      this.entities.push(found);
    }
    return found;
  }

  async findEntities(tenantId: string, userId: string | null, names: string[]): Promise<Entity[]> {
    const wanted = new Set(names.map(normalize));
    return this.entities
      .filter(
        (e) =>
          e.tenant_id === tenantId &&
          (userId === null || e.user_id === userId) &&
          wanted.has(normalize(e.name)),
      )
      .map(copy);
  }

  async addRelation(tenantId: string, relation: NewRelation): Promise<Relation> {
    const record = relationRecord(tenantId, relation);
    this.edges.push(record);
    return copy(record);
  }

  async forgetUser(tenantId: string, userId: string): Promise<void> {
    const gone = new Set(
      this.entities.filter((e) => e.tenant_id === tenantId && e.user_id === userId).map((e) => e.id),
    );
    this.edges = this.edges.filter(
      (e) => !(e.tenant_id === tenantId && (gone.has(e.source_id) || gone.has(e.target_id))),
    );
    for (let i = this.entities.length - 1; i >= 0; i--)
      if (gone.has(this.entities[i]!.id)) this.entities.splice(i, 1);
  }

  async removeNode(tenantId: string, nodeId: string): Promise<void> {
    this.edges = this.edges.filter(
      (e) => !(e.tenant_id === tenantId && (e.source_id === nodeId || e.target_id === nodeId)),
    );
  }

  async entitiesOf(tenantId: string, memoryIds: string[]): Promise<Map<string, Entity[]>> {
    const out = new Map<string, Entity[]>();
    for (const e of this.edges) {
      if (e.tenant_id !== tenantId || e.type !== MENTIONS || !memoryIds.includes(e.source_id)) continue;
      const entity = this.entities.find((x) => x.id === e.target_id);
      if (entity) out.set(e.source_id, [...(out.get(e.source_id) ?? []), copy(entity)]);
    }
    return out;
  }

  async memoriesMentioningEach(
    tenantId: string,
    entitySets: string[][],
    limit: number,
  ): Promise<ScoredId[][]> {
    const wanted = new Set(entitySets.flat());
    const edges = this.edges.filter(
      (e) => e.tenant_id === tenantId && e.type === MENTIONS && wanted.has(e.target_id),
    );
    return rankEachByRareEntities(edges, entitySets, limit);
  }

  private touching(tenantId: string, nodes: string[]): Relation[] {
    return this.edges.filter(
      (e) => e.tenant_id === tenantId && (nodes.includes(e.source_id) || nodes.includes(e.target_id)),
    );
  }

  async neighbors(
    tenantId: string,
    nodeId: string,
    depth: number,
    limit: number,
  ): Promise<GraphNeighborhood> {
    const seen = [nodeId];
    let frontier = [nodeId];
    for (let d = 0; d < depth && frontier.length; d++) {
      const next: string[] = [];
      for (const e of this.touching(tenantId, frontier)) {
        for (const node of [e.source_id, e.target_id]) {
          if (!seen.includes(node)) {
            seen.push(node);
            next.push(node);
          }
        }
      }
      frontier = next;
    }
    const nodes = seen.slice(0, limit);
    const relations = this.edges
      .filter((e) => e.tenant_id === tenantId && nodes.includes(e.source_id) && nodes.includes(e.target_id))
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map(copy);
    return { nodes, relations };
  }

  path(tenantId: string, fromId: string, toId: string, maxDepth: number): Promise<Relation[] | null> {
    return shortestPath(fromId, toId, maxDepth, async (frontier) =>
      this.touching(tenantId, frontier).map(copy),
    );
  }

  async listEntities(
    tenantId: string,
    filter: { user_id?: string; kind?: EntityKind },
    page: PageRequest,
  ): Promise<Page<Entity & { mentions: number }>> {
    const after = decodeCursor(page.cursor);
    const rows = this.entities
      .filter(
        (e) =>
          e.tenant_id === tenantId &&
          (filter.user_id === undefined || e.user_id === filter.user_id) &&
          (!filter.kind || e.kind === filter.kind) &&
          (after === null || e.id < after),
      )
      .sort((a, b) => (a.id < b.id ? 1 : -1))
      .slice(0, page.limit + 1)
      .map((e) => ({
        ...copy(e),
        mentions: this.edges.filter(
          (x) => x.tenant_id === tenantId && x.type === MENTIONS && x.target_id === e.id,
        ).length,
      }));
    return pageOf(rows, page.limit, (e) => e.id);
  }

  async getEntity(tenantId: string, id: string): Promise<Entity | null> {
    const found = this.entities.find((e) => e.tenant_id === tenantId && e.id === id);
    return found ? copy(found) : null;
  }
}

export class InMemoryLogStore implements LogStore {
  private readonly queries: QueryLog[] = [];
  private readonly retrievals: MemoryRetrievalLog[] = [];
  private readonly feedback: Feedback[] = [];

  async append(queries: QueryLog[], retrievals: MemoryRetrievalLog[]): Promise<void> {
    for (const q of queries) if (!this.queries.some((x) => x.id === q.id)) this.queries.push(copy(q));
    for (const r of retrievals)
      if (!this.retrievals.some((x) => x.id === r.id)) this.retrievals.push(copy(r));
  }

  async getQuery(tenantId: string, searchId: string): Promise<QueryLog | null> {
    const found = this.queries.find((q) => q.tenant_id === tenantId && q.id === searchId);
    return found ? copy(found) : null;
  }

  private matches(log: { tenant_id: string; created_at: string }, tenantId: string, filter: QueryLogFilter) {
    return (
      log.tenant_id === tenantId &&
      (!filter.since || log.created_at >= filter.since) &&
      (!filter.until || log.created_at < filter.until)
    );
  }

  async listQueries(tenantId: string, filter: QueryLogFilter, page: PageRequest): Promise<Page<QueryLog>> {
    const rows = this.queries
      .map((q, seq) => ({ q, seq }))
      .filter(
        ({ q }) =>
          this.matches(q, tenantId, filter) &&
          (filter.user_id === undefined || q.user_id === filter.user_id) &&
          (!filter.search_id || q.id === filter.search_id),
      );
    const paged = newestFirst(rows, page, (r) => r.seq);
    return { data: paged.data.map((r) => r.q), next_cursor: paged.next_cursor };
  }

  async listRetrievals(
    tenantId: string,
    filter: QueryLogFilter & { memory_id?: string },
    page: PageRequest,
  ): Promise<Page<MemoryRetrievalLog>> {
    const users = new Map(this.queries.map((q) => [q.id, q.user_id]));
    const rows = this.retrievals
      .map((r, seq) => ({ r, seq }))
      .filter(
        ({ r }) =>
          this.matches(r, tenantId, filter) &&
          (!filter.search_id || r.search_id === filter.search_id) &&
          (!filter.memory_id || r.memory_id === filter.memory_id) &&
          (filter.user_id === undefined || users.get(r.search_id) === filter.user_id),
      );
    const paged = newestFirst(rows, page, (r) => r.seq);
    return { data: paged.data.map((x) => x.r), next_cursor: paged.next_cursor };
  }

  async addFeedback(feedback: Feedback): Promise<void> {
    this.feedback.push(copy(feedback));
  }

  async listFeedback(tenantId: string, searchId: string): Promise<Feedback[]> {
    return this.feedback.filter((f) => f.tenant_id === tenantId && f.search_id === searchId).map(copy);
  }
}

export class InMemoryBatchStore implements BatchStore {
  private readonly batches = new Map<string, { batch: BatchJob; items: unknown[] }>();
  /** Items put before their batch record exists, by tenant and batch. */
  private readonly pending = new Map<string, unknown[]>();

  async putItems(tenantId: string, batchId: string, start: number, items: unknown[]): Promise<void> {
    const key = `${tenantId}\u001f${batchId}`;
    const list = this.pending.get(key) ?? [];
    list.splice(start, items.length, ...copy(items));
    this.pending.set(key, list);
  }

  async create(batch: BatchJob, items?: unknown[]): Promise<void> {
    const key = `${batch.tenant_id}\u001f${batch.id}`;
    const stored = items ? copy(items) : (this.pending.get(key) ?? []);
    this.pending.delete(key);
    this.batches.set(batch.id, { batch: copy(batch), items: stored });
  }

  async get(tenantId: string, id: string): Promise<BatchJob | null> {
    const found = this.batches.get(id);
    return found && found.batch.tenant_id === tenantId ? copy(found.batch) : null;
  }

  async items(tenantId: string, id: string, range?: { start: number; end: number }): Promise<unknown[]> {
    const found = this.batches.get(id);
    if (!found || found.batch.tenant_id !== tenantId) return [];
    return copy(range ? found.items.slice(range.start, range.end) : found.items);
  }

  async save(batch: BatchJob): Promise<void> {
    const found = this.batches.get(batch.id);
    if (found && found.batch.tenant_id === batch.tenant_id) found.batch = copy(batch);
  }

  async remove(tenantId: string, id: string): Promise<void> {
    this.pending.delete(`${tenantId}\u001f${id}`);
    if (this.batches.get(id)?.batch.tenant_id === tenantId) this.batches.delete(id);
  }
}

/** Idempotency records in a map: one process's memory (the default when no store keeps them). */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  private readonly records = new Map<string, IdempotencyRecord>();
  private key = (tenantId: string, key: string) => `${tenantId}\u001f${key}`;

  async claim(record: IdempotencyRecord, now: number): Promise<IdempotencyRecord | null> {
    const k = this.key(record.tenant_id, record.key);
    const held = this.records.get(k);
    if (held && held.expires_at > now && (held.status !== null || held.locked_until > now)) return copy(held);
    this.records.set(k, copy(record));
    return null;
  }

  async complete(tenantId: string, key: string, status: number, body: unknown): Promise<void> {
    const held = this.records.get(this.key(tenantId, key));
    if (held) Object.assign(held, { status, body: copy(body) });
  }

  async release(tenantId: string, key: string): Promise<void> {
    this.records.delete(this.key(tenantId, key));
  }
}

export class InMemoryWebhookStore implements WebhookStore {
  private readonly subscriptions = new Map<string, WebhookSubscription>();
  private readonly deliveries: WebhookDelivery[] = [];

  async createSubscription(sub: WebhookSubscription): Promise<void> {
    this.subscriptions.set(sub.id, copy(sub));
  }

  async getSubscription(tenantId: string, id: string): Promise<WebhookSubscription | null> {
    const found = this.subscriptions.get(id);
    return found?.tenant_id === tenantId ? copy(found) : null;
  }

  async listSubscriptions(tenantId: string): Promise<WebhookSubscription[]> {
    return [...this.subscriptions.values()]
      .filter((s) => s.tenant_id === tenantId)
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map(copy);
  }

  async deleteSubscription(tenantId: string, id: string): Promise<boolean> {
    return (await this.getSubscription(tenantId, id)) !== null && this.subscriptions.delete(id);
  }

  async createDelivery(delivery: WebhookDelivery): Promise<void> {
    if (!this.deliveries.some((d) => d.id === delivery.id)) this.deliveries.push(copy(delivery));
  }

  async getDelivery(tenantId: string, id: string): Promise<WebhookDelivery | null> {
    const found = this.deliveries.find((d) => d.id === id && d.tenant_id === tenantId);
    return found ? copy(found) : null;
  }

  async updateDelivery(delivery: WebhookDelivery): Promise<void> {
    const i = this.deliveries.findIndex((d) => d.id === delivery.id && d.tenant_id === delivery.tenant_id);
    if (i >= 0) this.deliveries[i] = copy(delivery);
  }

  async listDeliveries(
    tenantId: string,
    subscriptionId: string,
    page: PageRequest,
  ): Promise<Page<WebhookDelivery>> {
    const rows = this.deliveries
      .filter((d) => d.tenant_id === tenantId && d.subscription_id === subscriptionId)
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    return newestFirst(rows, page, (d) => d.id);
  }
}

type StoredJob = JobRecord & { lease_until: number | null };

export class InMemoryJobStore implements JobStore {
  private readonly jobs = new Map<string, StoredJob>();

  private view = ({ lease_until: _l, ...job }: StoredJob): JobRecord => copy(job);

  async put(job: JobRecord): Promise<boolean> {
    if (this.jobs.has(job.id)) return false;
    this.jobs.set(job.id, { ...copy(job), lease_until: null });
    return true;
  }

  private due(job: StoredJob, now: number): boolean {
    return (
      (job.status === 'pending' && job.run_at <= now) ||
      (job.status === 'running' && (job.lease_until ?? 0) <= now)
    );
  }

  async claim(kinds: string[], now: number, leaseMs: number, limit: number): Promise<JobRecord[]> {
    // One synchronous pass: nothing else runs between choosing a job and taking it.
    const taken = [...this.jobs.values()]
      .filter((j) => kinds.includes(j.kind) && this.due(j, now))
      .sort((a, b) => a.run_at - b.run_at)
      .slice(0, limit);
    for (const job of taken) {
      job.status = 'running';
      job.lease_until = now + leaseMs;
      job.attempts++;
    }
    return taken.map(this.view);
  }

  async extend(id: string, leaseUntil: number): Promise<void> {
    const job = this.jobs.get(id);
    if (job?.status === 'running') job.lease_until = leaseUntil;
  }

  async complete(id: string): Promise<void> {
    const job = this.jobs.get(id);
    if (!job) return;
    Object.assign(job, { status: 'done', lease_until: null, last_error: null });
  }

  async fail(id: string, error: string, retryAt: number | null): Promise<void> {
    const job = this.jobs.get(id);
    if (!job) return;
    Object.assign(job, {
      status: retryAt === null ? 'dead' : 'pending',
      run_at: retryAt ?? job.run_at,
      lease_until: null,
      last_error: error,
    });
  }

  async get(id: string): Promise<JobRecord | null> {
    const job = this.jobs.get(id);
    return job ? this.view(job) : null;
  }

  async listDead(tenantId: string, page: PageRequest): Promise<Page<JobRecord>> {
    const rows = [...this.jobs.values()]
      .filter((j) => j.tenant_id === tenantId && j.status === 'dead')
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map(this.view);
    return newestFirst(rows, page, (j) => j.id);
  }

  async revive(tenantId: string, id: string, runAt: number): Promise<boolean> {
    const job = this.jobs.get(id);
    if (!job || job.tenant_id !== tenantId || job.status !== 'dead') return false;
    Object.assign(job, { status: 'pending', attempts: 0, run_at: runAt, lease_until: null });
    return true;
  }

  async counts(now: number) {
    const all = [...this.jobs.values()];
    const count = (test: (j: StoredJob) => boolean) => all.filter(test).length;
    return {
      due: count((j) => this.due(j, now)),
      scheduled: count((j) => j.status === 'pending' && j.run_at > now),
      running: count((j) => j.status === 'running' && (j.lease_until ?? 0) > now),
      done: count((j) => j.status === 'done'),
      dead: count((j) => j.status === 'dead'),
      oldest_due_at: all
        .filter((j) => j.status === 'pending' && j.run_at <= now)
        .reduce<number | null>((min, j) => (min === null || j.run_at < min ? j.run_at : min), null),
    };
  }
}

/** Every storage port in process memory: core's reference implementations as one plugin. */
export function inMemoryStorePlugin(): EngramPlugin {
  return {
    name: 'store-memory',
    setup(ctx) {
      const stores = {
        memoryStore: new InMemoryMemoryStore(),
        vectorIndex: new InMemoryVectorIndex(),
        textIndex: new InMemoryTextIndex(),
        graphStore: new InMemoryGraphStore(),
        logStore: new InMemoryLogStore(),
        batchStore: new InMemoryBatchStore(),
        webhookStore: new InMemoryWebhookStore(),
        jobStore: new InMemoryJobStore(),
        idempotencyStore: new InMemoryIdempotencyStore(),
      };
      for (const [port, impl] of Object.entries(stores)) {
        // Like the embedded store: only what no plugin composed before this one filled.
        if (!ctx.get(port as keyof typeof stores)) ctx.provide(port as keyof typeof stores, impl as never);
      }
    },
  };
}
