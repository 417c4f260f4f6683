import type { Logger } from 'pino';
import type { EngramConfig } from '../config/config';
import type { MemoryFilter } from '../domain/filter';
import { fingerprintOf, identity } from '../domain/fingerprint';
import { newId, nowIso } from '../domain/ids';
import {
  type MemoryInput,
  type MemoryUpdate,
  memoryInputSchema,
  memoryUpdateSchema,
} from '../domain/schemas';
import type { Memory, MemoryVersion, Page } from '../domain/types';
import { validate } from '../domain/validate';
import { backendUnavailable, EngramError, isBackendUnavailable, notFound } from '../errors';
import type { HookBus } from '../hooks';
import { type Entitlements, entitlementError, type UsageMeter } from '../ports/edition';
import type { GraphStore, MemoryStore, TextIndex } from '../ports/storage';
import type { Indexer } from './indexer';

export const MEMORY_ID_PREFIX = 'mem';

interface MemoryServicePorts {
  memoryStore: MemoryStore;
  textIndex: TextIndex;
  graphStore: GraphStore;
  usageMeter: UsageMeter;
  entitlements: Entitlements;
}

export interface AddOptions {
  /** Pre-assigned id (batches): adding it again returns the stored memory instead of a copy. */
  id?: string;
}

/** `deduplicated`: an identical current memory existed, and this is it (nothing was added). */
export type AddOutcome =
  | { ok: true; memory: Memory; deduplicated?: boolean }
  | { ok: false; error: EngramError };

export class MemoryService {
  constructor(
    private readonly ports: MemoryServicePorts,
    private readonly indexer: Indexer,
    private readonly hooks: HookBus,
    private readonly config: EngramConfig,
    private readonly logger: Logger,
  ) {}

  async add(
    tenantId: string,
    input: unknown,
    options: AddOptions = {},
  ): Promise<Memory & { deduplicated?: boolean }> {
    const [outcome] = await this.addMany(tenantId, [{ input, id: options.id }]);
    if (!outcome!.ok) throw outcome!.error;
    return outcome!.deduplicated ? { ...outcome!.memory, deduplicated: true } : outcome!.memory;
  }

