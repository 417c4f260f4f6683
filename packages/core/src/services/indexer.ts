import type { Logger } from 'pino';
import type { Memory } from '../domain/types';
import type { JobQueue } from '../jobs/job-queue';
import type { Embedder, EntityExtractor, ExtractedEntity } from '../ports/ai';
import type { GraphStore, MemoryStore, MentionWrite, TextIndex, VectorIndex } from '../ports/storage';

export const INDEX_SYNC_JOB = 'index.sync';

/** A memory to index, its vector, and its entities if their extraction already started. */
export interface IndexItem {
  memory: Memory;
  vector: Float32Array;
  entities?: Promise<ExtractedEntity[]>;
}

interface IndexerPorts {
  memoryStore: MemoryStore;
  vectorIndex: VectorIndex;
  textIndex: TextIndex;
  graphStore: GraphStore;
  embedder: Embedder;
  entityExtractor: EntityExtractor;
  jobQueue: JobQueue;
}

/**
 * Keeps the derived indexes (vector, text, graph mentions) in step with the MemoryStore,
 * which is the source of truth. Search always re-reads memories from the store, so an index
 * that lags can cost recall for a moment but can never show deleted or stale content.
 * A failed index write is handed to the durable `index.sync` job, which retries until the
 * indexes match the store again.
 */
export class Indexer {
  constructor(
    private readonly ports: IndexerPorts,
    private readonly logger: Logger,
  ) {}

  /** Embeds texts, in order. Done before anything is written so a failure writes nothing. */
  embed(texts: string[]): Promise<Float32Array[]> {
    return this.ports.embedder.embed(texts);
  }

  /**
   * Starts extracting entities for texts about to be indexed, in order. A batch starts all of
   * them first, so the extraction threads work through the batch while this thread writes the
   * memories before: the two overlap instead of taking turns. A failed extraction fails the
   * `index` call it is given to (and is repaired like any index write), never anything else.
   */
  extractAhead(texts: string[]): Promise<ExtractedEntity[]>[] {
    return texts.map((text) => {
      const entities = this.ports.entityExtractor.extract(text);
      entities.catch(() => undefined); // handled where it is awaited, in write
      return entities;
    });
  }

  async index(memory: Memory, vector: Float32Array, entities?: Promise<ExtractedEntity[]>): Promise<void> {
    await this.indexMany([{ memory, vector, entities }]);
  }

  /**
   * Indexes several new memories of one tenant with one text, one graph and one vector write for
   * all of them (a batch chunk): each write is a commit on the embedded store and a round trip on
   * a networked one.
   * A failed write is repaired per memory; one memory's failed graph write, only its own.
   */
  async indexMany(items: IndexItem[]): Promise<void> {
    if (items.length === 0) return;
    const failed = (err: unknown, memories: Memory[]) => {
      this.logger.warn({ err, count: memories.length }, 'index write failed; queued for repair');
      return Promise.all(memories.map((m) => this.queueSync(m.tenant_id, m.id)));
    };
    const memories = items.map((item) => item.memory);
    try {
      await this.ports.textIndex.upsert(memories);
    } catch (err) {
      await failed(err, memories);
      return;
    }
    const graphed = await this.writeMentionsOf(items, failed);
    try {
      await this.ports.vectorIndex.upsert(graphed.map(({ memory, vector }) => ({ memory, vector })));
    } catch (err) {
      await failed(
        err,
        graphed.map((item) => item.memory),
      );
    }
  }

  async remove(tenantId: string, ids: string[]): Promise<void> {
    try {
      await Promise.all([
        this.ports.vectorIndex.delete(tenantId, ids),
        this.ports.textIndex.delete(tenantId, ids),
      ]);
      for (const id of ids) await this.ports.graphStore.removeNode(tenantId, id);
    } catch (err) {
      this.logger.warn({ err, count: ids.length }, 'index delete failed; queued for repair');
      for (const id of ids) await this.queueSync(tenantId, id);
    }
  }

