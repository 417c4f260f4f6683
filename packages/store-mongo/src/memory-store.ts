import {
  decodeCursor,
  EngramError,
  type Memory,
  type MemoryFilter,
  type MemoryStore,
  type MemoryVersion,
  type PageRequest,
  pageOf,
} from '@engram/core';
import { docId, isDuplicateKey, type Models } from './models';
import { mongoFilter } from './mongo-filter';

/** A stored document back to the domain shape (no `_id`). */
export function toMemory({ _id, ...doc }: Memory & { _id?: string }): Memory {
  return doc;
}

function versionOf(memory: Memory, change: 'created' | 'updated') {
  return {
    _id: docId(memory.tenant_id, `${memory.id}\u001f${memory.version}`),
    tenant_id: memory.tenant_id,
    memory_id: memory.id,
    version: memory.version,
    change,
    content: memory.content,
    type: memory.type,
    metadata: memory.metadata,
    tags: memory.tags,
    created_at: memory.updated_at,
  };
}

/**
 * Memories and their history in two collections. MongoDB-wire servers without transactions
 * (FerretDB) are supported, so each change is ordered to be safe to retry: the memory is
 * written first with an optimistic version check, then its history entry is upserted by
 * (memory, version), which a retry repeats without duplicating.
 */
export class MongoMemoryStore implements MemoryStore {
  constructor(private readonly models: Models) {}

  async insert(memory: Memory): Promise<void> {
    try {
      await this.models.memories.create({ _id: docId(memory.tenant_id, memory.id), ...memory });
    } catch (err) {
      if (isDuplicateKey(err)) throw new EngramError('conflict', `memory ${memory.id} already exists`);
      throw err;
    }
    await this.saveVersion(memory, 'created');
  }

  async get(tenantId: string, id: string): Promise<Memory | null> {
    const doc = await this.models.memories.findById(docId(tenantId, id)).lean<Memory>();
    return doc ? toMemory(doc) : null;
  }

  async getMany(tenantId: string, ids: string[]): Promise<Memory[]> {
    if (ids.length === 0) return [];
    const docs = await this.models.memories
      .find({ _id: { $in: ids.map((id) => docId(tenantId, id)) } })
      .lean<Memory[]>();
    return docs.map(toMemory);
  }

  async update(memory: Memory): Promise<void> {
    const { _id, ...fields } = { _id: docId(memory.tenant_id, memory.id), ...memory };
    const result = await this.models.memories.updateOne(
      { _id, version: memory.version - 1 },
      {
        $set: {
          content: fields.content,
          type: fields.type,
          metadata: fields.metadata,
          tags: fields.tags,
          updated_at: fields.updated_at,
          version: fields.version,
        },
      },
    );
    if (result.matchedCount === 0) {
      throw new EngramError(
        'version_conflict',
        `memory ${memory.id} changed since version ${memory.version - 1}`,
      );
    }
    await this.saveVersion(memory, 'updated');
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const result = await this.models.memories.deleteOne({ _id: docId(tenantId, id) });
    await this.models.versions.deleteMany({ tenant_id: tenantId, memory_id: id });
    return result.deletedCount > 0;
  }

  async list(tenantId: string, filter: MemoryFilter, page: PageRequest) {
    const after = decodeCursor(page.cursor);
    const docs = await this.models.memories
      .find({ tenant_id: tenantId, ...mongoFilter(filter), ...(after ? { id: { $lt: after } } : {}) })
      .sort({ id: -1 })
      .limit(page.limit + 1)
      .lean<Memory[]>();
    return pageOf(docs.map(toMemory), page.limit, (m) => m.id);
  }

  async history(tenantId: string, id: string): Promise<MemoryVersion[]> {
    const docs = await this.models.versions
      .find({ tenant_id: tenantId, memory_id: id })
      .sort({ version: 1 })
      .lean<(MemoryVersion & { _id?: string })[]>();
    return docs.map(({ _id, ...v }) => v);
  }

  async sessionNeighbors(tenantId: string, id: string, window: number): Promise<string[]> {
    const me = await this.models.memories
      .findById(docId(tenantId, id), { session_id: 1 })
      .lean<{ session_id: string | null }>();
    if (!me?.session_id) return [];
    const side = (op: '$lt' | '$gt', order: 1 | -1) =>
      this.models.memories
        .find({ tenant_id: tenantId, session_id: me.session_id, id: { [op]: id } }, { id: 1 })
        .sort({ id: order })
        .limit(window)
        .lean<{ id: string }[]>();
    const [before, after] = await Promise.all([side('$lt', -1), side('$gt', 1)]);
    const out: string[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      if (before[i]) out.push(before[i]!.id);
      if (after[i]) out.push(after[i]!.id);
    }
    return out;
  }

  async listIds(tenantId: string, filter: MemoryFilter): Promise<string[]> {
    const docs = await this.models.memories
      .find({ tenant_id: tenantId, ...mongoFilter(filter) }, { id: 1 })
      .sort({ id: 1 })
      .lean<{ id: string }[]>();
    return docs.map((d) => d.id);
  }

  async contentBytes(tenantId: string): Promise<number> {
    // Summed here, streaming: it runs for a daily snapshot, and works on every MongoDB-wire server.
    let bytes = 0;
    for await (const doc of this.models.memories
      .find({ tenant_id: tenantId }, { content: 1 })
      .lean()
      .cursor()) {
      bytes += Buffer.byteLength((doc as { content: string }).content, 'utf8');
    }
    return bytes;
  }

  async recentlyWritten(limit: number): Promise<{ tenant_id: string; id: string }[]> {
    return this.models.memories
      .find({}, { tenant_id: 1, id: 1, _id: 0 })
      .sort({ updated_at: -1 })
      .limit(limit)
      .lean<{ tenant_id: string; id: string }[]>();
  }

  count(tenantId: string): Promise<number> {
    return this.models.memories.countDocuments({ tenant_id: tenantId });
  }

  private async saveVersion(memory: Memory, change: 'created' | 'updated'): Promise<void> {
    const version = versionOf(memory, change);
    await this.models.versions.replaceOne({ _id: version._id }, version, { upsert: true });
  }
}