  /**
   * Adds several memories with one embedding call. Each item succeeds or fails on its own:
   * a bad item is reported and the others are kept.
   */
  async addMany(tenantId: string, items: { input: unknown; id?: string }[]): Promise<AddOutcome[]> {
    type Work =
      | { ok: 'pending'; input: MemoryInput; id?: string }
      | { ok: 'recover'; memory: Memory }
      // An item of this call identical to an earlier one (`of`: that item's index).
      | { ok: 'repeat'; of: number };
    const outcomes: (AddOutcome | Work)[] = [];
    const firstOf = new Map<string, number>();
    for (const item of items) {
      try {
        const input = await this.checkNew(tenantId, item.input);
        const existing = item.id ? await this.ports.memoryStore.get(tenantId, item.id) : null;
        if (existing) {
          outcomes.push({ ok: 'recover', memory: existing });
          continue;
        }
        if (input.dedupe ?? this.config.memory.dedupe) {
          const key = identity(input);
          const earlier = firstOf.get(key);
          if (earlier !== undefined) {
            outcomes.push({ ok: 'repeat', of: earlier });
            continue;
          }
          const duplicate = await this.findDuplicate(tenantId, input, key);
          if (duplicate) {
            outcomes.push({ ok: true, memory: duplicate, deduplicated: true });
            continue;
          }
          firstOf.set(key, outcomes.length);
        }
        outcomes.push({ ok: 'pending', input, id: item.id });
      } catch (error) {
        outcomes.push({ ok: false, error: asEngramError(error) });
      }
    }
    const work = outcomes.flatMap((o, i) =>
      o.ok === 'pending' || o.ok === 'recover' ? [{ ...o, index: i }] : [],
    );
    // A repeat inside one call (a batch) is the earlier item's memory, as against the store.
    const settleRepeats = () =>
      outcomes.map((o) => {
        if (o.ok !== 'repeat') return o as AddOutcome;
        const first = outcomes[o.of] as AddOutcome;
        return first.ok ? { ok: true as const, memory: first.memory, deduplicated: true } : first;
      });
    if (work.length === 0) return settleRepeats();
    const fresh = work.filter((w) => w.ok === 'pending').length;
    if (fresh) {
      const quota = await this.ports.entitlements.check(tenantId, 'memories', fresh);
      if (!quota.allowed) {
        // Over the plan's quota: the items the quota still allows go ahead, in order; the rest
        // fail with the reason. None is silently dropped.
        const error = entitlementError(quota, 'memory quota exceeded');
        let allowed = quota.remaining ?? 0;
        const kept = work.filter((w) => w.ok === 'recover' || allowed-- > 0);
        for (const w of work) if (!kept.includes(w)) outcomes[w.index] = { ok: false, error };
        work.splice(0, work.length, ...kept);
      }
    }
    const contents = work.map((w) => (w.ok === 'pending' ? w.input.content : w.memory.content));
    const vectors = await this.indexer.embed(contents);
    const entities = this.indexer.extractAhead(contents);
    // Rows first, then their index entries together, then each one's links and events: one
    // row, text, graph and vector write for the whole call. A resumed batch's item already stored is
    // indexed and announced again (the crash may have come between); both are idempotent.
    const created = work.flatMap((w, n) =>
      w.ok === 'pending' ? [{ n, memory: this.newMemory(tenantId, w.input, w.id) }] : [],
    );
    const inserted = await this.insertEach(created.map((c) => c.memory));
    const rows = new Map(created.map((c, i) => [c.n, { memory: c.memory, result: inserted[i]! }]));
    const stored: { w: (typeof work)[number]; memory: Memory; n: number }[] = [];
    for (const [n, w] of work.entries()) {
      if (w.ok === 'recover') {
        stored.push({ w, memory: w.memory, n });
        continue;
      }
      const { memory, result } = rows.get(n)!;
      if (result.status === 'fulfilled') stored.push({ w, memory, n });
      else outcomes[w.index] = { ok: false, error: asEngramError(result.reason) };
    }
    await this.indexer.indexMany(
      stored.map(({ memory, n }) => ({ memory, vector: vectors[n]!, entities: entities[n]! })),
    );
    for (const { w, memory } of stored) {
      try {
        if (w.ok === 'pending') await this.link(w.input, memory);
        await this.hooks.run('afterAdd', memory);
        outcomes[w.index] = { ok: true, memory };
      } catch (error) {
        outcomes[w.index] = { ok: false, error: asEngramError(error) };
      }
    }
    // Metered by memory id before the caller answers: every acknowledged add counts, and a
    // resumed batch's items count once however often they are recovered.
    const added = work.flatMap((w) => {
      const outcome = outcomes[w.index]!;
      return outcome.ok === true ? [outcome.memory] : [];
    });
    if (added.length) {
      await this.ports.usageMeter.record(
        added.map((m) => ({ id: `add_${m.id}`, tenantId, metric: 'memories_added' as const, quantity: 1 })),
      );
    }
    return settleRepeats();
  }

  /**
   * The current memory identical to this input (same content after normalisation, same user,
   * namespace, agent, session, type and metadata; `key` is its identity): by the store's
   * fingerprint index, else through the text index, and checked exactly either way. Through the
   * text index, content with no indexable word is never taken for a duplicate.
   */
  private async findDuplicate(tenantId: string, input: MemoryInput, key: string): Promise<Memory | null> {
    const store = this.ports.memoryStore;
    if (store.findByFingerprint) {
      const found = await store.findByFingerprint(tenantId, fingerprintOf(key));
      return found.find((m) => m.valid_to === null && identity(m) === key) ?? null;
    }
    const scope: MemoryFilter = {};
    for (const field of ['user_id', 'namespace', 'agent_id', 'session_id'] as const) {
      if (input[field] !== undefined) scope[field] = input[field];
    }
    const hits = await this.ports.textIndex.search(tenantId, input.content, 20, scope);
    if (hits.length === 0) return null;
    const candidates = await this.ports.memoryStore.getMany(
      tenantId,
      hits.map((h) => h.id),
    );
    return candidates.find((m) => m.valid_to === null && identity(m) === key) ?? null;
  }

  /**
   * Ends a memory: it gets `valid_to`, leaves default search, and stays readable with its
   * history, where `reason` says why (superseded by another, or the LLM's decision).
   */
  async expire(tenantId: string, id: string, reason: string, at = nowIso()): Promise<Memory> {
    const previous = await this.get(tenantId, id);
    if (previous.valid_to !== null && previous.valid_to <= at) return previous;
    const next: Memory = { ...previous, valid_to: at, version: previous.version + 1, updated_at: at };
    await this.ports.memoryStore.update(next, { change: 'expired', reason });
    await this.hooks.run('afterUpdate', next, previous);
    return next;
  }