  /** Brings one memory's index entries in line with the store: rewrite them, or remove them. */
  async sync(tenantId: string, id: string): Promise<void> {
    const memory = await this.ports.memoryStore.get(tenantId, id);
    if (!memory) {
      await Promise.all([
        this.ports.vectorIndex.delete(tenantId, [id]),
        this.ports.textIndex.delete(tenantId, [id]),
      ]);
      await this.ports.graphStore.removeNode(tenantId, id);
      return;
    }
    const [vector] = await this.embed([memory.content]);
    await this.write(memory, vector!);
  }

  /**
   * Repairs drift for a whole tenant: every memory without a vector is re-indexed (`full`:
   * every memory, which also repairs text and graph entries after restoring one store from
   * an older backup).
   */
  async reconcile(
    tenantId: string,
    options: { full?: boolean } = {},
  ): Promise<{ checked: number; repaired: number }> {
    const ids = await this.ports.memoryStore.listIds(tenantId, {});
    let repaired = 0;
    for (const id of ids) {
      if (options.full || !(await this.ports.vectorIndex.has(tenantId, id))) {
        await this.sync(tenantId, id);
        repaired++;
      }
    }
    return { checked: ids.length, repaired };
  }

  /** Whether the memory has all its index entries: its vector is written last (see write). */
  isIndexed(tenantId: string, id: string): Promise<boolean> {
    return this.ports.vectorIndex.has(tenantId, id);
  }

  /** The vector is written last: a memory that has one has all its index entries. */
  private async write(memory: Memory, vector: Float32Array): Promise<void> {
    await this.ports.textIndex.upsert([memory]);
    await this.writeMentions(memory);
    await this.ports.vectorIndex.upsert([{ memory, vector }]);
  }

  /**
   * The memories' entities as graph nodes and their mentions of them, in one graph write once
   * every extraction is in; the items written. If that write fails, each memory is written
   * alone, so a memory whose extraction or write fails is repaired on its own.
   */
  private async writeMentionsOf(
    items: IndexItem[],
    failed: (err: unknown, memories: Memory[]) => Promise<unknown>,
  ): Promise<IndexItem[]> {
    const extracted = await Promise.allSettled(
      items.map((item) => item.entities ?? this.ports.entityExtractor.extract(item.memory.content)),
    );
    const ready: { item: IndexItem; write: MentionWrite }[] = [];
    for (const [i, outcome] of extracted.entries()) {
      const item = items[i]!;
      if (outcome.status === 'rejected') await failed(outcome.reason, [item.memory]);
      else ready.push({ item, write: mentionWrite(item.memory, outcome.value) });
    }
    const tenantId = items[0]!.memory.tenant_id; // one call's memories are one tenant's
    try {
      await this.ports.graphStore.writeMentions(
        tenantId,
        ready.map((r) => r.write),
      );
      return ready.map((r) => r.item);
    } catch {
      const written: IndexItem[] = [];
      for (const { item, write } of ready) {
        try {
          await this.ports.graphStore.writeMentions(tenantId, [write]);
          written.push(item);
        } catch (err) {
          await failed(err, [item.memory]);
        }
      }
      return written;
    }
  }

  private async writeMentions(memory: Memory): Promise<void> {
    const entities = await this.ports.entityExtractor.extract(memory.content);
    await this.ports.graphStore.writeMentions(memory.tenant_id, [mentionWrite(memory, entities)]);
  }

  private queueSync(tenantId: string, id: string): Promise<string> {
    // One pending repair per memory is enough: the job reads the latest state when it runs.
    return this.ports.jobQueue.enqueue(
      INDEX_SYNC_JOB,
      { id },
      { tenantId, id: `sync_${tenantId}_${id}_${Date.now()}` },
    );
  }
}

const mentionWrite = (memory: Memory, entities: ExtractedEntity[]): MentionWrite => ({
  memory_id: memory.id,
  user_id: memory.user_id,
  entities,
});