  /** Checks that memories to supersede exist in this tenant (before anything is written). */
  private async checkSuperseded(tenantId: string, ids: string[] | undefined, field: string): Promise<void> {
    for (const [i, id] of (ids ?? []).entries()) {
      if (!(await this.ports.memoryStore.get(tenantId, id))) {
        throw new EngramError('validation_failed', `${field}.${i}: memory ${id} does not exist`, {
          errors: [{ field: `${field}.${i}`, message: `memory ${id} does not exist` }],
        });
      }
    }
  }

  /**
   * After a restart, converges the last writes before a crash without anyone calling
   * reconcile: a memory stored but not indexed (the process died between the two) is indexed,
   * and a new memory's `afterAdd` hooks run again and its usage is recorded, so a
   * `memory.created` event or a usage event that was never written is written now (their ids
   * derive from the memory: one already written is not repeated).
   */
  async recoverRecent(window = 1000): Promise<{ checked: number; reindexed: number }> {
    const recent = await this.ports.memoryStore.recentlyWritten(window);
    let reindexed = 0;
    for (const { tenant_id, id } of recent) {
      if (!(await this.indexer.isIndexed(tenant_id, id))) {
        await this.indexer.sync(tenant_id, id);
        reindexed++;
      }
      const memory = await this.ports.memoryStore.get(tenant_id, id);
      if (memory?.version !== 1) continue;
      await this.hooks.run('afterAdd', memory);
      // A memory stored in the last day but never metered (the crash came between) is metered
      // now; the id makes one that was metered count once. Older ones predate any such crash.
      if (Date.parse(memory.created_at) > Date.now() - 86_400_000) {
        await this.ports.usageMeter.record([
          { id: `add_${memory.id}`, tenantId: tenant_id, metric: 'memories_added', quantity: 1 },
        ]);
      }
    }
    if (reindexed) this.logger.warn({ reindexed }, 'indexed memories a crash had left unindexed');
    return { checked: recent.length, reindexed };
  }

  async get(tenantId: string, id: string): Promise<Memory> {
    const memory = await this.ports.memoryStore.get(tenantId, id);
    if (!memory) throw notFound('memory', id);
    return memory;
  }

  async update(tenantId: string, id: string, patch: unknown): Promise<Memory> {
    const update: MemoryUpdate = validate(memoryUpdateSchema, patch);
    const previous = await this.get(tenantId, id);
    if (update.expected_version !== undefined && update.expected_version !== previous.version) {
      throw new EngramError(
        'version_conflict',
        `memory ${id} is at version ${previous.version}, not ${update.expected_version}`,
        {
          current_version: previous.version,
        },
      );
    }
    if (update.content !== undefined) this.checkSize(update.content, 'content');
    await this.checkSuperseded(tenantId, update.supersedes, 'supersedes');
    const now = nowIso();
    const next: Memory = {
      ...previous,
      content: update.content ?? previous.content,
      type: update.type ?? previous.type,
      metadata: update.metadata ?? previous.metadata,
      tags: update.tags ?? previous.tags,
      valid_to: update.valid_to === undefined ? previous.valid_to : update.valid_to,
      event_time: update.event_time === undefined ? previous.event_time : update.event_time,
      version: previous.version + 1,
      updated_at: now,
    };
    const [vector] = await this.indexer.embed([next.content]);
    const ended = next.valid_to !== null && previous.valid_to === null;
    await this.ports.memoryStore.update(
      next,
      ended ? { change: 'expired', reason: 'valid_to set' } : undefined,
    );
    await this.indexer.index(next, vector!);
    await this.hooks.run('afterUpdate', next, previous);
    for (const old of update.supersedes ?? []) {
      if (old !== id) await this.expire(tenantId, old, `superseded by ${id}`, now);
    }
    return next;
  }

  async delete(tenantId: string, id: string): Promise<Memory> {
    const memory = await this.get(tenantId, id);
    // Store first: from this moment search cannot return it, even before the indexes catch up.
    if (!(await this.ports.memoryStore.delete(tenantId, id))) throw notFound('memory', id);
    await this.indexer.remove(tenantId, [id]);
    await this.hooks.run('afterDelete', memory);
    return memory;
  }

  list(
    tenantId: string,
    filter: MemoryFilter,
    page: { cursor?: string | null; limit: number },
  ): Promise<Page<Memory>> {
    return this.ports.memoryStore.list(tenantId, filter, page);
  }

  /** Deletes every memory of one end user, with history and index entries (right to be forgotten). */
  async forgetUser(tenantId: string, userId: string): Promise<{ deleted: number }> {
    const ids = await this.ports.memoryStore.listIds(tenantId, { user_id: userId });
    for (const id of ids) await this.ports.memoryStore.delete(tenantId, id);
    await this.indexer.remove(tenantId, ids);
    await this.ports.graphStore.forgetUser(tenantId, userId);
    await this.hooks.run('afterForget', { tenantId, userId, deleted: ids.length });
    return { deleted: ids.length };
  }

  async history(tenantId: string, id: string): Promise<MemoryVersion[]> {
    const versions = await this.ports.memoryStore.history(tenantId, id);
    if (versions.length === 0) throw notFound('memory', id);
    return versions;
  }

  private async checkNew(tenantId: string, raw: unknown): Promise<MemoryInput> {
    const input = validate(memoryInputSchema, raw);
    this.checkSize(input.content, 'content');
    await this.checkSuperseded(tenantId, input.supersedes, 'supersedes');
    for (const [i, rel] of (input.relations ?? []).entries()) {
      const target = rel.to.startsWith('ent_')
        ? await this.ports.graphStore.getEntity(tenantId, rel.to)
        : await this.ports.memoryStore.get(tenantId, rel.to);
      if (!target) {
        throw new EngramError('validation_failed', `relations.${i}.to: ${rel.to} does not exist`, {
          errors: [{ field: `relations.${i}.to`, message: `${rel.to} does not exist` }],
        });
      }
    }
    await this.hooks.run('beforeAdd', { tenantId, content: input.content, metadata: input.metadata ?? {} });
    return input;
  }

  private checkSize(content: string, field: string): void {
    const bytes = Buffer.byteLength(content, 'utf8');
    const max = this.config.memory.max_content_bytes;
    if (bytes > max) {
      throw new EngramError('content_too_large', `${field} is ${bytes} bytes; the limit is ${max}`, {
        errors: [{ field, message: `at most ${max} UTF-8 bytes` }],
        limit: max,
      });
    }
  }

  /** A new memory as its row will be written (its index entries and links come after, see addMany). */
  private newMemory(tenantId: string, input: MemoryInput, id?: string): Memory {
    const now = nowIso();
    const memory: Memory = {
      id: id ?? newId(MEMORY_ID_PREFIX),
      tenant_id: tenantId,
      user_id: input.user_id ?? null,
      namespace: input.namespace ?? null,
      agent_id: input.agent_id ?? null,
      session_id: input.session_id ?? null,
      content: input.content,
      type: input.type ?? 'text',
      metadata: input.metadata ?? {},
      tags: input.tags ?? [],
      created_at: now,
      updated_at: now,
      version: 1,
      valid_from: input.valid_from ?? now,
      valid_to: null,
      event_time: input.event_time ?? null,
    };
    return memory;
  }

  private insertEach(memories: Memory[]): Promise<PromiseSettledResult<void>[]> {
    const store = this.ports.memoryStore;
    if (store.insertEach) return store.insertEach(memories);
    return Promise.allSettled(memories.map((m) => store.insert(m)));
  }

  /** A new memory's effects on others: the memories it supersedes end, its relations are added. */
  private async link(input: MemoryInput, memory: Memory): Promise<void> {
    for (const old of input.supersedes ?? [])
      await this.expire(memory.tenant_id, old, `superseded by ${memory.id}`, memory.created_at);
    for (const rel of input.relations ?? []) {
      await this.ports.graphStore.addRelation(memory.tenant_id, {
        source_id: memory.id,
        target_id: rel.to,
        type: rel.type,
      });
    }
    this.logger.debug({ memory: memory.id }, 'memory added');
  }
}

export function asEngramError(error: unknown): EngramError {
  if (error instanceof EngramError) return error;
  if (isBackendUnavailable(error)) return backendUnavailable();
  return new EngramError('internal_error', 'the item could not be stored');
}
